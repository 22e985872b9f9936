import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat load harness for bench/chat-load.sh: many WebSocket clients in one process, the same scenario against
 * Romotica ({@code /ws}, visitor tokens) and a Socket.IO 4 peer (Engine.IO v4 framing spoken here over a raw
 * WebSocket). No dependencies: run with the JDK source launcher, {@code java bench/ChatLoad.java key=value...}.
 *
 * <p>All sockets live on one NIO selector thread with a hand-written RFC 6455 client (masked frames out,
 * ping answered with pong), so the client costs little CPU next to the server on the same machine. Every
 * benchmark message carries {@code bench|<send time in ns>|padding} in its text; receivers read that time
 * to compute end-to-end latency (same clock: sender and receiver are this process).
 *
 * <p>Phases, one after the other on one fresh server (option {@code phases}), each closing its sockets at the end:
 * (1) memory per idle connection: server RSS (and live heap) after a full GC, before and after opening
 * {@code idle} idle connections; (2) throughput (also the JIT warm-up for the latency figures): 1 room with
 * {@code subscribers} subscribers and {@code senders} senders, each keeping {@code window} unacknowledged
 * messages in flight; delivered messages per second are counted at the subscribers; (3) latency: the
 * {@code idle} connections again plus {@code rooms} rooms of {@code roomSize} sockets (one sender, the rest
 * receivers); senders send at each fixed total rate of {@code rates} in turn (open loop, latency counted from
 * the scheduled send time, so a stalled server cannot hide queueing). Every phase has a {@code warmup} and a
 * measured {@code duration} in seconds; the server's, the client's and the rest of the machine's CPU are
 * recorded per window. A Romotica socket counts as connected once a {@code ping} sent after {@code hello} is
 * answered (the server registers it just after sending hello).
 *
 * <p>Modes: {@code peer=romotica|socketio port=.. pid=.. out=file [options]} runs the phases and writes a
 * properties file; {@code report file...} prints the comparison table of such files.
 */
public class ChatLoad {
    static final byte[] MARK = "bench|".getBytes(StandardCharsets.US_ASCII);
    static final long T0 = System.nanoTime();

    enum Peer {
        ROMOTICA,
        SOCKETIO
    }

    enum Role {
        IDLE,
        SUB,
        SENDER
    }

    // ---------------------------------------------------------------- options

    static final Map<String, String> OPTS = new LinkedHashMap<>();

    static String opt(String key, String def) {
        return OPTS.getOrDefault(key, def);
    }

