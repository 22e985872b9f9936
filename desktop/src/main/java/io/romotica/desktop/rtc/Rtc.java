package io.romotica.desktop.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.internal.NativeLoader;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.romotica.protocol.RemoteEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The process's libwebrtc (webrtc-java): loads the native library and makes one peer-connection factory
 * with a headless audio module (without it the JVM aborts where no sound server runs; remote desktop sends
 * no audio yet). Create once, close at the end; the factory is thread-safe.
 */
public final class Rtc implements AutoCloseable {
    private final PeerConnectionFactory factory;

    public Rtc() throws Exception {
        NativeLoader.loadLibrary("webrtc-java");
        this.factory = new PeerConnectionFactory(new HeadlessAudioDeviceModule());
    }

    PeerConnectionFactory factory() {
        return factory;
    }

    /** A configuration with the session's ICE servers (STUN, TURN with their short-lived credentials). */
    static RTCConfiguration configuration(List<RemoteEvent.IceServer> servers) {
        RTCConfiguration config = new RTCConfiguration();
        List<RTCIceServer> list = new ArrayList<>();
        for (RemoteEvent.IceServer s : servers) {
            RTCIceServer ice = new RTCIceServer();
            ice.urls = new ArrayList<>(s.urls());
            ice.username = s.username();
            ice.password = s.credential();
            list.add(ice);
        }
        config.iceServers = list;
        return config;
    }

    @Override
    public void close() {
        factory.dispose();
    }
}
