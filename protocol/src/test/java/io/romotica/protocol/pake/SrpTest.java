package io.romotica.protocol.pake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.junit.jupiter.api.Test;

class SrpTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 5054, Appendix B: the 1024-bit group with SHA-1, I = alice, P = password123. */
    private static final SrpSuite RFC_SUITE = new SrpSuite(SRP6StandardGroups.rfc5054_1024, SHA1Digest::new);

    private static final byte[] RFC_SALT = hex("BEB25379 D1A8581E B5A72767 3A2441EE");
    private static final BigInteger RFC_A_PRIVATE =
            new BigInteger(1, hex("60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393"));
    private static final BigInteger RFC_B_PRIVATE =
            new BigInteger(1, hex("E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20"));
    private static final BigInteger RFC_A = new BigInteger(
            1,
            hex("61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4 4352E890 3211C046 92272D8B"
                    + "2D1A5358 A2CF1B6E 0BFCF99F 921530EC 8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03"
                    + "E1327F44 BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA B349EF5D 76988A36"
                    + "72FAC47B 0769447B"));
    private static final BigInteger RFC_B = new BigInteger(
            1,
            hex("BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011 BAF38964 DC46A067 0DD125B9"
                    + "5A981652 236F99D9 B681CBF8 7837EC99 6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE"
                    + "7BD4FBAA 37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE EB4012B7 D7665238"
                    + "A8E3FB00 4B117B58"));
    private static final BigInteger RFC_PREMASTER = new BigInteger(
            1,
            hex("B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D 233861E3 59B48220 F7C4693C"
                    + "9AE12B0A 6F67809F 0876E2D0 13800D6C 41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB"
                    + "2AFAFA8F 3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D C346D7E4 74B29EDE"
                    + "8A469FFE CA686E5A"));

    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    private static byte[] alice() {
        return "alice".getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hostReproducesTheRfc5054PublicValueB() {
        SrpHost host = new SrpHost(RFC_SUITE, alice(), "password123", RFC_SALT, RANDOM, RFC_B_PRIVATE);
        assertThat(host.publicValue()).isEqualTo(RFC_B);
        assertThat(Base64.getDecoder().decode(host.hello().salt())).isEqualTo(RFC_SALT);
    }

    @Test
    void viewerReproducesTheRfc5054PublicValueAAndPremasterSecret() throws PakeException {
        SrpViewer viewer = new SrpViewer(RFC_SUITE, alice(), "password123", RANDOM, RFC_A_PRIVATE);
        RelayPayload.SrpProof proof = viewer.answer(new RelayPayload.SrpHello(
                Base64.getEncoder().encodeToString(RFC_SALT),
                Base64.getEncoder().encodeToString(RFC_B.toByteArray())));
        assertThat(new BigInteger(1, Base64.getDecoder().decode(proof.a()))).isEqualTo(RFC_A);
        assertThat(viewer.secret()).isEqualTo(RFC_PREMASTER);
    }

    @Test
    void rfc5054HostAndViewerAgreeOnTheKnownSecret() throws PakeException {
        SrpHost host = new SrpHost(RFC_SUITE, alice(), "password123", RFC_SALT, RANDOM, RFC_B_PRIVATE);
        SrpViewer viewer = new SrpViewer(RFC_SUITE, alice(), "password123", RANDOM, RFC_A_PRIVATE);
        var established = host.verify(viewer.answer(host.hello()), "s1").orElseThrow();
        SessionKey viewerKey = viewer.confirm(established.confirm(), "s1");
        assertThat(viewerKey.verificationCode()).isEqualTo(established.key().verificationCode());
    }

    @Test
    void standardSuiteIsTheRfc5054GroupOf2048BitsWithSha256() {
        assertThat(SrpSuite.STANDARD.group().getN().bitLength()).isEqualTo(2048);
        assertThat(SrpSuite.STANDARD.digest().get().getAlgorithmName()).isEqualTo("SHA-256");
    }

    @Test
    void rightPasswordGivesBothSidesTheSameKeyAndCode() throws PakeException {
        SrpHost host = new SrpHost("123456789", "K7QW3MXN9A", RANDOM);
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9A", RANDOM);
        var established = host.verify(viewer.answer(host.hello()), "sess").orElseThrow();
        SessionKey viewerKey = viewer.confirm(established.confirm(), "sess");

        assertThat(viewerKey.verificationCode())
                .matches("[0-9]{3} [0-9]{3}")
                .isEqualTo(established.key().verificationCode());
        String fingerprint = "sha-256 AB:CD:EF";
        String mac = established.key().macFingerprint(SessionKey.Role.HOST, fingerprint);
        assertThat(viewerKey.verifyFingerprint(SessionKey.Role.HOST, fingerprint, mac))
                .isTrue();
    }

    @Test
    void wrongPasswordIsNoticedByTheHost() throws PakeException {
        SrpHost host = new SrpHost("123456789", "K7QW3MXN9A", RANDOM);
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9B", RANDOM);
        assertThat(host.verify(viewer.answer(host.hello()), "sess")).isEmpty();
    }

    @Test
    void proofForAnotherHostIdIsRefused() throws PakeException {
        SrpHost host = new SrpHost("123456789", "K7QW3MXN9A", RANDOM);
        SrpViewer viewer = new SrpViewer("987654321", "K7QW3MXN9A", RANDOM);
        assertThat(host.verify(viewer.answer(host.hello()), "sess")).isEmpty();
    }

    @Test
    void impostorHostWithoutThePasswordFailsTheViewersCheck() throws PakeException {
        SrpHost impostor = new SrpHost("123456789", "GUESSED999", RANDOM);
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9A", RANDOM);
        viewer.answer(impostor.hello());
        // The impostor cannot make M2 for the viewer's A; it replays any value it has.
        RelayPayload.SrpConfirm forged =
                new RelayPayload.SrpConfirm(Base64.getEncoder().encodeToString(new byte[32]));
        assertThatThrownBy(() -> viewer.confirm(forged, "sess"))
                .isInstanceOfSatisfying(
                        PakeException.class, e -> assertThat(e.code()).isEqualTo(PakeException.SECURITY_CHECK_FAILED));
    }

    @Test
    void keysOfDifferentSessionsDiffer() throws PakeException {
        SrpHost host = new SrpHost("123456789", "K7QW3MXN9A", RANDOM);
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9A", RANDOM);
        var established = host.verify(viewer.answer(host.hello()), "one").orElseThrow();
        SessionKey other = viewer.confirm(established.confirm(), "two");
        String mac = established.key().macFingerprint(SessionKey.Role.HOST, "sha-256 AB:CD");
        assertThat(other.verifyFingerprint(SessionKey.Role.HOST, "sha-256 AB:CD", mac))
                .isFalse();
    }

    @Test
    void fingerprintMacBindsFingerprintAndSender() throws PakeException {
        SrpHost host = new SrpHost("123456789", "K7QW3MXN9A", RANDOM);
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9A", RANDOM);
        var established = host.verify(viewer.answer(host.hello()), "s").orElseThrow();
        SessionKey key = viewer.confirm(established.confirm(), "s");
        String mac = key.macFingerprint(SessionKey.Role.VIEWER, "sha-256 AB:CD");

        assertThat(established.key().verifyFingerprint(SessionKey.Role.VIEWER, "sha-256 AB:CD", mac))
                .isTrue();
        assertThat(established.key().verifyFingerprint(SessionKey.Role.VIEWER, "sha-256 AB:CE", mac))
                .isFalse();
        assertThat(established.key().verifyFingerprint(SessionKey.Role.HOST, "sha-256 AB:CD", mac))
                .isFalse();
        assertThat(established.key().verifyFingerprint(SessionKey.Role.VIEWER, "sha-256 AB:CD", "%%%"))
                .isFalse();
    }

    @Test
    void publicValueZeroIsRefused() throws PakeException {
        SrpViewer viewer = new SrpViewer("123456789", "K7QW3MXN9A", RANDOM);
        String zero = Base64.getEncoder().encodeToString(new byte[256]);
        assertThatThrownBy(() -> viewer.answer(
                        new RelayPayload.SrpHello(Base64.getEncoder().encodeToString(new byte[16]), zero)))
                .isInstanceOfSatisfying(
                        PakeException.class, e -> assertThat(e.code()).isEqualTo(PakeException.SECURITY_CHECK_FAILED));
    }
}
