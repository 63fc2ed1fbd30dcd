package dev.tessera.retrieval.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.embed.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TokenChunkerTest {

    /** One token per word or punctuation mark: enough to test the windowing logic without a model. */
    static final TextTokenizer WORDS = new TextTokenizer() {
        @Override
        public int[][] tokenSpans(String text) {
            List<int[]> spans = new ArrayList<>();
            Matcher m = Pattern.compile("\\w+|[^\\w\\s]").matcher(text);
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
            }
            return spans.toArray(int[][]::new);
        }

        @Override
        public int count(String text) {
            return tokenSpans(text).length + 2;
        }
    };

    static String sentences(int n, int wordsEach) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < n; s++) {
            for (int w = 0; w < wordsEach; w++) {
                sb.append(w == 0 ? "Sentence" + s : "word" + w).append(' ');
            }
            sb.setLength(sb.length() - 1);
            sb.append(". ");
        }
        return sb.toString().strip();
    }

    @Test
    void shortTextIsOneChunkCoveringIt() {
        String text = "Lift rises with angle of attack.";
        List<Chunk> chunks = new TokenChunker(WORDS, 16, 4).chunk(text);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.getFirst().text()).isEqualTo(text);
        assertThat(chunks.getFirst().tokens()).isEqualTo(7);
    }

    @Test
    void chunksKeepOffsetsIntoTheSource() {
        String text = sentences(40, 9);
        for (Chunk c : new TokenChunker(WORDS, 32, 6).chunk(text)) {
            assertThat(text.substring(c.start(), c.end())).isEqualTo(c.text());
            assertThat(c.tokens()).isLessThanOrEqualTo(32);
        }
    }

    @Test
    void chunksEndAtSentenceEndsWhenOneIsInReach() {
        String text = sentences(40, 9); // 10 tokens per sentence
        List<Chunk> chunks = new TokenChunker(WORDS, 32, 6).chunk(text);
        assertThat(chunks.size()).isGreaterThan(10);
        for (Chunk c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.text()).endsWith(".");
        }
        // With an overlap shorter than a sentence, the next chunk starts inside the previous one.
        assertThat(chunks.get(1).start()).isLessThan(chunks.get(0).end());
    }

    @Test
    void consecutiveChunksOverlapAndCoverEverything() {
        String text = sentences(3, 100).replace(".", ""); // no sentence ends to cut at
        List<Chunk> chunks = new TokenChunker(WORDS, 50, 10).chunk(text);
        assertThat(chunks.getFirst().start()).isZero();
        assertThat(chunks.getLast().end()).isEqualTo(text.length());
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).start()).isLessThan(chunks.get(i - 1).end());
            assertThat(chunks.get(i).start()).isGreaterThan(chunks.get(i - 1).start());
        }
    }

    @Test
    void emptyTextHasNoChunks() {
        assertThat(new TokenChunker(WORDS, 16, 4).chunk("   ")).isEmpty();
    }
}
