package dev.tessera.retrieval.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user reads off a hybrid hit: the fused score keeps absolute evidence, and its component
 * scores are exactly what bm25-only and vector-only searches report for that chunk.
 */
class HybridScoresTest {

    private static final long SEED = Long.getLong("tests.seed", System.nanoTime());
    private static final Random RANDOM = new Random(SEED);

    @TempDir
    Path dir;

    @Test
    void componentsAreTheSingleModeScoresAndEvidenceNeverFusesToZero() {
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(64);
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, embedder.name(), embedder.dimension(),
                VectorEngine.LUCENE)) {
            DocumentIngestor ingestor = new DocumentIngestor(new TokenChunker(embedder.tokenizer(), 64, 8), embedder,
                    index);
            ingestor.ingestAll(List.of(
                    new Document("pdf", "Slipstream", "A wing in a propeller slipstream: lift and drag of the wing"
                            + " measured in the slipstream of a propeller.", Map.of()),
                    new Document("heat", "Heat", "Heat transfer to a nose cone at hypersonic speed.", Map.of()),
                    new Document("shock", "Shock", "A shock wave ahead of a blunt body in supersonic flow.", Map.of())));
            String query = "propeller slipstream wing";
            HybridSearcher searcher = new HybridSearcher(index, embedder, SearchDefaults.fusion(), 100);
            List<ChunkHit> hybrid = searcher.search(new SearchRequest(query, 10, SearchMode.HYBRID, Filter.ALL, null,
                    false)).hits();
            Map<String, Float> bm25 = scores(index.searchText(query, 100, Filter.ALL));
            Map<String, Float> vector = scores(index.searchVector(embedder.embed(query, Embedder.Role.QUERY), 100,
                    Filter.ALL));

            assertThat(hybrid.getFirst().docId()).isEqualTo("pdf");
            for (ChunkHit h : hybrid) {
                assertThat(h.components()).isNotNull();
                assertThat(h.components().bm25()).isEqualTo(bm25.get(h.chunkId()));
                assertThat(h.components().vector()).isEqualTo(vector.get(h.chunkId()));
            }
            ChunkHit top = hybrid.getFirst();
            assertThat(top.components().bm25()).isPositive();
            assertThat(top.components().vector()).isPositive();
            assertThat(top.score()).isPositive().isLessThan(1f); // evidence, not "best of this list"
            // A query that finds one chunk on each side does not make it a perfect 1.0.
            List<ChunkHit> lone = searcher.search(new SearchRequest("hypersonic", 1, SearchMode.HYBRID, Filter.ALL,
                    null, false)).hits();
            assertThat(lone.getFirst().score()).isPositive().isLessThan(1f);
        }
    }

    /**
     * Randomized lists: wherever both sides scored a chunk above 0, its fused score is above 0 and
     * between the lowest and highest of its two normalised components; the ranking is by fused score.
     */
    @Test
    void fusedScoresStayBetweenTheirComponentsOnRandomLists() {
        AdaptiveFusion fusion = new AdaptiveFusion(SearchDefaults.ADAPTIVE_WEIGHT, SearchDefaults.ADAPTIVE_GAMMA);
        for (int round = 0; round < 500; round++) {
            int n = 1 + RANDOM.nextInt(30);
            List<ChunkHit> lexical = new ArrayList<>();
            List<ChunkHit> dense = new ArrayList<>();
            double bound = 1 + RANDOM.nextDouble() * 30;
            for (int i = 0; i < n; i++) {
                if (RANDOM.nextBoolean()) {
                    lexical.add(hit("c" + i, (float) (RANDOM.nextDouble() * bound)));
                }
                if (RANDOM.nextBoolean()) {
                    dense.add(hit("c" + i, (float) (0.05 + RANDOM.nextDouble() * 0.9)));
                }
            }
            lexical.sort((a, b) -> Float.compare(b.score(), a.score()));
            dense.sort((a, b) -> Float.compare(b.score(), a.score()));
            List<ChunkHit> fused = fusion.fuse(new HybridCandidates(lexical, dense, bound), 100);
            for (int i = 0; i < fused.size(); i++) {
                ChunkHit h = fused.get(i);
                if (i > 0) {
                    assertThat(h.score()).as("-Dtests.seed=%d", SEED).isLessThanOrEqualTo(fused.get(i - 1).score());
                }
                if (h.components().bm25() != null && h.components().vector() != null
                        && h.components().bm25() > 0 && h.components().vector() > 0) {
                    double l = h.components().bm25() / bound;
                    double v = h.components().vector();
                    assertThat(h.score()).as("round %d, -Dtests.seed=%d", round, SEED).isPositive()
                            .isBetween((float) Math.min(l, v) - 1e-5f, (float) Math.max(l, v) + 1e-5f);
                }
            }
        }
    }

    private static ChunkHit hit(String id, float score) {
        return new ChunkHit(id, id + "#0", 0, score, "", "", 0, 0, List.of());
    }

    private static Map<String, Float> scores(List<ChunkHit> hits) {
        return hits.stream().collect(Collectors.toMap(ChunkHit::chunkId, ChunkHit::score, (a, b) -> a));
    }
}
