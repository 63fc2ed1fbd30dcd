package dev.tessera.services.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AssemblyWarmupTest {

    /** Vectors from the text's hash: enough to drive the assemblers. */
    static final class HashEmbedder implements Embedder {
        final AtomicInteger texts = new AtomicInteger();

        @Override public String name() { return "hash-8"; }
        @Override public int dimension() { return 8; }
        @Override public int maxTokens() { return 512; }
        @Override public void close() {}

        @Override
        public List<float[]> embed(List<String> input, Role role) {
            texts.addAndGet(input.size());
            List<float[]> out = new ArrayList<>();
            for (String t : input) {
                java.util.Random r = new java.util.Random(t.hashCode());
                float[] v = new float[8];
                for (int i = 0; i < 8; i++) v[i] = (float) r.nextGaussian();
                out.add(v);
            }
            return out;
        }

        @Override
        public TextTokenizer tokenizer() {
            return new TextTokenizer() {
                @Override public int[][] tokenSpans(String text) { return new int[0][]; }
                @Override public int count(String text) { return text.split("\\s+").length; }
            };
        }
    }

    @Test
    void warmsEveryStrategyOnStoredSpansEmbeddingOnlyTheQuestionsAndLeavesTheSharedCacheAlone() {
        HashEmbedder embedder = new HashEmbedder();
        ContextAssemblers assemblers = new ContextAssemblers(embedder);
        int assembled = new AssemblyWarmup(assemblers, true).run();
        assertThat(assembled).isEqualTo(2 * AssemblyWarmup.ROUNDS);
        // One ingest-like call for the made-up candidates' spans, then only the questions.
        assertThat(assemblers.embeddings().hits() + assemblers.embeddings().misses()).isZero();
    }
}
