package io.romotica.desktop.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON text of {@link ChannelMessage}s, decoded once at the channel's edge. A message that is too long,
 * unknown, or fails validation is dropped and logged ({@link Optional#empty()}): one bad message never ends
 * a session. Thread-safe.
 */
public final class ChannelCodec {
    private static final Logger log = LoggerFactory.getLogger(ChannelCodec.class);
    private final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public byte[] encode(ChannelMessage message) {
        try {
            return json.writerFor(ChannelMessage.class).writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    public Optional<ChannelMessage> decode(byte[] utf8) {
        if (utf8.length > ChannelMessage.MAX_TEXT_BYTES) {
            log.warn("dropped a channel message of {} bytes (limit {})", utf8.length, ChannelMessage.MAX_TEXT_BYTES);
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(utf8, ChannelMessage.class));
        } catch (java.io.IOException | IllegalArgumentException e) {
            String text = new String(utf8, 0, Math.min(utf8.length, 120), StandardCharsets.UTF_8);
            log.warn("dropped a malformed channel message ({}): {}", reason(e), text.replaceAll("\\p{Cntrl}", "?"));
            return Optional.empty();
        }
    }

    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        return m.length() > 120 ? m.substring(0, 120) : m;
    }
}
