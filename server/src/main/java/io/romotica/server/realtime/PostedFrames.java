package io.romotica.server.realtime;

import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection handlers see for frames posted over HTTP to an SSE stream: its party is the poster's, and
 * what handlers send back (acknowledgements, history, pong, error frames) becomes the HTTP answer, in order.
 * Frames for others still go out through the bus. One per request; used by one thread.
 */
final class PostedFrames implements Connection {
    private final String streamId;
    private final Party party;
    private final String address;
    private final FrameCodec codec;
    private final Connections connections;
    private final List<String> answers = new ArrayList<>();

    PostedFrames(String streamId, Party party, String address, FrameCodec codec, Connections connections) {
        this.streamId = streamId;
        this.party = party;
        this.address = address;
        this.codec = codec;
        this.connections = connections;
    }

    /** The stream's id: what the poster's peers reach it by. */
    @Override
    public String id() {
        return streamId;
    }

    @Override
    public Party party() {
        return party;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void send(ServerFrame frame) {
        answers.add(codec.encode(frame));
    }

    /** Answers {@code bye} and ends the stream too when this node holds it. */
    @Override
    public void close(String reason) {
        send(new ServerFrame.Bye(reason));
        if (connections.get(streamId) instanceof SseConnection stream) {
            stream.close(reason);
        }
    }

    /** The answers as one JSON array. */
    String json() {
        return "[" + String.join(",", answers) + "]";
    }
}
