package dev.tessera.tokenizers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTokenCounterTest {

    @Test
    void countsTokensOfOpenAiEncodings() {
        // "hello world" is two tokens in both cl100k_base and o200k_base.
        assertThat(TextTokenCounter.forEncoding("cl100k_base").count("hello world")).isEqualTo(2);
        assertThat(TextTokenCounter.forEncoding("O200K_BASE").count("hello world")).isEqualTo(2);
        assertThat(TextTokenCounter.forEncoding("o200k_base").count("")).isZero();
    }

    @Test
    void rejectsUnknownEncodingNamingTheKnownOnes() {
        assertThatThrownBy(() -> TextTokenCounter.forEncoding("gpt-7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("o200k_base");
    }
}
