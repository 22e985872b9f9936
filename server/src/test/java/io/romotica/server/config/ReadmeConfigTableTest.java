package io.romotica.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is generated from the defaults file. After changing the defaults file,
 * regenerate it with {@code ./mvnw -q test -pl server -am -Dtest=ReadmeConfigTableTest -Dsurefire.failIfNoSpecifiedTests=false -Dromotica.updateReadme=true}.
 */
class ReadmeConfigTableTest {
    static final String BEGIN =
            "<!-- config-table:begin (generated from romotica-defaults.properties; ReadmeConfigTableTest checks it) -->";
    static final String END = "<!-- config-table:end -->";

    @Test
    void readmeTableMatchesTheDefaultsFile() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the config-table markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String table = readme.substring(begin + BEGIN.length(), end).strip();
        String expected =
                DefaultsFile.parse(ConfigLoaderTest.resource()).markdownTable().strip();
        if (Boolean.getBoolean("romotica.updateReadme")) {
            Files.writeString(
                    Path.of("..", "README.md"),
                    readme.substring(0, begin + BEGIN.length()) + "\n" + expected + "\n" + readme.substring(end));
            return;
        }
        assertThat(table)
                .as("README configuration table (regenerate it from the defaults file)")
                .isEqualTo(expected);
    }
}
