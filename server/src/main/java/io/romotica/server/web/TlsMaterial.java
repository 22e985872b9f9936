package io.romotica.server.web;

import io.romotica.server.config.ConfigException;
import io.romotica.server.config.ServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS key and certificate chain as an in-memory key store: from the configured PEM files, or a
 * self-signed ECDSA P-256 certificate generated once under {@code data.dir/tls} (names: localhost, this
 * host's name, loopback addresses).
 */
public final class TlsMaterial {
    private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);
    static final char[] STORE_PASSWORD = "romotica".toCharArray();
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
    private static final java.util.regex.Pattern PKCS8 =
            java.util.regex.Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private TlsMaterial() {}

    public static KeyStore load(ServerConfig.Tls config, Path dataDir, SecureRandom random) {
        Path cert = config.cert();
        Path key = config.key();
        if (cert == null) {
            Path dir = dataDir.resolve("tls");
            cert = dir.resolve("server.crt");
            key = dir.resolve("server.key");
            if (!Files.exists(cert) || !Files.exists(key)) {
                generate(dir, cert, key, random);
            }
        }
        try {
            List<Certificate> chain = readCertificates(cert);
            PrivateKey privateKey = readKey(key);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", privateKey, STORE_PASSWORD, chain.toArray(Certificate[]::new));
            return ks;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException("cannot read TLS certificate/key (" + cert + ", " + key + "): " + e.getMessage());
        }
    }

    private static List<Certificate> readCertificates(Path file)
            throws IOException, java.security.GeneralSecurityException {
        // The JDK reads PEM certificate chains itself (text around the blocks is ignored).
        try (var in = Files.newInputStream(file)) {
            List<Certificate> chain = new ArrayList<>(
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return chain;
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, java.security.GeneralSecurityException {
        String pem = Files.readString(file);
        java.util.regex.Matcher pkcs8 = PKCS8.matcher(pem);
        if (pkcs8.find()) {
            // PKCS#8 (what this class generates, and openssl's default): the JDK alone, no BouncyCastle on start.
            byte[] der = java.util.Base64.getMimeDecoder().decode(pkcs8.group(1));
            var spec = new java.security.spec.PKCS8EncodedKeySpec(der);
            for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
                try {
                    return java.security.KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (java.security.spec.InvalidKeySpecException e) {
                    // try the next algorithm
                }
            }
            throw new IOException("unsupported private key algorithm in " + file);
        }
        // Traditional "EC PRIVATE KEY" / "RSA PRIVATE KEY" files need BouncyCastle's PEM reader.
        try (Reader r = new java.io.StringReader(pem);
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return conv.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IOException("no unencrypted private key in " + file);
        }
    }

    private static void generate(Path dir, Path certFile, Path keyFile, SecureRandom random) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = gen.generateKeyPair();
            String hostName = hostName();
            X500Name subject = new X500Name("CN=" + hostName + ",O=Romotica self-signed");
            Instant now = Instant.now();
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
            if (!hostName.equals("localhost")) {
                names.add(new GeneralName(GeneralName.dNSName, hostName));
            }
            var builder = new JcaX509v3CertificateBuilder(
                            subject,
                            new BigInteger(127, random),
                            Date.from(now.minus(Duration.ofDays(1))),
                            Date.from(now.plus(SELF_SIGNED_VALIDITY)),
                            subject,
                            pair.getPublic())
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            Files.writeString(certFile, pem(cert));
            Files.writeString(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                log.debug("no POSIX permissions here; {} keeps the default", keyFile);
            }
            log.info("generated a self-signed TLS certificate for {} in {}", hostName, dir);
        } catch (IOException | java.security.GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate a TLS certificate in " + dir, e);
        }
    }

    private static String pem(Object o) throws IOException {
        Writer w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static String hostName() {
        try {
            String n = InetAddress.getLocalHost().getHostName();
            return n == null || n.isBlank() ? "localhost" : n;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
