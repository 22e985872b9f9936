package io.romotica.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON codec for WebSocket frames: {@code {"type": "...", ...fields}}. Types are found once from the sealed
 * hierarchies of {@link ClientFrame} and {@link ServerFrame} and their {@link JsonTypeName}s. Decoding is
 * strict (unknown fields, wrong types and missing type are errors). Thread-safe.
 */
public final class FrameCodec {
    /** Largest frame a client may send, in characters. */
    public static final int MAX_FRAME_CHARS = 64 * 1024;

    private final ObjectMapper mapper;
    private final Map<String, Class<? extends ClientFrame>> clientTypes = new HashMap<>();
    private final Map<Class<?>, String> typeNames = new HashMap<>();

    public FrameCodec() {
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        // No silent type changes: a number where text is expected (or the reverse) is invalid input.
        for (LogicalType t :
                new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(t)
                    .setCoercion(
                            CoercionInputShape.Integer,
                            t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Float,
                            t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.Boolean,
                            t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(
                            CoercionInputShape.String,
                            t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        collect(ClientFrame.class, true);
        collect(ServerFrame.class, false);
    }

    @SuppressWarnings("unchecked")
    private void collect(Class<?> type, boolean client) {
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                collect(sub, client);
            }
            return;
        }
        JsonTypeName name = type.getAnnotation(JsonTypeName.class);
        if (name == null) {
            throw new IllegalStateException(type + " has no @JsonTypeName");
        }
        if (client && clientTypes.containsKey(name.value())) {
            throw new IllegalStateException("duplicate frame type " + name.value());
        }
        typeNames.put(type, name.value());
        if (client) {
            clientTypes.put(name.value(), (Class<? extends ClientFrame>) type);
        }
    }

    /** Decodes one client frame or throws {@link FrameException} with a stable code. */
    public ClientFrame decode(String text) {
        if (text == null || text.isEmpty()) {
            throw new FrameException(FrameException.MALFORMED_FRAME, "empty frame");
        }
        if (text.length() > MAX_FRAME_CHARS) {
            throw new FrameException(
                    FrameException.FRAME_TOO_LARGE, "frame exceeds " + MAX_FRAME_CHARS + " characters");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FrameException(FrameException.MALFORMED_FRAME, "frame is not valid JSON");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new FrameException(FrameException.MALFORMED_FRAME, "frame must be a JSON object");
        }
        String ref = object.path("ref").isTextual() ? object.get("ref").asText() : null;
        JsonNode typeNode = object.remove("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new FrameException(FrameException.MALFORMED_FRAME, "frame has no string \"type\"", ref);
        }
        Class<? extends ClientFrame> type = clientTypes.get(typeNode.asText());
        if (type == null) {
            throw new FrameException(FrameException.UNKNOWN_TYPE, "unknown frame type", ref);
        }
        try {
            return mapper.treeToValue(object, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof FrameException fe) {
                throw fe.withRef(ref);
            }
            throw new FrameException(FrameException.INVALID_INPUT, "invalid " + typeNode.asText() + " frame", ref);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new FrameException(FrameException.INVALID_INPUT, "invalid " + typeNode.asText() + " frame", ref);
        }
    }

    /**
     * The frames of a batch, for transports that carry several client frames in one message (the HTTP
     * upstream of the SSE fallback): the elements of a JSON array, each as its own text, or {@code text}
     * itself when it is not a JSON array. Decode each with {@link #decode}, so every element is judged
     * alone: {@code [1, {"type":"ping"}]} is one malformed frame and one ping.
     */
    public List<String> splitBatch(String text) {
        if (text == null || !text.stripLeading().startsWith("[")) {
            return List.of(text == null ? "" : text);
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return List.of(text);
        }
        if (!(tree instanceof ArrayNode array)) {
            return List.of(text);
        }
        List<String> frames = new ArrayList<>(array.size());
        array.forEach(element -> frames.add(element.toString()));
        return frames;
    }

    /** Encodes a server frame with its {@code type} first. */
    public String encode(ServerFrame frame) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", typeNames.get(frame.getClass()));
        node.setAll((ObjectNode) mapper.valueToTree(frame));
        return node.toString();
    }

    /** Type name of a frame class, as it appears on the wire. */
    public String typeName(Class<?> frameClass) {
        return typeNames.get(frameClass);
    }
}