    static int optInt(String key, int def) {
        return Integer.parseInt(opt(key, Integer.toString(def)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("report")) {
            report(Arrays.asList(args).subList(1, args.length));
            return;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + a);
            }
            OPTS.put(a.substring(0, eq), a.substring(eq + 1));
        }
        new ChatLoad().run();
        System.exit(0);
    }

    // ---------------------------------------------------------------- connection state

    static final class Conn {
        final int id;
        final Role role;
        final int room;
        final String path;
        final String headers; // extra upgrade request header lines, each ending in CRLF
        SocketChannel ch;
        SelectionKey key;
        int state; // 0 new, 1 connecting, 2 handshake sent, 3 websocket open, 4 ready, 9 closed
        byte[] pending; // unparsed bytes carried to the next read
        byte[] frag; // text frame being reassembled from continuation frames
        ArrayDeque<ByteBuffer> out;
        String conversationId;
        int inflight;
        final ArrayDeque<Long> stamps = new ArrayDeque<>(); // send times of unacknowledged messages, in order
        int ackIds;
        long seq;
        long pingSentAt;

        Conn(int id, Role role, int room, String path, String headers) {
            this.id = id;
            this.role = role;
            this.room = room;
            this.path = path;
            this.headers = headers;
        }
    }

    /** Counters of the current phase; touched only by the loop thread. */
    static final class Phase {
        volatile boolean sending;
        boolean openLoop;
        int window;
        long intervalNanos;
        long nextSendAt;
        int rr;
        long measureFrom = Long.MAX_VALUE;
        long measureTo = Long.MAX_VALUE;
        long sent;
        long sentInWindow;
        long acked;
        long errors;
        long skipped;
        long delivered; // at subscribers, received inside the window
        long deliveredAll; // at subscribers, any time
        long deliveredOfWindow; // at subscribers, of messages sent inside the window (any receive time)
        int sampleEvery = 1; // latency sample from subscribers with id % sampleEvery == 0
        long[] lat = new long[1 << 16];
        int nlat;
        long[] ack = new long[1 << 12];
        int nack;
        String lastError;
        double serverCpu;
        double clientCpu;
        double otherCpu;
        long sentAtEnd;
        long deliveredAtEnd;

        void record(long nanos) {
            if (nlat == lat.length) {
                if (lat.length >= (1 << 23)) {
                    return;
                }
                lat = Arrays.copyOf(lat, lat.length * 2);
            }
            lat[nlat++] = nanos;
        }
    }

    static void add(Phase p, long stamp, long nanos) {
        if (stamp < p.measureFrom || stamp >= p.measureTo) {
            return;
        }
        if (p.nack == p.ack.length) {
            if (p.ack.length >= (1 << 22)) {
                return;
            }
            p.ack = Arrays.copyOf(p.ack, p.ack.length * 2);
        }
        p.ack[p.nack++] = nanos;
    }

    // ---------------------------------------------------------------- fields

    final Peer peer = Peer.valueOf(opt("peer", "romotica").toUpperCase(Locale.ROOT));
    final String host = opt("host", "127.0.0.1");
    final int port = optInt("port", peer == Peer.ROMOTICA ? 18480 : 18481);
    final long pid = Long.parseLong(opt("pid", "0"));
    final int idle = optInt("idle", 4750);
    final int rooms = optInt("rooms", 50);
    final int roomSize = optInt("roomSize", 5);
    // latency phase: messages per second, all senders together; one measured window per rate, in order
    final int[] rates = Arrays.stream(opt("rates", "100,500").split(",")).mapToInt(Integer::parseInt).toArray();
    final int subscribers = optInt("subscribers", 1000);
    final int senders = optInt("senders", 8);
    final int window = optInt("window", 8);
    final int warmup = optInt("warmup", 5);
    final int duration = optInt("duration", 20);
    final int pad = optInt("pad", 64);
    final String phases = opt("phases", "memory,latency,throughput");
    final InetSocketAddress address = new InetSocketAddress(host, port);
    final String padding = "x".repeat(pad);
    final Properties results = new Properties();

    final Selector selector;
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final List<Conn> conns = new ArrayList<>();
    final ArrayDeque<Conn> toOpen = new ArrayDeque<>();
    final ByteBuffer rbuf = ByteBuffer.allocate(1 << 20);
    final List<Conn> sendersNow = new ArrayList<>();
    final java.util.Set<Conn> awaitingPong = new java.util.LinkedHashSet<>();
    static final String PING = "{\"type\":\"ping\",\"ref\":\"ready\"}";
    long lastPingCheck;
    int opening;
    int ready;
    int failed;
    int closedByServer;
    String lastFailure;
    Phase phase = new Phase();
    int nextId;
    volatile boolean stop;

    ChatLoad() throws IOException {
        selector = Selector.open();
    }

    // ---------------------------------------------------------------- driver (main thread)

    void run() throws Exception {
        Thread loop = new Thread(this::loop, "chatload-loop");
        loop.setDaemon(true);
        loop.start();
        put("peer", peer.name().toLowerCase(Locale.ROOT));
        put("cores", Runtime.getRuntime().availableProcessors());
        System.out.printf("[%s] port %d pid %d%n", peer, port, pid);
        List<String> todo = Arrays.asList(phases.split(","));
        List<String> idleTokens = List.of();
        List<String> roomTokens = List.of();
        if (peer == Peer.ROMOTICA && (todo.contains("memory") || todo.contains("latency"))) {
            long t = System.nanoTime();
            idleTokens = createVisitors("idle", idle);
            roomTokens = createVisitors("room", todo.contains("latency") ? rooms : 0);
            System.out.printf("  created %d visitors in %.1f s%n", idleTokens.size() + roomTokens.size(),
                    (System.nanoTime() - t) / 1e9);
        }
        if (todo.contains("memory")) {
            memoryPhase(idleTokens);
            closeAll();
        }
        // Throughput before latency: it also warms up both servers (JIT) before the latency figures.
        if (todo.contains("throughput")) {
            waitServerIdle();
            throughputPhase();
            closeAll();
        }
        if (todo.contains("latency")) {
            waitServerIdle();
            latencyPhase(idleTokens, roomTokens);
            closeAll();
        }
        stop = true;
        selector.wakeup();
        String out = opt("out", "");
        if (!out.isEmpty()) {
            try (var w = Files.newBufferedWriter(Path.of(out))) {
                new TreeMap<>(results).forEach((k, v) -> {
                    try {
                        w.write(k + "=" + v + "\n");
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        }
    }

    /**
     * Waits (at most 120 s) until the server uses under 5% of a core, so work left over from the previous
     * phase (e.g. a delivery backlog) does not run into the next one.
     */
    void waitServerIdle() throws InterruptedException {
        long start = System.nanoTime();
        double before = serverCpuSeconds();
        while (System.nanoTime() - start < 120_000_000_000L) {
            Thread.sleep(1000);
            double now = serverCpuSeconds();
            if (now - before < 0.05) {
                break;
            }
            before = now;
        }
        double waited = (System.nanoTime() - start) / 1e9;
        if (waited > 1.5) {
            System.out.printf("  waited %.0f s for the server to go idle%n", waited);
        }
    }

    void put(String key, Object value) {
        results.setProperty(key, String.valueOf(value));
    }

    void memoryPhase(List<String> tokens) throws Exception {
        mem(); // first attach / first request allocates on its own; not part of the baseline
        Thread.sleep(1000);
        long[] before = mem();
        boolean histo = peer == Peer.ROMOTICA && opt("histo", "").equals("1");
        Map<String, long[]> histoBefore = histo ? histogram() : null;
        List<Conn> opened = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            opened.add(newConn(Role.IDLE, -1, peer == Peer.ROMOTICA ? tokens.get(i) : "idle-" + i));
        }
        long t = System.nanoTime();
        openAndWait(opened, 120);
        System.out.printf("  %d idle connections open in %.1f s%n", idle, (System.nanoTime() - t) / 1e9);
        Thread.sleep(3000);
        double cpu0 = serverCpuSeconds();
        Thread.sleep(10_000);
        double idleCpu = (serverCpuSeconds() - cpu0) / 10;
        put("mem.idle.cpu.cores", fmt(idleCpu));
        System.out.printf("  server CPU with %d idle connections open: %.2f cores%n", idle, idleCpu);
        long[] after = mem();
        if (histo) {
            printHistogramDiff(histoBefore, histogram(), idle);
        }
        double rssPer = (after[0] - before[0]) / (double) idle;
        double heapPer = (after[1] - before[1]) / (double) idle;
        put("mem.idle.connections", idle);
        put("mem.rss.before.kb", before[0]);
        put("mem.rss.after.kb", after[0]);
        put("mem.heap.before.kb", before[1]);
        put("mem.heap.after.kb", after[1]);
        put("mem.rss.per.conn.kb", fmt(rssPer));
        put("mem.heap.per.conn.kb", fmt(heapPer));
        System.out.printf("  memory: RSS %d -> %d KB, live heap %d -> %d KB; per idle connection: RSS %.1f KB, heap %.1f KB%n",
                before[0], after[0], before[1], after[1], rssPer, heapPer);
    }

    void latencyPhase(List<String> idleTokens, List<String> tokens) throws Exception {
        List<Conn> idles = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            idles.add(newConn(Role.IDLE, -1, peer == Peer.ROMOTICA ? idleTokens.get(i) : "idle-" + i));
        }
        openAndWait(idles, 120);
        List<Conn> opened = new ArrayList<>();
        List<Conn> roomSenders = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String auth = peer == Peer.ROMOTICA ? tokens.get(r) : "room-" + r;
            for (int k = 0; k < roomSize; k++) {
                Conn c = newConn(k == 0 ? Role.SENDER : Role.SUB, r, auth);
                opened.add(c);
                if (k == 0) {
                    roomSenders.add(c);
                }
            }
        }
        openAndWait(opened, 60);
        startConversations(roomSenders);
        int connected = call(() -> ready);
        put("lat.clients", connected);
        put("lat.rooms", rooms);
        put("lat.room.size", roomSize);
        put("lat.rates", opt("rates", "100,500"));
        for (int rate : rates) {
            String prefix = "lat" + rate;
            Phase p = new Phase();
            p.openLoop = true;
            p.window = 1000;
            p.intervalNanos = 1_000_000_000L / rate;
            System.out.printf("  latency: %d clients connected, %d rooms x %d (1 sender), %d msg/s total%n",
                    connected, rooms, roomSize, rate);
            Phase done = runPhase(p, roomSenders, 1);
            long expectedDeliveries = done.sentInWindow * (roomSize - 1);
            put(prefix + ".sent", done.sentInWindow);
            put(prefix + ".delivered", done.deliveredOfWindow);
            put(prefix + ".expected", expectedDeliveries);
            put(prefix + ".skipped", done.skipped);
            put(prefix + ".errors", done.errors);
            put(prefix + ".backlog.msgs", fmt(done.sentAtEnd - done.deliveredAtEnd / (double) (roomSize - 1)));
            latencyResults(prefix, done);
            System.out.printf("  latency: sent %d in window, delivered %d of %d, skipped %d, errors %d%s%n",
                    done.sentInWindow, done.deliveredOfWindow, expectedDeliveries, done.skipped, done.errors,
                    done.lastError == null ? "" : " (last: " + done.lastError + ")");
        }
    }

    void throughputPhase() throws Exception {
        String auth = peer == Peer.ROMOTICA ? createVisitors("big", 1).get(0) : "big";
        List<Conn> opened = new ArrayList<>();
        List<Conn> roomSenders = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            opened.add(newConn(Role.SUB, 0, auth));
        }
        for (int i = 0; i < senders; i++) {
            Conn c = newConn(Role.SENDER, 0, auth);
            opened.add(c);
            roomSenders.add(c);
        }
        openAndWait(opened, 60);
        if (peer == Peer.ROMOTICA) {
            startConversations(roomSenders.subList(0, 1));
            String cid = roomSenders.get(0).conversationId;
            call(() -> {
                roomSenders.forEach(c -> c.conversationId = cid);
                return null;
            });
        }
        put("tp.subscribers", subscribers);
        put("tp.senders", senders);
        put("tp.window", window);
        Phase p = new Phase();
        p.window = window;
        p.sampleEvery = Math.max(1, subscribers / 10);
        System.out.printf("  throughput: 1 room, %d subscribers, %d senders x window %d%n", subscribers, senders, window);
        Phase done = runPhase(p, roomSenders, p.sampleEvery);
        double perSecond = done.delivered / (double) duration;
        put("tp.sent", done.sentInWindow);
        put("tp.acked", done.acked);
        put("tp.errors", done.errors);
        double backlog = done.sentAtEnd - done.deliveredAtEnd / (double) subscribers;
        put("tp.backlog.msgs", fmt(backlog));
        System.out.printf("  throughput: at the end of the window %.0f acknowledged/sent messages were not yet delivered%n",
                backlog);
        put("tp.delivered", done.delivered);
        put("tp.delivered.per.s", fmt(perSecond));
        put("tp.sent.per.s", fmt(done.sentInWindow / (double) duration));
        latencyResults("tp", done);
        System.out.printf("  throughput: %.0f delivered msg/s (%.0f sent msg/s), errors %d%s%n", perSecond,
                done.sentInWindow / (double) duration, done.errors,
                done.lastError == null ? "" : " (last: " + done.lastError + ")");
    }

    /** Warm-up, measured window, then a bounded drain; returns the phase counters. */
    Phase runPhase(Phase p, List<Conn> roomSenders, int sampleEvery) throws Exception {
        p.sampleEvery = sampleEvery;
        call(() -> {
            phase = p;
            sendersNow.clear();
            sendersNow.addAll(roomSenders);
            p.sending = true;
            long now = System.nanoTime();
            p.nextSendAt = now;
            p.measureFrom = now + warmup * 1_000_000_000L;
            p.measureTo = p.measureFrom + duration * 1_000_000_000L;
            if (!p.openLoop) {
                for (Conn c : sendersNow) {
                    fill(c);
                }
            }
            return null;
        });
        Thread.sleep(warmup * 1000L);
        double server0 = serverCpuSeconds();
        double client0 = clientCpuSeconds();
        double machine0 = machineBusySeconds();
        Thread.sleep(duration * 1000L);
        double server1 = serverCpuSeconds();
        double client1 = clientCpuSeconds();
        double machine1 = machineBusySeconds();
        call(() -> {
            p.sending = false;
            p.sentAtEnd = p.sent;
            p.deliveredAtEnd = p.deliveredAll;
            return null;
        });
        p.serverCpu = server1 - server0;
        p.clientCpu = client1 - client0;
        p.otherCpu = (machine1 - machine0) - p.serverCpu - p.clientCpu;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean drained = call(() -> sendersNow.stream().allMatch(c -> c.inflight == 0));
            if (drained) {
                break;
            }
            Thread.sleep(100);
        }
        // Then until deliveries stop arriving for a second (bounded), so the next window starts clean.
        long seen = -1;
        deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            long now = call(() -> p.deliveredAll);
            if (now == seen) {
                break;
            }
            seen = now;
            Thread.sleep(1000);
        }
        return call(() -> {
            phase = new Phase();
            sendersNow.clear();
            return p;
        });
    }

    void latencyResults(String prefix, Phase p) {
        long[] l = Arrays.copyOf(p.lat, p.nlat);
        Arrays.sort(l);
        put(prefix + ".server.cpu.cores", fmt(p.serverCpu / duration));
        put(prefix + ".client.cpu.cores", fmt(p.clientCpu / duration));
        put(prefix + ".other.cpu.cores", fmt(p.otherCpu / duration));
        System.out.printf("  %s CPU in the window: server %.2f cores, client %.2f cores, rest of the machine %.2f cores%n",
                prefix, p.serverCpu / duration, p.clientCpu / duration, p.otherCpu / duration);
        put(prefix + ".samples", l.length);
        long[] k = Arrays.copyOf(p.ack, p.nack);
        Arrays.sort(k);
        if (k.length > 0) {
            put(prefix + ".ack.p50.ms", fmt(pct(k, 0.50) / 1e6));
            put(prefix + ".ack.p99.ms", fmt(pct(k, 0.99) / 1e6));
            System.out.printf("  %s sender ack round trip (%d): p50 %.2f ms, p99 %.2f ms%n", prefix, k.length,
                    pct(k, 0.50) / 1e6, pct(k, 0.99) / 1e6);
        }
        if (l.length == 0) {
            return;
        }
        put(prefix + ".p50.ms", fmt(pct(l, 0.50) / 1e6));
        put(prefix + ".p99.ms", fmt(pct(l, 0.99) / 1e6));
        put(prefix + ".p999.ms", fmt(pct(l, 0.999) / 1e6));
        put(prefix + ".max.ms", fmt(l[l.length - 1] / 1e6));
        System.out.printf("  %s latency (%d samples): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", prefix,
                l.length, pct(l, 0.50) / 1e6, pct(l, 0.99) / 1e6, pct(l, 0.999) / 1e6, l[l.length - 1] / 1e6);
    }

    static long pct(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    // ---------------------------------------------------------------- server probes

    /** Server resident set and live heap (KB) after a full GC. */
    long[] mem() throws Exception {
        long heap;
        if (peer == Peer.ROMOTICA) {
            jcmd("GC.run");
            Thread.sleep(500);
            String info = jcmd("GC.heap_info");
            heap = 0;
            Matcher m = Pattern.compile("(?m)^\\s*(DefNew|Tenured|def new generation|tenured generation|garbage-first heap|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K").matcher(info);
            boolean g1 = false;
            while (m.find()) {
                if (m.group(1).equals("garbage-first heap")) {
                    heap = Long.parseLong(m.group(2));
                    g1 = true;
                } else if (!g1) {
                    heap += Long.parseLong(m.group(2));
                }
            }
        } else {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/mem"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(body);
            heap = m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
            Thread.sleep(500);
        }
        return new long[] {rssKb(), heap};
    }

    /** Class histogram of live objects (jcmd GC.class_histogram, which runs a full GC): class -> {count, bytes}. */
    Map<String, long[]> histogram() throws Exception {
        Map<String, long[]> h = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(jcmd("GC.class_histogram"));
        while (m.find()) {
            h.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return h;
    }

    static void printHistogramDiff(Map<String, long[]> before, Map<String, long[]> after, int n) {
        System.out.println("  live heap growth by class, per idle connection (histo=1):");
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new long[] {
                    e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                    e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]
                }))
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %8.0f B %6.2f objs  %s%n", e.getValue()[1] / (double) n,
                        e.getValue()[0] / (double) n, e.getKey()));
    }

    String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** utime + stime of the server process, in seconds (clock ticks of 1/100 s, the Linux USER_HZ). */
    double serverCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time of the whole machine that was not idle (user, nice, system, irq, softirq, steal), in seconds. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double clientCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    // ---------------------------------------------------------------- Romotica setup over HTTP

    List<String> createVisitors(String prefix, int n) throws Exception {
        List<String> tokens = new ArrayList<>(java.util.Collections.nCopies(n, (String) null));
        if (n == 0) {
            return tokens;
        }
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        Semaphore slots = new Semaphore(8);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Pattern token = Pattern.compile("\"token\":\"([^\"]+)\"");
        for (int i = 0; i < n; i++) {
            int idx = i;
            slots.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/api/chat/visitors"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + prefix + "-" + i + "\"}"))
                    .build();
            all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                    .thenAccept(res -> {
                        Matcher m = token.matcher(res.body());
                        if (res.statusCode() != 200 || !m.find()) {
                            throw new IllegalStateException("visitor creation: " + res.statusCode() + " " + res.body());
                        }
                        tokens.set(idx, m.group(1));
                    })
                    .whenComplete((v, e) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        return tokens;
    }

    /** Romotica: each room's first sender opens the conversation with chat.start; waits for the acks. */
    void startConversations(List<Conn> starters) throws Exception {
        if (peer != Peer.ROMOTICA) {
            return;
        }
        call(() -> {
            for (Conn c : starters) {
                sendText(c, "{\"type\":\"chat.start\",\"clientId\":\"start-" + c.id + "\",\"text\":\"bench start\"}");
            }
            return null;
        });
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!call(() -> starters.stream().allMatch(c -> c.conversationId != null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("conversations not started within 60 s");
            }
            Thread.sleep(50);
        }
    }

    // ---------------------------------------------------------------- loop-thread plumbing

    <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        selector.wakeup();
        return f.get(60, TimeUnit.SECONDS);
    }

    Conn newConn(Role role, int room, String auth) {
        // Romotica visitors send their token in a header (it never goes into an address).
        return peer == Peer.ROMOTICA
                ? new Conn(nextId++, role, room, "/ws", "X-Visitor-Token: " + auth + "\r\n")
                : new Conn(nextId++, role, room, "/socket.io/?EIO=4&transport=websocket&room=" + auth, "");
    }

    void openAndWait(List<Conn> list, int timeoutSeconds) throws Exception {
        int target = call(() -> {
            toOpen.addAll(list);
            conns.addAll(list);
            pump();
            return ready + list.size();
        });
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            int[] s = call(() -> new int[] {ready, failed});
            if (s[0] >= target) {
                return;
            }
            if (s[1] > 0) {
                throw new IllegalStateException(s[1] + " connections failed; last: " + call(() -> lastFailure));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + s[0] + " of " + target + " connections ready after "
                        + timeoutSeconds + " s");
            }
            Thread.sleep(50);
        }
    }

    void closeAll() throws Exception {
        call(() -> {
            for (Conn c : conns) {
                close(c);
            }
            conns.clear();
            toOpen.clear();
            awaitingPong.clear();
            ready = 0;
            opening = 0;
            return null;
        });
        Thread.sleep(2000);
    }

    /** Starts handshakes while fewer than 64 are in progress. */
    void pump() {
        while (opening < 64 && !toOpen.isEmpty()) {
            Conn c = toOpen.poll();
            opening++;
            try {
                c.ch = SocketChannel.open();
                c.ch.configureBlocking(false);
                c.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.state = 1;
                if (c.ch.connect(address)) {
                    c.key = c.ch.register(selector, SelectionKey.OP_READ, c);
                    connected(c);
                } else {
                    c.key = c.ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                fail(c, "connect: " + e);
            }
        }
    }

    void connected(Conn c) throws IOException {
        c.state = 2;
        c.key.interestOps(SelectionKey.OP_READ);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String req = "GET " + c.path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n" + c.headers
                + "\r\n";
        write(c, ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    void fail(Conn c, String why) {
        if (c.state != 9 && c.state != 4) {
            opening--;
            failed++;
        }
        lastFailure = why;
        close(c);
        pump();
    }

    void becameReady(Conn c) {
        if (c.state != 4) {
            c.state = 4;
            opening--;
            ready++;
            pump();
        }
    }

    void close(Conn c) {
        if (c.state == 4) {
            ready--;
        }
        c.state = 9;
        if (c.ch != null) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    void loop() {
        try {
            while (!stop) {
                Phase p = phase;
                long timeoutMs = 50;
                if (p.sending && p.openLoop) {
                    long wait = p.nextSendAt - System.nanoTime();
                    timeoutMs = wait <= 0 ? 0 : Math.max(1, wait / 1_000_000);
                }
                if (timeoutMs == 0) {
                    selector.selectNow();
                } else {
                    selector.select(timeoutMs);
                }
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    t.run();
                }
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    try {
                        if (!k.isValid()) {
                            continue;
                        }
                        if (k.isConnectable()) {
                            c.ch.finishConnect();
                            connected(c);
                        }
                        if (k.isValid() && k.isWritable()) {
                            flush(c);
                        }
                        if (k.isValid() && k.isReadable()) {
                            read(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        if (c.state == 4) {
                            closedByServer++;
                            lastFailure = "closed: " + e;
                            close(c);
                        } else {
                            fail(c, e.toString());
                        }
                    }
                }
                if (p.sending && p.openLoop) {
                    tick(p);
                }
                repingEvery500ms();
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(2);
        }
    }

    /** Sends the readiness ping again on Romotica sockets whose ping got no pong within 500 ms. */
    void repingEvery500ms() {
        if (awaitingPong.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPingCheck < 500_000_000L) {
            return;
        }
        lastPingCheck = now;
        for (Conn c : new ArrayList<>(awaitingPong)) {
            if (c.state != 3) {
                awaitingPong.remove(c);
            } else if (now - c.pingSentAt > 500_000_000L) {
                c.pingSentAt = now;
                sendText(c, PING);
            }
        }
    }

    /** Open-loop sending: one message per interval, senders in turn, stamped with the scheduled time. */
    void tick(Phase p) {
        long now = System.nanoTime();
        int guard = 0;
        while (p.nextSendAt <= now && guard++ < 10_000) {
            Conn c = sendersNow.get(p.rr++ % sendersNow.size());
            if (c.state == 4 && c.inflight < p.window) {
                sendBench(c, p, p.nextSendAt);
            } else {
                p.skipped++;
            }
            p.nextSendAt += p.intervalNanos;
        }
    }

    /** Closed-loop sending: keep the window full. */
    void fill(Conn c) {
        Phase p = phase;
        while (p.sending && !p.openLoop && c.state == 4 && c.inflight < p.window) {
            sendBench(c, p, System.nanoTime());
        }
    }

    void sendBench(Conn c, Phase p, long stamp) {
        String text = "bench|" + (stamp - T0) + "|" + padding;
        c.inflight++;
        c.stamps.add(stamp);
        c.seq++;
        p.sent++;
        if (stamp >= p.measureFrom && stamp < p.measureTo) {
            p.sentInWindow++;
        }
        if (peer == Peer.ROMOTICA) {
            sendText(c, "{\"type\":\"chat.send\",\"conversationId\":\"" + c.conversationId + "\",\"clientId\":\"b"
                    + c.id + "-" + c.seq + "\",\"text\":\"" + text + "\"}");
        } else {
            sendText(c, "42" + (c.ackIds++) + "[\"msg\",\"" + text + "\"]");
        }
    }

    // ---------------------------------------------------------------- WebSocket I/O

    void sendText(Conn c, String text) {
        write(c, frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
    }

    static ByteBuffer frame(int opcode, byte[] payload) {
        int len = payload.length;
        ByteBuffer b = ByteBuffer.allocate(2 + (len < 126 ? 0 : len < 65536 ? 2 : 8) + 4 + len);
        b.put((byte) (0x80 | opcode));
        if (len < 126) {
            b.put((byte) (0x80 | len));
        } else if (len < 65536) {
            b.put((byte) (0x80 | 126));
            b.putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127));
            b.putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        b.putInt(mask);
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        return b.flip();
    }

    void write(Conn c, ByteBuffer b) {
        if (c.state == 9) {
            return;
        }
        try {
            if (c.out == null || c.out.isEmpty()) {
                c.ch.write(b);
                if (!b.hasRemaining()) {
                    return;
                }
                if (c.out == null) {
                    c.out = new ArrayDeque<>();
                }
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
            c.out.add(b);
        } catch (IOException e) {
            closedByServer++;
            lastFailure = "write: " + e;
            close(c);
        }
    }

    void flush(Conn c) throws IOException {
        while (c.out != null && !c.out.isEmpty()) {
            ByteBuffer b = c.out.peek();
            c.ch.write(b);
            if (b.hasRemaining()) {
                return;
            }
            c.out.poll();
        }
        c.key.interestOps(SelectionKey.OP_READ);
    }

    void read(Conn c) throws IOException {
        while (true) {
            rbuf.clear();
            int carried = 0;
            if (c.pending != null) {
                carried = c.pending.length;
                if (carried > rbuf.capacity() / 2) {
                    throw new IOException("frame too large");
                }
                rbuf.put(c.pending);
                c.pending = null;
            }
            int n = c.ch.read(rbuf);
            if (n < 0) {
                throw new IOException("end of stream");
            }
            byte[] a = rbuf.array();
            int end = rbuf.position();
            int off = 0;
            if (c.state == 2) {
                int h = indexOf(a, 0, end, new byte[] {'\r', '\n', '\r', '\n'});
                if (h < 0) {
                    c.pending = Arrays.copyOf(a, end);
                    return;
                }
                String head = new String(a, 0, h, StandardCharsets.US_ASCII);
                if (!head.startsWith("HTTP/1.1 101")) {
                    fail(c, "handshake refused: " + head.lines().findFirst().orElse(head));
                    return;
                }
                c.state = 3;
                off = h + 4;
            }
            off = frames(c, a, off, end);
            if (c.state == 9) {
                return;
            }
            if (off < end) {
                c.pending = Arrays.copyOfRange(a, off, end);
            }
            if (n == 0 || end < rbuf.capacity()) {
                return;
            }
        }
    }

    int frames(Conn c, byte[] a, int off, int end) throws IOException {
        while (end - off >= 2) {
            int b0 = a[off] & 0xff;
            int b1 = a[off + 1] & 0xff;
            int op = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0;
            if ((b1 & 0x80) != 0) {
                throw new IOException("masked frame from server");
            }
            long len = b1 & 0x7f;
            int h = 2;
            if (len == 126) {
                if (end - off < 4) {
                    break;
                }
                len = ((a[off + 2] & 0xff) << 8) | (a[off + 3] & 0xff);
                h = 4;
            } else if (len == 127) {
                if (end - off < 10) {
                    break;
                }
                len = ByteBuffer.wrap(a, off + 2, 8).getLong();
                h = 10;
            }
            if (len > (1 << 19)) {
                throw new IOException("frame too large: " + len);
            }
            if (end - off < h + len) {
                break;
            }
            int p = off + h;
            int l = (int) len;
            switch (op) {
                case 0x9 -> write(c, frame(0xA, Arrays.copyOfRange(a, p, p + l)));
                case 0x8 -> {
                    closedByServer++;
                    lastFailure = "close frame from server";
                    if (c.state != 4) {
                        fail(c, "closed during handshake");
                    } else {
                        close(c);
                    }
                    return end;
                }
                case 0x1 -> {
                    if (fin) {
                        text(c, a, p, l);
                    } else {
                        c.frag = Arrays.copyOfRange(a, p, p + l);
                    }
                }
                case 0x0 -> {
                    if (c.frag != null) {
                        byte[] f = Arrays.copyOf(c.frag, c.frag.length + l);
                        System.arraycopy(a, p, f, c.frag.length, l);
                        c.frag = null;
                        if (fin) {
                            text(c, f, 0, f.length);
                        } else {
                            c.frag = f;
                        }
                    }
                }
                default -> {
                    // pong / binary: not used by either peer here
                }
            }
            off = p + l;
        }
        return off;
    }

    // ---------------------------------------------------------------- application frames

    static final byte[] R_HELLO = ascii("{\"type\":\"hello\"");
    static final byte[] R_MESSAGE = ascii("{\"type\":\"chat.message\"");
    static final byte[] R_ACK = ascii("{\"type\":\"chat.ack\"");
    static final byte[] R_ERROR = ascii("{\"type\":\"error\"");
    static final byte[] R_PONG = ascii("{\"type\":\"pong\"");
    static final byte[] CONVERSATION = ascii("\"conversationId\":\"");

    void text(Conn c, byte[] a, int p, int l) {
        if (peer == Peer.ROMOTICA) {
            if (startsWith(a, p, l, R_MESSAGE)) {
                delivered(c, a, p, l);
            } else if (startsWith(a, p, l, R_ACK)) {
                if (c.conversationId == null) {
                    int i = indexOf(a, p, p + l, CONVERSATION);
                    if (i >= 0) {
                        int s = i + CONVERSATION.length;
                        int e = s;
                        while (a[e] != '"') {
                            e++;
                        }
                        c.conversationId = new String(a, s, e - s, StandardCharsets.US_ASCII);
                    }
                } else {
                    acked(c);
                }
            } else if (startsWith(a, p, l, R_ERROR)) {
                phase.errors++;
                phase.lastError = new String(a, p, Math.min(l, 200), StandardCharsets.UTF_8);
                if (c.inflight > 0) {
                    acked(c);
                }
            } else if (c.state == 3 && startsWith(a, p, l, R_HELLO)) {
                // The server may register the socket just after sending hello, and a frame that arrives
                // before that is not handled: a ping answered with pong shows the socket is registered.
                c.pingSentAt = System.nanoTime();
                awaitingPong.add(c);
                sendText(c, PING);
            } else if (c.state == 3 && startsWith(a, p, l, R_PONG)) {
                awaitingPong.remove(c);
                becameReady(c);
            }
            return;
        }
        // Engine.IO v4 packet type, then Socket.IO v5 packet type.
        if (l < 1) {
            return;
        }
        byte eio = a[p];
        if (eio == '2') {
            sendText(c, "3"); // ping -> pong
        } else if (eio == '0') {
            sendText(c, "40"); // open -> connect to the main namespace
        } else if (eio == '4' && l >= 2) {
            byte sio = a[p + 1];
            if (sio == '2') {
                delivered(c, a, p, l);
            } else if (sio == '3') {
                acked(c);
            } else if (sio == '0') {
                becameReady(c);
            } else if (sio == '4') {
                phase.errors++;
                phase.lastError = new String(a, p, Math.min(l, 200), StandardCharsets.UTF_8);
                fail(c, "connect_error " + phase.lastError);
            }
        }
    }

    void acked(Conn c) {
        Phase p = phase;
        c.inflight--;
        p.acked++;
        Long stamp = c.stamps.poll();
        if (stamp != null) {
            add(p, stamp, System.nanoTime() - stamp);
        }
        if (!p.openLoop) {
            fill(c);
        }
    }

    void delivered(Conn c, byte[] a, int p, int l) {
        if (c.role != Role.SUB) {
            return;
        }
        Phase ph = phase;
        long now = System.nanoTime();
        int i = indexOf(a, p, p + l, MARK);
        if (i < 0) {
            return;
        }
        long stamp = 0;
        for (int j = i + MARK.length; j < p + l && a[j] >= '0' && a[j] <= '9'; j++) {
            stamp = stamp * 10 + (a[j] - '0');
        }
        stamp += T0;
        ph.deliveredAll++;
        if (now >= ph.measureFrom && now < ph.measureTo) {
            ph.delivered++;
        }
        if (stamp >= ph.measureFrom && stamp < ph.measureTo) {
            ph.deliveredOfWindow++;
            if (c.id % ph.sampleEvery == 0) {
                ph.record(now - stamp);
            }
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static boolean startsWith(byte[] a, int p, int l, byte[] prefix) {
        if (l < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------- report

    /** Prints Markdown tables comparing result files (one romotica and one socketio file per run). */
    static void report(List<String> files) throws IOException {
        Map<String, List<Properties>> byPeer = new HashMap<>();
        for (String f : files) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(Path.of(f))) {
                p.load(r);
            }
            byPeer.computeIfAbsent(p.getProperty("peer"), k -> new ArrayList<>()).add(p);
        }
        List<Properties> ro = byPeer.getOrDefault("romotica", List.of());
        List<Properties> so = byPeer.getOrDefault("socketio", List.of());
        int runs = Math.min(ro.size(), so.size());
        System.out.println();
        System.out.println("| Run | Metric | Romotica | Socket.IO | Ratio | Goal | Met |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < runs; i++) {
            Properties r = ro.get(i);
            Properties s = so.get(i);
            for (Properties p : List.of(r, s)) {
                double cpu = Double.parseDouble(p.getProperty("tp.server.cpu.cores", "0"));
                double per = Double.parseDouble(p.getProperty("tp.delivered.per.s", "0"));
                p.setProperty("tp.delivered.per.cpu.s", fmt(cpu > 0 ? per / cpu : 0));
            }
            row(i + 1, "delivered msg/s, 1 room × " + r.getProperty("tp.subscribers"), r, s, "tp.delivered.per.s",
                    "≥ 2× Socket.IO", true, 2.0);
            row(i + 1, "delivered msg per server CPU-second", r, s, "tp.delivered.per.cpu.s", "", true, Double.NaN);
            for (String rate : r.getProperty("lat.rates", "").split(",")) {
                if (rate.isEmpty()) {
                    continue;
                }
                String at = " (" + r.getProperty("lat.clients") + " clients, " + rate + " msg/s)";
                row(i + 1, "latency p50 ms" + at, r, s, "lat" + rate + ".p50.ms", "", false, Double.NaN);
                row(i + 1, "latency p99 ms" + at, r, s, "lat" + rate + ".p99.ms", "≤ ½ Socket.IO", false, 0.5);
            }
            String rk = r.getProperty("mem.rss.per.conn.kb");
            String sk = s.getProperty("mem.rss.per.conn.kb");
            boolean met = rk != null && Double.parseDouble(rk) <= 20.0;
            System.out.printf("| %d | RSS per idle connection KB | %s | %s | %s | ≤ 20 KB | %s |%n", i + 1, rk, sk,
                    ratio(rk, sk), met ? "yes" : "no");
            row(i + 1, "live heap per idle connection KB", r, s, "mem.heap.per.conn.kb", "", false, Double.NaN);
        }
        System.out.println();
        System.out.println("CPU in cores during each measured window (server / client / rest of the machine), sender"
                + " acknowledgement round trip, delivery backlog at the end of the throughput window:");
        System.out.println();
        System.out.println("| Run | Peer | tp CPU | tp sent msg/s | tp ack p50/p99 ms | tp backlog msgs | latency windows:"
                + " rate → CPU, ack p50/p99 ms, p99.9 ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < runs; i++) {
            for (Properties p : List.of(ro.get(i), so.get(i))) {
                StringBuilder lat = new StringBuilder();
                for (String rate : p.getProperty("lat.rates", "").split(",")) {
                    if (rate.isEmpty()) {
                        continue;
                    }
                    String k = "lat" + rate;
                    lat.append(lat.isEmpty() ? "" : "; ")
                            .append(rate)
                            .append(" → ")
                            .append(cpu(p, k))
                            .append(", ")
                            .append(p.getProperty(k + ".ack.p50.ms"))
                            .append("/")
                            .append(p.getProperty(k + ".ack.p99.ms"))
                            .append(", ")
                            .append(p.getProperty(k + ".p999.ms"));
                }
                System.out.printf("| %d | %s | %s | %s | %s / %s | %s | %s |%n", i + 1, p.getProperty("peer"),
                        cpu(p, "tp"), p.getProperty("tp.sent.per.s"), p.getProperty("tp.ack.p50.ms"),
                        p.getProperty("tp.ack.p99.ms"), p.getProperty("tp.backlog.msgs"), lat);
            }
        }
    }

    static String cpu(Properties p, String prefix) {
        return p.getProperty(prefix + ".server.cpu.cores") + " / " + p.getProperty(prefix + ".client.cpu.cores") + " / "
                + p.getProperty(prefix + ".other.cpu.cores");
    }

    static void row(int run, String label, Properties r, Properties s, String key, String goal, boolean higherBetter,
            double bound) {
        String a = r.getProperty(key);
        String b = s.getProperty(key);
        String ratio = ratio(a, b);
        String met = "";
        if (!Double.isNaN(bound) && a != null && b != null) {
            double x = Double.parseDouble(a) / Double.parseDouble(b);
            met = (higherBetter ? x >= bound : x <= bound) ? "yes" : "no";
        }
        System.out.printf("| %d | %s | %s | %s | %s | %s | %s |%n", run, label, a, b, ratio, goal, met);
    }

    static String ratio(String a, String b) {
        if (a == null || b == null || Double.parseDouble(b) == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", Double.parseDouble(a) / Double.parseDouble(b));
    }
}
