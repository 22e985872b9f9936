package io.romotica.desktop.net;

import io.romotica.desktop.DesktopFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificate the app trusts: exactly one, pinned by its SHA-256. Either given explicitly
 * ({@code --trust-cert FILE}) or trusted on first use and stored in the user's config folder under {@code
 * known-servers/}; a later change is refused with SERVER_CERTIFICATE_CHANGED (the session content is
 * protected end to end anyway; the pin keeps the ID registry and brute-force accounting honest).
 * Thread-safe.
 */
public final class ServerTrust {
    private final String pinned;
    private final Path pinFile;
    private final AtomicReference<String> seen = new AtomicReference<>();

    private ServerTrust(String pinned, Path pinFile) {
        this.pinned = pinned;
        this.pinFile = pinFile;
    }

    /** Trusts exactly the certificate in {@code pemFile}. */
    public static ServerTrust explicit(Path pemFile) throws IOException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            X509Certificate cert =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return new ServerTrust(sha256(cert), null);
        } catch (GeneralSecurityException e) {
            throw new IOException(pemFile + " is not a PEM certificate", e);
        }
    }

    /** Trust on first use: the pin for {@code server} lives in {@code configDir/known-servers/}. */
    public static ServerTrust onFirstUse(Path configDir, URI server) throws IOException {
        String name = (server.getHost() + "_" + (server.getPort() < 0 ? 443 : server.getPort()))
                .replaceAll("[^A-Za-z0-9._-]", "_");
        Path file = configDir.resolve("known-servers").resolve(name + ".sha256");
        String pin = Files.exists(file) ? Files.readString(file).strip() : null;
        return new ServerTrust(pin, file);
    }

    /** A TLS context that accepts only the pinned certificate (or, first use, any, remembered afterwards). */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[] {new PinningTrustManager()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS unavailable", e);
        }
    }

    /** After a successful first connection: stores the certificate seen as the pin. */
    public void rememberFirstUse() throws IOException {
        if (pinned == null && pinFile != null && seen.get() != null) {
            Files.createDirectories(pinFile.getParent());
            Files.writeString(pinFile, seen.get() + "\n");
        }
    }

    /** Whether the refused certificate was a changed one (vs. another TLS failure). */
    public DesktopFailure changedFailure() {
        return new DesktopFailure(
                DesktopFailure.Code.SERVER_CERTIFICATE_CHANGED,
                "the server's certificate is not the one trusted before (pin " + pinFile + ")");
    }

    boolean refusedChanged() {
        return pinned != null && seen.get() != null && !pinned.equals(seen.get());
    }

    static String sha256(X509Certificate cert) throws CertificateException {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()))
                    .toLowerCase(Locale.ROOT);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the leaf certificate against the pin; host names do not matter once a certificate is pinned. */
    private final class PinningTrustManager extends X509ExtendedTrustManager {
        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no server certificate");
            }
            String fingerprint = sha256(chain[0]);
            seen.set(fingerprint);
            if (pinned != null && !pinned.equals(fingerprint)) {
                throw new CertificateException("server certificate does not match the pin");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
