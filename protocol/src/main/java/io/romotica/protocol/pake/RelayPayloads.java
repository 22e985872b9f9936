package io.romotica.protocol.pake;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * JSON codec of {@link RelayPayload}s: {@code {"t": "<type>", ...fields}}. Strict like the frame codec; a
 * payload that does not decode is {@link PakeException#MALFORMED}. Thread-safe.
 */
public final class RelayPayloads {
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final Map<String, Class<? extends RelayPayload>> types = new HashMap<>();

    public RelayPayloads() {
        for (Class<?> c : RelayPayload.class.getPermittedSubclasses()) {
            @SuppressWarnings("unchecked")
            Class<? extends RelayPayload> type = (Class<? extends RelayPayload>) c;
            types.put(c.getAnnotation(JsonTypeName.class).value(), type);
        }
    }

    public String encode(RelayPayload payload) {
        ObjectNode node = mapper.createObjectNode();
        node.put("t", payload.getClass().getAnnotation(JsonTypeName.class).value());
        node.setAll((ObjectNode) mapper.valueToTree(payload));
        return node.toString();
    }

    /** Decodes a payload that arrived as relay {@code kind}; the kind must match the payload's type. */
    public RelayPayload decode(String kind, String text) throws PakeException {
        try {
            JsonNode tree = mapper.readTree(text);
            if (!(tree instanceof ObjectNode object) || !object.path("t").isTextual()) {
                throw new PakeException(PakeException.MALFORMED, "payload is not a typed object");
            }
            Class<? extends RelayPayload> type = types.get(object.remove("t").asText());
            if (type == null) {
                throw new PakeException(PakeException.MALFORMED, "unknown payload type");
            }
            RelayPayload payload = mapper.treeToValue(object, type);
            if (!payload.kind().equals(kind)) {
                throw new PakeException(PakeException.MALFORMED, "payload does not fit relay kind " + kind);
            }
            return payload;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new PakeException(PakeException.MALFORMED, "payload is not valid");
        }
    }
}
