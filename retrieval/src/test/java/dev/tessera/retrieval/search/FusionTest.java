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
     * ranges, so it ranks exactly as min-max convex fusion with the same weight, while its scores
     * stay absolute. Random lists, distinct scores (ties may break differently).
     */
    @Test
    void adaptiveWithoutEvidenceLeanRanksExactlyAsMinMaxConvex() {
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
            List<String> convex = new ConvexFusion(w).fuse(candidates, 10).stream().map(ChunkHit::docId).toList();
            assertThat(adaptive).as("round %d, w %.3f", round, w).isEqualTo(convex);
        }
    }

    @Test
    void adaptiveLeansTowardsTheSideWithTheStrongerBestMatch() {
        AdaptiveFusion.Range weakLexical = new AdaptiveFusion.Range(0.05, 0.2, false);
        AdaptiveFusion.Range strongLexical = new AdaptiveFusion.Range(0.65, 0.8, false); // same spread, stronger best
        AdaptiveFusion.Range dense = new AdaptiveFusion.Range(0.5, 0.8, false);
        AdaptiveFusion fusion = new AdaptiveFusion(0.5, 1.0);
        // Same spread ratio would give the same weight at gamma 0; the evidence lean tells them apart.
        assertThat(fusion.weight(weakLexical, dense)).isGreaterThan(new AdaptiveFusion(0.5, 0).weight(weakLexical, dense));
        assertThat(fusion.weight(strongLexical, dense)).isLessThan(fusion.weight(weakLexical, dense));
    }
}
