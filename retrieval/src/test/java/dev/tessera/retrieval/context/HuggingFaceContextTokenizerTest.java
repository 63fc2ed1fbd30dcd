package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tessera.retrieval.embed.EmbeddingModelSpec;
import dev.tessera.retrieval.embed.ModelFiles;
import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled bge-small tokenizer.json (BERT WordPiece) as a context tokenizer. */
class HuggingFaceContextTokenizerTest {

    static final Path BGE_TOKENIZER = ModelFiles.resolve(EmbeddingModelSpec.BGE_SMALL_EN_V15.tokenizerLocation());
    static final String TEXT = "  The quick brown fox jumps over the lazy dog. Zürich → 東京 naïve café 🙂 emoji,\n"
            + "co-operation of 1,024 U.S. e.g. x² and more words here.\u0000 ";

    private static HuggingFaceContextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = ContextTokenizer.huggingFace("bge-small", BGE_TOKENIZER);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void countsTheIdsOfTheTextAloneWithoutSpecialTokensOrTruncation() throws Exception {
        assertThat(tokenizer.name()).isEqualTo("bge-small");
        assertThat(tokenizer.count("hello world")).isEqualTo(2); // [CLS] and [SEP] would make 4
        assertThat(tokenizer.count("")).isZero();
        assertThat(tokenizer.count("word ".repeat(2000))).isEqualTo(2000); // far past the model's 512
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.builder().optTokenizerPath(BGE_TOKENIZER)
                .optAddSpecialTokens(false).optTruncation(false).build()) {
            assertThat(tokenizer.count(TEXT)).isEqualTo(reference.encode(TEXT).getIds().length);
        }
    }

    @Test
    void splitTilesTheTextIntoPiecesOfKTokens() {
        for (int k : new int[] {1, 3, 8, 16}) {
            List<TokenPiece> pieces = tokenizer.split(TEXT, k);
            StringBuilder joined = new StringBuilder();
            int expectedStart = 0, expectedToken = 0;
            for (TokenPiece p : pieces) {
                assertThat(p.start()).isEqualTo(expectedStart);
                assertThat(p.end()).isGreaterThan(p.start());
                assertThat(p.tokenStart()).isEqualTo(expectedToken);
                joined.append(TEXT, p.start(), p.end());
                expectedStart = p.end();
                expectedToken = p.tokenEnd();
            }
            assertThat(joined.toString()).isEqualTo(TEXT);
            assertThat(pieces.getLast().end()).isEqualTo(TEXT.length());
            assertThat(pieces.getLast().tokenEnd()).isEqualTo(tokenizer.count(TEXT));
            assertThat(pieces.subList(0, pieces.size() - 1)).allSatisfy(p -> assertThat(p.tokens()).isEqualTo(k));
        }
        assertThat(tokenizer.split("", 16)).isEmpty();
    }

    @Test
    void piecesFollowTokenSpansPastCharactersOutsideTheBasicPlane() {
        // The tokenizers library counts offsets in code points; 🙂 is two UTF-16 units.
        String text = "hello 🙂 world again";
        List<String> pieces = tokenizer.split(text, 1).stream().map(p -> text.substring(p.start(), p.end())).toList();
        assertThat(pieces).containsExactly("hello", " 🙂", " world", " again");
    }

    @Test
    void rejectsAFileThatIsNotATokenizer(@TempDir Path dir) throws Exception {
        Path bogus = Files.writeString(dir.resolve("tokenizer.json"), "{\"not\": \"a tokenizer\"}");
        assertThatThrownBy(() -> ContextTokenizer.huggingFace("bogus", bogus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json");
    }
}
