package io.romotica.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The web UI's Turkish and English dictionaries say the same things: same keys, same placeholders. */
class UiDictionariesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private static Map<String, String> dictionary(String language) throws IOException {
        try (InputStream in = UiDictionariesTest.class.getResourceAsStream("/web/i18n/" + language + ".json")) {
            assertThat(in).as(language + ".json").isNotNull();
            JsonNode json = Json.MAPPER.readTree(in);
            Map<String, String> entries = new TreeMap<>();
            json.fields()
                    .forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
            return entries;
        }
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void turkishAndEnglishHaveTheSameKeysAndPlaceholders() throws IOException {
        Map<String, String> tr = dictionary("tr");
        Map<String, String> en = dictionary("en");
        assertThat(tr.keySet()).isEqualTo(en.keySet());
        for (String key : en.keySet()) {
            assertThat(tr.get(key)).as("Turkish text of " + key).isNotBlank();
            assertThat(placeholders(tr.get(key))).as("placeholders of " + key).isEqualTo(placeholders(en.get(key)));
        }
    }
}
