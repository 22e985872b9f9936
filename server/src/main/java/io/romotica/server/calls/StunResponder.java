package io.romotica.server.calls;

import io.romotica.server.config.ConfigException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain STUN server (RFC 5389 Binding only, no TURN, no authentication) on one UDP port, so a lone server
 * can give browsers and the desktop app their server-reflexive address for hole punching. It answers only
 * well-formed Binding requests carrying the magic cookie, with the smallest possible response
 * (XOR-MAPPED-ADDRESS + FINGERPRINT, at most 52 bytes), and at most {@value #ANSWERS_PER_SECOND} answers a
 * second per source address, so it is no use as a traffic amplifier. Anything else is dropped silently.
 *
 * <p>One virtual thread receives and answers; {@link #close()} stops it. The other methods are thread-safe.
 */
public final class StunResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StunResponder.class);

    static final int MAGIC_COOKIE = 0x2112A442;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int BINDING_ERROR = 0x0111;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int ERROR_CODE = 0x0009;
    static final int UNKNOWN_ATTRIBUTES = 0x000A;
    static final int FINGERPRINT = 0x8028;
    static final int FINGERPRINT_XOR = 0x5354554E;
    private static final int HEADER = 20;
    /** Larger datagrams are no STUN request a client sends to learn its address. */
    static final int MAX_REQUEST = 1280;
    /** Comprehension-required attributes (RFC 5389, ICE) this server accepts and ignores. */
    private static final Set<Integer> UNDERSTOOD = Set.of(
            0x0001, // MAPPED-ADDRESS
            0x0006, // USERNAME
            0x0008, // MESSAGE-INTEGRITY
            0x0009, // ERROR-CODE
            0x000A, // UNKNOWN-ATTRIBUTES
            0x0014, // REALM
            0x0015, // NONCE
            0x0020, // XOR-MAPPED-ADDRESS
            0x0024, // PRIORITY
            0x0025); // USE-CANDIDATE
    /** At most this many unknown attributes are named in a 420 answer. */
    private static final int MAX_UNKNOWN = 4;

    static final int ANSWERS_PER_SECOND = 100;
    private static final int TRACKED_ADDRESSES = 10_000;

    private final DatagramSocket socket;
    private final Thread thread;
    /** Answers per source address in the current one-second window; used by the receiving thread only. */
    private final Map<InetAddress, long[]> budget = new HashMap<>();

    private StunResponder(DatagramSocket socket) {
        this.socket = socket;
        this.thread = Thread.ofVirtual().name("stun-responder").unstarted(this::serve);
    }

    /**
     * Binds UDP {@code host:port} (port 0: a free one) and starts answering.
     *
     * @throws ConfigException when the port cannot be bound (in use, or not allowed), naming {@code stun.port}
     */
    public static StunResponder start(String host, int port) {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException("stun.port: cannot listen on UDP " + host + ":" + port + " (" + e.getMessage()
                    + "); set ROMOTICA_STUN_PORT=0 to turn the STUN responder off, e.g. when coturn answers STUN"
                    + " on this host");
        }
        StunResponder responder = new StunResponder(socket);
        responder.thread.start();
        log.info("STUN responder listening on UDP {}", socket.getLocalSocketAddress());
        return responder;
    }

    /** The bound UDP port. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Stops answering and frees the port. */
    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        byte[] buffer = new byte[MAX_REQUEST + 1];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                packet.setData(buffer);
                socket.receive(packet);
                InetSocketAddress sender = (InetSocketAddress) packet.getSocketAddress();
                Optional<byte[]> answer = answer(buffer, packet.getLength(), sender);
                if (answer.isPresent() && withinBudget(sender.getAddress())) {
                    socket.send(new DatagramPacket(answer.get(), answer.get().length, sender));
                }
            } catch (SocketException e) {
                if (!socket.isClosed()) {
                    log.warn("STUN responder: {}", e.toString());
                }
            } catch (IOException | RuntimeException e) {
                log.warn("STUN responder: datagram dropped: {}", e.toString());
            }
        }
        log.info("STUN responder stopped");
    }

    private boolean withinBudget(InetAddress address) {
        long second = System.nanoTime() / 1_000_000_000L;
        if (budget.size() > TRACKED_ADDRESSES) {
            budget.values().removeIf(window -> window[0] != second);
        }
        long[] window = budget.computeIfAbsent(address, a -> new long[] {second, 0});
        if (window[0] != second) {
            window[0] = second;
            window[1] = 0;
        }
        return ++window[1] <= ANSWERS_PER_SECOND;
    }

    /**
     * The answer to one datagram of {@code length} bytes from {@code sender}: a Binding success response
     * naming the sender, a 420 error for a Binding request with comprehension-required attributes this server
     * does not know, or empty for anything that is not a well-formed RFC 5389 Binding request. Never throws.
     */
    static Optional<byte[]> answer(byte[] data, int length, InetSocketAddress sender) {
        if (length < HEADER || length > MAX_REQUEST || length > data.length) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        if (in.getShort(0) != BINDING_REQUEST
                || in.getShort(2) != length - HEADER
                || (length & 3) != 0
                || in.getInt(4) != MAGIC_COOKIE) {
            return Optional.empty();
        }
        Set<Integer> unknown = new LinkedHashSet<>();
        int pos = HEADER;
        boolean fingerprinted = false;
        while (pos < length) {
            if (fingerprinted || pos + 4 > length) {
                return Optional.empty(); // FINGERPRINT must come last; no truncated attribute header
            }
            int type = in.getShort(pos) & 0xFFFF;
            int valueLength = in.getShort(pos + 2) & 0xFFFF;
            int next = pos + 4 + ((valueLength + 3) & ~3);
            if (next > length) {
                return Optional.empty();
            }
            if (type == FINGERPRINT) {
                if (valueLength != 4 || in.getInt(pos + 4) != fingerprint(data, pos)) {
                    return Optional.empty();
                }
                fingerprinted = true;
            } else if (type < 0x8000 && !UNDERSTOOD.contains(type) && unknown.size() < MAX_UNKNOWN) {
                unknown.add(type);
            }
            pos = next;
        }
        byte[] transaction = new byte[12];
        in.get(8, transaction);
        return Optional.of(unknown.isEmpty() ? success(transaction, sender) : unknownAttributes(transaction, unknown));
    }

    private static byte[] success(byte[] transaction, InetSocketAddress sender) {
        byte[] address = sender.getAddress().getAddress();
        boolean v4 = sender.getAddress() instanceof Inet4Address;
        ByteBuffer out = header(BINDING_SUCCESS, 4 + 4 + address.length + 8, transaction);
        out.putShort((short) XOR_MAPPED_ADDRESS).putShort((short) (4 + address.length));
        out.put((byte) 0).put((byte) (v4 ? 0x01 : 0x02));
        out.putShort((short) (sender.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] mask =
                ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transaction).array();
        for (int i = 0; i < address.length; i++) {
            out.put((byte) (address[i] ^ mask[i]));
        }
        return withFingerprint(out);
    }

    private static byte[] unknownAttributes(byte[] transaction, Set<Integer> unknown) {
        int listLength = 2 * unknown.size();
        int padded = (listLength + 3) & ~3;
        ByteBuffer out = header(BINDING_ERROR, 4 + 4 + 4 + padded + 8, transaction);
        // ERROR-CODE 420 (class 4, number 20), empty reason phrase to keep the answer small.
        out.putShort((short) ERROR_CODE)
                .putShort((short) 4)
                .putShort((short) 0)
                .put((byte) 4)
                .put((byte) 20);
        out.putShort((short) UNKNOWN_ATTRIBUTES).putShort((short) listLength);
        unknown.forEach(type -> out.putShort(type.shortValue()));
        out.position(out.position() + padded - listLength);
        return withFingerprint(out);
    }

    private static ByteBuffer header(int type, int bodyLength, byte[] transaction) {
        return ByteBuffer.allocate(HEADER + bodyLength)
                .putShort((short) type)
                .putShort((short) bodyLength)
                .putInt(MAGIC_COOKIE)
                .put(transaction);
    }

    /** Appends FINGERPRINT over everything before it; the header length already counts it. */
    private static byte[] withFingerprint(ByteBuffer out) {
        int at = out.position();
        out.putShort((short) FINGERPRINT).putShort((short) 4).putInt(fingerprint(out.array(), at));
        return out.array();
    }

    /** CRC-32 of the first {@code length} bytes, XOR 0x5354554E (RFC 5389 section 15.5). */
    static int fingerprint(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
