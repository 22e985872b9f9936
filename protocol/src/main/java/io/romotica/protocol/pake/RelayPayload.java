package io.romotica.protocol.pake;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * What host and viewer send each other inside {@code remote.relay} frames, end to end: the server passes the
 * text on unread. Encoded by {@link RelayPayloads}; the relay {@code kind} follows from the type.
 *
 * <pre>
 * host   → viewer  pake  SrpHello {salt, b}            (after consent)
 * viewer → host    pake  SrpProof {a, m1}              host checks M1, reports the result to the server
 * host   → viewer  pake  SrpConfirm {m2}               viewer checks M2: now both hold the session key
 * host   → viewer  sdp   Description offer  + MAC of the host's DTLS fingerprint
 * viewer → host    sdp   Description answer + MAC of the viewer's DTLS fingerprint
 * both             ice   Candidate
 * </pre>
 */
public sealed interface RelayPayload {

    /** The relay kind this payload travels as. */
    default String kind() {
        return switch (this) {
            case SrpHello h -> "pake";
            case SrpProof p -> "pake";
            case SrpConfirm c -> "pake";
            case Description d -> "sdp";
            case Candidate c -> "ice";
        };
    }

    /** The host's salt and public value B (base64, B padded to the group's length). */
    @JsonTypeName("srp-hello")
    record SrpHello(String salt, String b) implements RelayPayload {}

    /** The viewer's public value A and its proof M1 (base64). */
    @JsonTypeName("srp-proof")
    record SrpProof(String a, String m1) implements RelayPayload {}

    /** The host's proof M2 (base64). */
    @JsonTypeName("srp-confirm")
    record SrpConfirm(String m2) implements RelayPayload {}

    /**
     * A session description ({@code type} offer or answer) and the MAC, under the PAKE's session key, of the
     * sender's DTLS fingerprint in it. The host's offer also says its screen size, so the viewer knows a full
     * frame when it sees one.
     */
    @JsonTypeName("description")
    record Description(String type, String sdp, String fingerprintMac, Integer width, Integer height)
            implements RelayPayload {}

    /** One ICE candidate; an empty {@code candidate} ends the list. */
    @JsonTypeName("candidate")
    record Candidate(String candidate, String sdpMid, int sdpMLineIndex) implements RelayPayload {}
}
