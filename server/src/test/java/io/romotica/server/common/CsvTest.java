package io.romotica.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void quotesSeparatorsQuotesAndNewlines() {
        assertThat(Csv.row("a", "b,c", "say \"hi\"", "two\nlines", null))
                .isEqualTo("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
    }

    @Test
    void defusesSpreadsheetFormulas() {
        assertThat(Csv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(Csv.cell("+1")).isEqualTo("\"'+1\"");
        assertThat(Csv.cell("@SUM")).isEqualTo("\"'@SUM\"");
        assertThat(Csv.cell("plain")).isEqualTo("plain");
    }
}
