package dev.tessera.retrieval.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {

    static ChunkHit hit(String id, float score) {
        return new ChunkHit(id, id + "#0", 0, score, "", "", 0, 0, List.of());
    }

    @Test
    void rrfRewardsAgreementBetweenLists() {
        List<ChunkHit> lexical = List.of(hit("a", 10), hit("b", 9));
        List<ChunkHit> dense = List.of(hit("c", 0.9f), hit("b", 0.8f), hit("d", 0.1f));
        List<ChunkHit> fused = new ReciprocalRankFusion(60).fuse(new HybridCandidates(lexical, dense), 4);
        assertThat(fused).extracting(ChunkHit::docId).startsWith("b").contains("a", "c", "d");
        assertThat(fused.getFirst().score()).isEqualTo((float) (1.0 / 62 + 1.0 / 62));
    }

    @Test
    void convexKeepsScoreGapsAndHonoursTheWeight() {
        // Dense strongly prefers x; lexical mildly prefers y.
        List<ChunkHit> lexical = List.of(hit("y", 10), hit("x", 9.5f), hit("z", 1));
        List<ChunkHit> dense = List.of(hit("x", 0.9f), hit("y", 0.3f), hit("z", 0.29f));
        assertThat(new ConvexFusion(0.7).fuse(new HybridCandidates(lexical, dense), 3)).extracting(ChunkHit::docId).startsWith("x");
        assertThat(new ConvexFusion(0.0).fuse(new HybridCandidates(lexical, dense), 3)).extracting(ChunkHit::docId).startsWith("y");
        assertThat(new ConvexFusion(1.0).fuse(new HybridCandidates(lexical, dense), 3)).extracting(ChunkHit::docId)
                .containsExactly("x", "y", "z");
    }

    @Test
    void fusionCopesWithAnEmptySide() {
        List<ChunkHit> dense = List.of(hit("x", 0.9f), hit("y", 0.5f));
        assertThat(new ConvexFusion(0.7).fuse(new HybridCandidates(List.of(), dense), 5)).extracting(ChunkHit::docId).containsExactly("x", "y");
        assertThat(new ReciprocalRankFusion(60).fuse(new HybridCandidates(List.of(), dense), 1)).extracting(ChunkHit::docId).containsExactly("x");
    }

    @Test
    void unknownFusionIsRejected() {
        assertThatThrownBy(() -> Fusion.of("magic", 0.5, 60)).hasMessageContaining("adaptive, rrf, convex");
        assertThatThrownBy(() -> new ConvexFusion(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConvexFusion(Double.NaN)).as("NaN compares false with every bound")
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The design claim of adaptive fusion: with gamma 0 its per-query weight equalises the two
     * standard deviations, so it ranks exactly as z-score fusion with the same weight (each side
     * standardised by its own mean and deviation, a missing side at that side's lowest), while its
     * scores stay absolute. The z-score ranking is computed here independently. Random lists,
     * distinct scores (ties may break differently).
     */
    @Test
    void adaptiveWithoutEvidenceLeanRanksExactlyAsZScoreFusion() {
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 300; round++) {
            java.util.List<ChunkHit> lexical = new java.util.ArrayList<>();
            java.util.List<ChunkHit> dense = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                if (random.nextInt(3) > 0) {
                    lexical.add(hit("c" + i, (float) (random.nextDouble() * 20)));
                }
                if (random.nextInt(3) > 0) {
                    dense.add(hit("c" + i, (float) (0.2 + random.nextDouble() * 0.7)));
                }
            }
            lexical.sort((a, b) -> Float.compare(b.score(), a.score()));
            dense.sort((a, b) -> Float.compare(b.score(), a.score()));
            HybridCandidates candidates = new HybridCandidates(lexical, dense, 25.0);
            double w = 0.1 + 0.8 * random.nextDouble();
            List<String> adaptive = new AdaptiveFusion(w, 0).fuse(candidates, 10).stream().map(ChunkHit::docId).toList();
            assertThat(adaptive).as("round %d, w %.3f", round, w).isEqualTo(zScoreRanking(lexical, dense, w, 10));
        }
    }

    private static List<String> zScoreRanking(List<ChunkHit> lexical, List<ChunkHit> dense, double w, int k) {
        java.util.Map<String, Double> zLex = standardised(lexical);
        java.util.Map<String, Double> zDense = standardised(dense);
        double lexFloor = zLex.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double denseFloor = zDense.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        java.util.Set<String> ids = new java.util.TreeSet<>(zLex.keySet());
        ids.addAll(zDense.keySet());
        return ids.stream()
                .sorted(java.util.Comparator.comparingDouble((String id) ->
                        w * zDense.getOrDefault(id, denseFloor) + (1 - w) * zLex.getOrDefault(id, lexFloor)).reversed())
                .limit(k)
                .toList();
    }

    private static java.util.Map<String, Double> standardised(List<ChunkHit> hits) {
        double mean = hits.stream().mapToDouble(ChunkHit::score).average().orElse(0);
        double deviation = Math.sqrt(hits.stream().mapToDouble(h -> (h.score() - mean) * (h.score() - mean)).average().orElse(0));
        java.util.Map<String, Double> z = new java.util.HashMap<>();
        hits.forEach(h -> z.put(h.docId(), (h.score() - mean) / deviation));
        return z;
    }

    @Test
    void adaptiveLeansTowardsTheSideWithTheStrongerBestMatch() {
        AdaptiveFusion.Spread weakLexical = new AdaptiveFusion.Spread(0.05, 0.2, 0.04, false);
        AdaptiveFusion.Spread strongLexical = new AdaptiveFusion.Spread(0.65, 0.8, 0.04, false); // same spread, stronger best
        AdaptiveFusion.Spread dense = new AdaptiveFusion.Spread(0.5, 0.8, 0.07, false);
        AdaptiveFusion fusion = new AdaptiveFusion(0.5, 1.0);
        // Same spread ratio would give the same weight at gamma 0; the evidence lean tells them apart.
        assertThat(fusion.weight(weakLexical, dense)).isGreaterThan(new AdaptiveFusion(0.5, 0).weight(weakLexical, dense));
        assertThat(fusion.weight(strongLexical, dense)).isLessThan(fusion.weight(weakLexical, dense));
    }
}
