package io.romotica.desktop.rtc;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.video.VideoDesktopSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import io.romotica.protocol.RemoteEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side's WebRTC peer connection for a remote session. The host sends its screen ({@link #sendScreen})
 * and makes the offer; the viewer receives video into a sink and answers. Candidates that arrive before the
 * remote description are held back and added after it. Call from one thread (the session's); callbacks go
 * to {@link PeerEvents}.
 */
public final class Peer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Peer.class);
    private final RTCPeerConnection pc;
    private final PeerEvents events;
    private final List<RTCIceCandidate> early = new ArrayList<>();
    private boolean remoteSet;
    private VideoDesktopSource screen;
    private VideoTrack track;

    public Peer(Rtc rtc, List<RemoteEvent.IceServer> iceServers, PeerEvents events, Consumer<VideoTrack> onVideo) {
        this.events = events;
        this.pc = rtc.factory().createPeerConnection(Rtc.configuration(iceServers), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
                events.candidate(candidate.sdp, candidate.sdpMid, candidate.sdpMLineIndex);
            }

            @Override
            public void onConnectionChange(RTCPeerConnectionState state) {
                if (state == RTCPeerConnectionState.FAILED) {
                    events.failed("peer connection failed (ICE or DTLS)");
                }
            }

            @Override
            public void onDataChannel(RTCDataChannel channel) {
                events.dataChannel(new Channel(channel));
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                MediaStreamTrack t = transceiver.getReceiver().getTrack();
                if (onVideo != null && t instanceof VideoTrack video) {
                    onVideo.accept(video);
                }
            }
        });
    }

    /**
     * Host: captures the whole screen (source id -1: the upstream screen enumeration crashes on Linux) at up to
     * {@code fps} and adds it as the one video track.
     */
    public void sendScreen(Rtc rtc, int width, int height, int fps) {
        screen = new VideoDesktopSource();
        screen.setSourceId(-1, false);
        screen.setFrameRate(fps);
        screen.setMaxFrameSize(width, height);
        screen.start();
        track = rtc.factory().createVideoTrack("screen", screen);
        pc.addTrack(track, List.of("remote-desktop"));
    }

    /**
     * Opens a reliable, ordered data channel. Before the first offer it puts the data section into the SDP;
     * afterwards either side may open more without renegotiation.
     */
    public Channel openChannel(String label) {
        RTCDataChannelInit init = new RTCDataChannelInit();
        init.ordered = true;
        init.maxRetransmits = -1;
        init.maxPacketLifeTime = -1;
        init.protocol = "";
        return new Channel(pc.createDataChannel(label, init));
    }

    /** Host: creates the offer and sets it locally; {@link PeerEvents#localDescription} follows. */
    public void offer() {
        pc.createOffer(new RTCOfferOptions(), described());
    }

    /** Sets the other side's description; a viewer then answers. */
    public void remote(String type, String sdp, boolean answerAfter) {
        RTCSdpType kind = type.equals("offer") ? RTCSdpType.OFFER : RTCSdpType.ANSWER;
        pc.setRemoteDescription(new RTCSessionDescription(kind, sdp), new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                synchronized (Peer.this) {
                    remoteSet = true;
                    early.forEach(pc::addIceCandidate);
                    early.clear();
                }
                if (answerAfter) {
                    pc.createAnswer(new RTCAnswerOptions(), described());
                }
            }

            @Override
            public void onFailure(String error) {
                events.failed("remote description refused: " + error);
            }
        });
    }

    /** Adds the other side's candidate (held until the remote description is set). */
    public synchronized void candidate(String candidate, String sdpMid, int sdpMLineIndex) {
        if (candidate == null || candidate.isEmpty()) {
            return;
        }
        RTCIceCandidate c = new RTCIceCandidate(sdpMid, sdpMLineIndex, candidate);
        if (remoteSet) {
            pc.addIceCandidate(c);
        } else {
            early.add(c);
        }
    }

    private CreateSessionDescriptionObserver described() {
        return new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                pc.setLocalDescription(description, new SetSessionDescriptionObserver() {
                    @Override
                    public void onSuccess() {
                        events.localDescription(
                                description.sdpType == RTCSdpType.OFFER ? "offer" : "answer", description.sdp);
                    }

                    @Override
                    public void onFailure(String error) {
                        events.failed("local description refused: " + error);
                    }
                });
            }

            @Override
            public void onFailure(String error) {
                events.failed("could not create a description: " + error);
            }
        };
    }

    /**
     * The ICE path in use as "local/remote" candidate types of the selected pair, a relay with its transport to
     * TURN: "srflx/prflx" (direct through NATs), "relay(udp)/relay" (through TURN). "none" before a pair is
     * selected. Completes on a libwebrtc thread.
     */
    public CompletableFuture<String> path() {
        CompletableFuture<String> path = new CompletableFuture<>();
        pc.getStats(report -> path.complete(selectedPath(report.getStats())));
        return path;
    }

    private static String selectedPath(Map<String, RTCStats> stats) {
        for (RTCStats transport : stats.values()) {
            RTCStats pair = stats.get(String.valueOf(transport.getAttributes().get("selectedCandidatePairId")));
            if (pair != null) {
                return candidate(stats.get(String.valueOf(pair.getAttributes().get("localCandidateId")))) + "/"
                        + candidate(
                                stats.get(String.valueOf(pair.getAttributes().get("remoteCandidateId"))));
            }
        }
        return "none";
    }

    private static String candidate(RTCStats candidate) {
        if (candidate == null) {
            return "unknown";
        }
        String type = String.valueOf(candidate.getAttributes().get("candidateType"));
        Object relayProtocol = candidate.getAttributes().get("relayProtocol");
        return relayProtocol == null ? type : type + "(" + relayProtocol + ")";
    }

    /** Bytes received on inbound RTP streams so far (for a bitrate display); completes on a libwebrtc thread. */
    public CompletableFuture<Long> bytesReceived() {
        CompletableFuture<Long> bytes = new CompletableFuture<>();
        pc.getStats(report -> bytes.complete(report.getStats().values().stream()
                .filter(s -> String.valueOf(s.getType()).equals("INBOUND_RTP"))
                .map(s -> s.getAttributes().get("bytesReceived"))
                .filter(Number.class::isInstance)
                .mapToLong(n -> ((Number) n).longValue())
                .sum()));
        return bytes;
    }

    /** Viewer: where decoded frames of the received track go. */
    public static void attach(VideoTrack video, VideoTrackSink sink) {
        video.addSink(sink);
    }

    @Override
    public void close() {
        if (screen != null) {
            screen.stop();
        }
        pc.close();
        if (track != null) {
            try {
                track.dispose();
            } catch (Error e) {
                // libwebrtc keeps a reference from the closed connection's sender; it is freed with it.
                log.debug("video track still referenced after close: {}", e.getMessage());
            }
        }
        if (screen != null) {
            screen.dispose();
        }
    }
}
