package dev.tessera.tokenizers.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.util.List;
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

    @Test
    void splitTilesTheTextIntoPiecesOfKTokens() {
        String text = "The quick brown fox jumps over the lazy dog. Zürich → 東京 naïve café 🙂 emoji, and more words here.";
        for (String name : List.of("o200k_base", "cl100k_base")) {
            TextTokenCounter counter = TextTokenCounter.forEncoding(name);
            for (int k : new int[] {1, 3, 8, 16}) {
                List<TokenPiece> pieces = counter.split(text, k);
                StringBuilder joined = new StringBuilder();
                int expectedStart = 0;
                for (TokenPiece p : pieces) {
                    assertThat(p.start()).isEqualTo(expectedStart);
                    assertThat(p.end()).isGreaterThan(p.start());
                    joined.append(text, p.start(), p.end());
                    expectedStart = p.end();
                }
                assertThat(joined.toString()).isEqualTo(text);
                assertThat(pieces.getLast().tokenEnd()).isEqualTo(counter.count(text));
                // Pieces hold k tokens unless a multi-byte character straddled a boundary.
                assertThat(pieces.subList(0, pieces.size() - 1)).allSatisfy(p -> assertThat(p.tokens()).isGreaterThanOrEqualTo(k));
            }
        }
        assertThat(TextTokenCounter.forEncoding("o200k_base").split("", 16)).isEmpty();
    }

    @Test
    void decodesTokenIdsAsTiktokenEncodedThem() {
        TextTokenCounter cl100k = TextTokenCounter.forEncoding("cl100k_base");
        // tiktoken: cl100k_base.encode("hello world") == [15339, 1917]
        assertThat(cl100k.decode(new int[] {15339, 1917})).isEqualTo("hello world");
        assertThat(cl100k.decode(new int[0])).isEmpty();
        assertThatThrownBy(() -> cl100k.decode(new int[] {15339, 99_999_999}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 1");
        assertThatThrownBy(() -> cl100k.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }
}
