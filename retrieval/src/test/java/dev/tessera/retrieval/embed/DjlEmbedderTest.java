package dev.tessera.retrieval.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.retrieval.embed.Embedder.Role;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlEmbedderTest {

    static DjlEmbedder minilm;
    static DjlEmbedder bge;

    @BeforeAll
    static void load() {
        minilm = DjlEmbedder.load(EmbeddingModelSpec.ALL_MINILM_L6_V2, "cpu", 1, 32);
        bge = DjlEmbedder.load(EmbeddingModelSpec.BGE_SMALL_EN_V15, "cpu", 1, 32);
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
    }

    @Test
    void miniLmMatchesPublishedSentenceTransformersSimilarities() {
        // Figures published with sentence-transformers for all-MiniLM-L6-v2.
        List<float[]> v = minilm.embed(
                List.of("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."),
                Role.DOCUMENT);
        assertThat(VectorMath.cosine(v.get(0), v.get(1))).isCloseTo(0.6660, within(0.002));
        assertThat(VectorMath.cosine(v.get(0), v.get(2))).isCloseTo(0.1046, within(0.002));
    }

    @Test
    void embeddingsAreUnitLengthWithTheModelsDimension() {
        for (DjlEmbedder e : List.of(minilm, bge)) {
            assertThat(e.dimension()).isEqualTo(384);
            for (float[] v : e.embed(List.of("short", "a somewhat longer sentence about aerodynamics"), Role.DOCUMENT)) {
                assertThat(v).hasSize(384);
                assertThat(Math.sqrt(VectorMath.dot(v, v))).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void tokenStatesAreTheStatesThePoolingReadsZeroPaddedToTheRequestedLength() {
        String caption = "Ankle boot";   // [CLS] ankle boot [SEP]: 4 word pieces
        List<float[]> states = bge.tokenStates(List.of(caption, "a much longer caption with more word pieces than kept"), 8);
        float[] rows = states.getFirst();
        assertThat(rows).hasSize(8 * 384);
        // bge pools the [CLS] state: row 0, normalised, is the document embedding.
        float[] cls = java.util.Arrays.copyOf(rows, 384);
        VectorMath.normalizeInPlace(cls);
        assertThat(VectorMath.cosine(cls, bge.embed(caption, Role.DOCUMENT))).isCloseTo(1.0, within(1e-4));
        for (int t = 0; t < 8; t++) {
            double norm = 0;
            for (int d = 0; d < 384; d++) {
                norm += rows[t * 384 + d] * rows[t * 384 + d];
            }
            if (t < 4) {
                assertThat(norm).as("row %d holds a token state", t).isPositive();
            } else {
                assertThat(norm).as("row %d is padding", t).isZero();
            }
        }
        // The longer caption fills every kept row; alone or in a batch, the same states.
        assertThat(states.get(1)[7 * 384]).isNotZero();
        float[] alone = bge.tokenStates(List.of(caption), 8).getFirst();
        for (int i = 0; i < 4 * 384; i++) {
            assertThat(alone[i]).isCloseTo(rows[i], within(1e-4f));
        }
    }

    @Test
    void lateChunkedSpansAreTheMeanOfTheirTokensStatesFromTheWholeTextsPass() {
        // bge-small: [CLS] the wing stalled . the pilot recovered . [SEP] -> word pieces 1..8
        String text = "The wing stalled. The pilot recovered.";
        int[] second = {18, text.length()};
        List<Embedder.Spanned> out = bge.embedWithSpans(List.of(text, "short"),
                List.of(List.of(new int[] {0, 17}, second), List.of()), Role.DOCUMENT);
        // The text's own vector is the one embed() gives.
        assertThat(VectorMath.cosine(out.getFirst().vector(), bge.embed(text, Role.DOCUMENT))).isCloseTo(1.0, within(1e-4));
        // The second sentence's vector is the mean of the states of its word pieces in the whole pass.
        int[][] pieces = bge.tokenizer().tokenSpans(text);
        float[] states = bge.tokenStates(List.of(text), pieces.length + 2).getFirst();
        float[] mean = new float[384];
        int n = 0;
        for (int t = 0; t < pieces.length; t++) {
            if (pieces[t][1] <= second[0]) continue;
            n++;
            for (int d = 0; d < 384; d++) mean[d] += states[(t + 1) * 384 + d]; // +1: [CLS] comes first
        }
        assertThat(n).isGreaterThanOrEqualTo(4);
        assertThat(VectorMath.cosine(out.getFirst().spans()[1], mean)).isCloseTo(1.0, within(1e-4));
        // In context, not alone: the same sentence embedded by itself is another vector.
        assertThat(VectorMath.cosine(out.getFirst().spans()[1], bge.embed("The pilot recovered.", Role.DOCUMENT)))
                .isLessThan(0.99);
        assertThat(out.get(1).spans()).isEmpty();
    }

    @Test
    void aSpanPastTheModelsMaximumLengthHasNoLateVector() {
        String longText = "word ".repeat(600) + "tail sentence.";
        Embedder.Spanned s = bge.embedWithSpans(List.of(longText),
                List.of(List.of(new int[] {0, 4}, new int[] {longText.length() - 14, longText.length()})), Role.DOCUMENT)
                .getFirst();
        assertThat(s.spans()[0]).hasSize(384);
        assertThat(s.spans()[1]).isNull();
    }

    @Test
    void captionEncodersAreFoundThroughTheServiceLoaderByNameOrAlias() {
        var resolver = dev.tessera.tokenizers.image.CaptionEncoder.Resolver.serviceLoader();
        var encoder = resolver.resolve("BAAI/bge-small-en-v1.5").orElseThrow();
        assertThat(encoder.name()).isEqualTo("bge-small-en-v1.5");
        assertThat(encoder.dimension()).isEqualTo(384);
        assertThat(encoder.encode(List.of("Sneaker"), 4).getFirst()).hasSize(4 * 384);
        assertThat(resolver.resolve("no-such-model")).isEmpty();
    }

    @Test
    void batchedAndSingleEmbeddingsAgreeDespitePadding() {
        List<String> texts = List.of("one", "a much longer text that forces padding of the shorter ones in the batch");
        List<float[]> batched = bge.embed(texts, Role.DOCUMENT);
        for (int i = 0; i < texts.size(); i++) {
            float[] single = bge.embed(texts.get(i), Role.DOCUMENT);
            assertThat(VectorMath.cosine(batched.get(i), single)).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void queryInstructionAppliesToQueriesOnly() {
        float[] asQuery = bge.embed("wing in a slipstream", Role.QUERY);
        float[] asDoc = bge.embed("wing in a slipstream", Role.DOCUMENT);
        assertThat(VectorMath.cosine(asQuery, asDoc)).isLessThan(0.99);
        float[] noPrefixModel = minilm.embed("wing in a slipstream", Role.QUERY);
        assertThat(VectorMath.cosine(noPrefixModel, minilm.embed("wing in a slipstream", Role.DOCUMENT)))
                .isCloseTo(1.0, within(1e-5));
    }

    @Test
    void tokenSpansPointIntoTheSourceText() {
        String text = "Lift increases with the angle of attack.";
        int[][] spans = bge.tokenizer().tokenSpans(text);
        assertThat(spans).isNotEmpty();
        assertThat(text.substring(spans[0][0], spans[0][1]).toLowerCase()).isEqualTo("lift");
        assertThat(spans[spans.length - 1][1]).isEqualTo(text.length());
    }

    @Test
    void concurrentCallersShareForwardPasses() throws Exception {
        BatchingEmbedder batching = new BatchingEmbedder(new NonClosing(bge), 32, 8192, 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String text = "request number " + i;
                futures.add(pool.submit(() -> batching.embed(text, Role.DOCUMENT)));
            }
            for (int i = 0; i < 16; i++) {
                float[] expected = bge.embed("request number " + i, Role.DOCUMENT);
                assertThat(VectorMath.cosine(futures.get(i).get(), expected)).isCloseTo(1.0, within(1e-4));
            }
            assertThat(batching.textsEmbedded()).isEqualTo(16);
            assertThat(batching.forwardPasses()).isLessThan(16);
        } finally {
            pool.shutdownNow();
            batching.close();
        }
    }

    /** Lets the shared model outlive the batcher under test. */
    private static final class NonClosing extends ForwardingEmbedder {
        NonClosing(Embedder inner) {
            super(inner);
        }

        @Override
        public void close() {}
    }
}
