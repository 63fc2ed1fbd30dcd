package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.SpanVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What ingest precomputes is exactly what crag and refrag ask for: with the stored span vectors
 * handed to the cache, assembling embeds the query and nothing else, and the context is the one
 * the request path would have built by itself.
 */
class ContextPrecomputeTest {

    private static final ContextTokenizer O200K = ContextTokenizer.openAi("o200k_base");
    private static final String[] WORDS = {"wing", "stall", "pilot", "flap", "lift", "drag", "boundary", "layer",
            "shock", "wave", "nozzle", "mach", "heat", "transfer", "cone", "slender", "body", "vortex"};

    /** Random passages: sentences of random words, some very long without a full stop (crag cuts those). */
    private static List<ChunkHit> candidates(Random random, int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int sentences = 1 + random.nextInt(6);
            for (int s = 0; s < sentences; s++) {
                int words = random.nextInt(10) == 0 ? 90 + random.nextInt(40) : 4 + random.nextInt(20);
                for (int w = 0; w < words; w++) {
                    sb.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                }
                sb.append(random.nextBoolean() ? ". " : ".  ");
            }
            texts.add(random.nextBoolean() ? sb.toString() : " " + sb.toString().strip());
        }
        return Hits.of(texts.toArray(String[]::new));
    }

    private static Map<String, SpanVectors> precompute(HashedWordsEmbedder embedder, List<ChunkHit> hits) {
        ContextPrecompute precompute = new ContextPrecompute(O200K, ContextRequest.DEFAULT_CHUNK_TOKENS,
                ContextPrecompute.Source.ALONE);
        List<String> texts = hits.stream().map(ChunkHit::text).toList();
        ContextPrecompute.Result r = precompute.embed(embedder, texts, texts);
        Map<String, SpanVectors> byChunk = new HashMap<>();
        for (int i = 0; i < hits.size(); i++) {
            byChunk.put(hits.get(i).chunkId(), r.spans().get(i)); // float: int8 storage is SpanVectorsTest's

        }
        return byChunk;
    }

    @Test
    void withStoredSpansCragAndRefragEmbedOnlyTheQueryAndBuildTheSameContext() {
        Random random = new Random(20);
        for (int round = 0; round < 20; round++) {
            List<ChunkHit> hits = candidates(random, 1 + random.nextInt(12));
            String query = "which " + WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
            int budget = 32 + random.nextInt(400);

            HashedWordsEmbedder plain = new HashedWordsEmbedder(64);
            EmbeddingCache onRequest = new EmbeddingCache(plain, 100_000);
            HashedWordsEmbedder stored = new HashedWordsEmbedder(64);
            Map<String, SpanVectors> spans = precompute(stored, hits);
            EmbeddingCache offered = new EmbeddingCache(stored, 100_000);
            offered.offer(hits, spans);
            int afterIngest = stored.textsEmbedded.get();

            for (boolean crag : new boolean[] {true, false}) {
                ContextAssembler a = crag ? new CragAssembler(onRequest) : new RefragAssembler(onRequest);
                ContextAssembler b = crag ? new CragAssembler(offered) : new RefragAssembler(offered);
                ContextRequest request = new ContextRequest(query, budget, 0, O200K);
                AssembledContext expected = a.assemble(request, hits);
                AssembledContext actual = b.assemble(request, hits);
                assertThat(actual.context()).as("round %d, %s", round, a.strategy()).isEqualTo(expected.context());
            }
            assertThat(stored.textsEmbedded.get() - afterIngest).as("only the query is embedded").isEqualTo(1);
            assertThat(plain.textsEmbedded.get()).as("the request path embeds the candidates' pieces").isGreaterThan(1);
        }
    }

    @Test
    void anotherChunkSizeFallsBackToEmbeddingWhatWasNotPrecomputed() {
        List<ChunkHit> hits = candidates(new Random(3), 6);
        HashedWordsEmbedder stored = new HashedWordsEmbedder(64);
        EmbeddingCache offered = new EmbeddingCache(stored, 100_000);
        offered.offer(hits, precompute(stored, hits));
        int before = stored.textsEmbedded.get();
        AssembledContext ctx = new RefragAssembler(offered).assemble(
                new ContextRequest("wing stall", 128, 0, O200K, 7, false), hits);
        assertThat(ctx.tokensUsed()).isPositive().isLessThanOrEqualTo(128);
        assertThat(stored.textsEmbedded.get() - before).as("7-token chunks were not stored").isGreaterThan(1);
    }

    @Test
    void spansOfAnotherModelAreNotTaken() {
        List<ChunkHit> hits = candidates(new Random(4), 3);
        Map<String, SpanVectors> spans = precompute(new HashedWordsEmbedder(32), hits);
        HashedWordsEmbedder other = new HashedWordsEmbedder(64);
        EmbeddingCache cache = new EmbeddingCache(other, 1000);
        cache.offer(hits, spans); // 32-d vectors: not this model's
        assertThat(cache.offered()).isZero();
    }
}
