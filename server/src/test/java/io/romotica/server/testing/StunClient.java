package io.romotica.server.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A small STUN/TURN client for tests, written from RFC 5389 and RFC 5766 independently of the server's
 * responder: Binding requests, TURN Allocate with long-term credentials, and decoding of the answers. One
 * UDP socket per client; not thread-safe.
 */
public final class StunClient implements AutoCloseable {
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int BINDING_ERROR = 0x0111;
    public static final int ALLOCATE_REQUEST = 0x0003;
    public static final int ALLOCATE_SUCCESS = 0x0103;
    public static final int ALLOCATE_ERROR = 0x0113;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int REQUESTED_TRANSPORT = 0x0019;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    public static final int FINGERPRINT = 0x8028;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A decoded STUN message: its type, transaction id and attributes (type → value) in order. */
    public record Message(int type, byte[] transactionId, Map<Integer, byte[]> attributes, int length) {
        public Optional<byte[]> attribute(int type) {
            return Optional.ofNullable(attributes.get(type));
        }

        /** The address in XOR-MAPPED-ADDRESS or XOR-RELAYED-ADDRESS ({@code attributeType}). */
        public InetSocketAddress xorAddress(int attributeType) {
            byte[] v = attribute(attributeType).orElseThrow(() -> new AssertionError("no attribute " + attributeType));
            int port = ((v[2] & 0xFF) << 8 | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
            byte[] mask = ByteBuffer.allocate(16)
                    .putInt(MAGIC_COOKIE)
                    .put(transactionId)
                    .array();
            byte[] address = new byte[v[1] == 0x01 ? 4 : 16];
            for (int i = 0; i < address.length; i++) {
                address[i] = (byte) (v[4 + i] ^ mask[i]);
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(address), port);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** The ERROR-CODE as a number (401, 420, …), or 0 without one. */
        public int errorCode() {
            return attribute(ERROR_CODE)
                    .map(v -> (v[2] & 0x07) * 100 + (v[3] & 0xFF))
                    .orElse(0);
        }

        public String text(int attributeType) {
            return new String(attribute(attributeType).orElseThrow(), StandardCharsets.UTF_8);
        }

        /** Whether a FINGERPRINT attribute ends the message and is correct. */
        public boolean fingerprintValid(byte[] raw) {
            byte[] v = attributes.get(FINGERPRINT);
            return v != null && ByteBuffer.wrap(v).getInt() == crc(raw, length - 8);
        }
    }

    private final DatagramSocket socket;
    private byte[] lastRaw;

    /** A client on an ephemeral port of {@code localAddress}. */
    public StunClient(InetAddress localAddress) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(localAddress, 0));
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public static byte[] newTransactionId() {
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        return id;
    }

    /** A Binding request, optionally with extra attributes (type → value) and a FINGERPRINT. */
    public static byte[] bindingRequest(byte[] transactionId, Map<Integer, byte[]> attributes, boolean fingerprint) {
        return encode(BINDING_REQUEST, transactionId, attributes, null, fingerprint);
    }

    /** Sends {@code datagram} and waits up to {@code timeout} for a reply; empty when none comes. */
    public Optional<Message> exchange(InetSocketAddress server, byte[] datagram, Duration timeout) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
        return receive(timeout);
    }

    /** The next datagram received within {@code timeout}, decoded; empty when none comes. */
    public Optional<Message> receive(Duration timeout) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        byte[] raw = Arrays.copyOf(buffer, packet.getLength());
        lastRaw = raw;
        return Optional.of(decode(raw));
    }

    /** The bytes of the last datagram received. */
    public byte[] lastRaw() {
        return lastRaw;
    }

    /**
     * A TURN Allocate (UDP relay) with long-term credentials (RFC 5766 / 5389 section 10.2): a first request
     * without credentials to learn realm and nonce, then the signed one. Returns the server's final answer.
     */
    public Message allocate(InetSocketAddress server, String username, String password, Duration timeout)
            throws IOException {
        Map<Integer, byte[]> transport = Map.of(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
        Message challenge = exchange(
                        server, encode(ALLOCATE_REQUEST, newTransactionId(), transport, null, false), timeout)
                .orElseThrow(() -> new AssertionError("no answer to Allocate from " + server));
        if (challenge.errorCode() != 401) {
            throw new AssertionError("expected a 401 challenge, got " + challenge.errorCode());
        }
        String realm = challenge.text(REALM);
        String nonce = challenge.text(NONCE);
        Map<Integer, byte[]> attributes = new LinkedHashMap<>();
        attributes.put(REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0});
        attributes.put(USERNAME, username.getBytes(StandardCharsets.UTF_8));
        attributes.put(REALM, realm.getBytes(StandardCharsets.UTF_8));
        attributes.put(NONCE, nonce.getBytes(StandardCharsets.UTF_8));
        byte[] key = md5(username + ":" + realm + ":" + password);
        return exchange(server, encode(ALLOCATE_REQUEST, newTransactionId(), attributes, key, true), timeout)
                .orElseThrow(() -> new AssertionError("no answer to the signed Allocate from " + server));
    }

    /** Encodes a message; with {@code integrityKey} a MESSAGE-INTEGRITY (HMAC-SHA1) follows the attributes. */
    public static byte[] encode(
            int type, byte[] transactionId, Map<Integer, byte[]> attributes, byte[] integrityKey, boolean fingerprint) {
        ByteBuffer out = ByteBuffer.allocate(2048);
        out.putShort((short) type).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
        attributes.forEach((t, v) -> {
            out.putShort(t.shortValue()).putShort((short) v.length).put(v);
            out.position(out.position() + ((4 - v.length % 4) % 4));
        });
        if (integrityKey != null) {
            out.putShort(2, (short) (out.position() - 20 + 24));
            byte[] mac = hmacSha1(integrityKey, Arrays.copyOf(out.array(), out.position()));
            out.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(mac);
        }
        if (fingerprint) {
            out.putShort(2, (short) (out.position() - 20 + 8));
            int crc = crc(out.array(), out.position());
            out.putShort((short) FINGERPRINT).putShort((short) 4).putInt(crc);
        }
        out.putShort(2, (short) (out.position() - 20));
        return Arrays.copyOf(out.array(), out.position());
    }

    public static Message decode(byte[] raw) {
        ByteBuffer in = ByteBuffer.wrap(raw);
        int type = in.getShort(0) & 0xFFFF;
        int length = in.getShort(2) & 0xFFFF;
        byte[] tx = Arrays.copyOfRange(raw, 8, 20);
        Map<Integer, byte[]> attributes = new LinkedHashMap<>();
        int pos = 20;
        while (pos + 4 <= 20 + length && pos + 4 <= raw.length) {
            int t = in.getShort(pos) & 0xFFFF;
            int l = in.getShort(pos + 2) & 0xFFFF;
            attributes.put(t, Arrays.copyOfRange(raw, pos + 4, pos + 4 + l));
            pos += 4 + ((l + 3) & ~3);
        }
        return new Message(type, tx, attributes, raw.length);
    }

    static int crc(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue() ^ 0x5354554E;
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
