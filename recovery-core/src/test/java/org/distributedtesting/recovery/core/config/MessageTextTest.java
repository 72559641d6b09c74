package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTextTest {

    @Test
    void escapesControlAndFormatCharactersAndKeepsPrintableOnes() {
        assertThat(MessageText.escape("a\nb\rc\td\u0000e\u001B[31m\u007F\u0085\u2028\u202E\uFEFF\\ ü 😀"))
                .isEqualTo("a\\nb\\rc\\td\\u0000e\\u001B[31m\\u007F\\u0085\\u2028\\u202E\\uFEFF\\ ü 😀");
    }

    @Test
    void escapesAnUnpairedSurrogate() {
        assertThat(MessageText.escape("x\uD83Dy")).isEqualTo("x\\uD83Dy");
    }

    @Test
    void returnsPrintableTextUnchanged() {
        String text = "nodes[0].host: must not include a port";

        assertThat(MessageText.escape(text)).isSameAs(text);
    }

    @Test
    void shortensLongTextSayingHowLongItWas() {
        assertThat(MessageText.shorten("abcdef", 3)).isEqualTo("abc... (6 characters)");
        assertThat(MessageText.shorten("abc", 3)).isEqualTo("abc");
    }

    @Test
    void neverCutsASurrogatePairInHalf() {
        assertThat(MessageText.shorten("ab😀cd", 3)).isEqualTo("ab... (6 characters)");
    }

    @Test
    void quotesShortenedAndEscaped() {
        assertThat(MessageText.quote("a\nb")).isEqualTo("'a\\nb'");
        assertThat(MessageText.quote("x".repeat(100))).isEqualTo("'" + "x".repeat(60) + "... (100 characters)'");
    }
}
