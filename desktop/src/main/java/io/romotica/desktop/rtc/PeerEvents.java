package io.romotica.desktop.rtc;

/**
 * What a peer connection reports to its owner, from libwebrtc's threads. Implementations must only hand the
 * event to their own thread (never block, never call back into the peer connection from here).
 */
public interface PeerEvents {
    /** A local ICE candidate to send to the other side ({@code candidate} empty: gathering is complete). */
    void candidate(String candidate, String sdpMid, int sdpMLineIndex);

    /** The local description is set and can be sent. */
    void localDescription(String type, String sdp);

    /** The connection failed or closed underneath (ICE failed, DTLS failed). */
    void failed(String why);

    /** The other side opened a data channel; the owner calls {@link Channel#listen}. */
    default void dataChannel(Channel channel) {
        channel.close();
    }
}
