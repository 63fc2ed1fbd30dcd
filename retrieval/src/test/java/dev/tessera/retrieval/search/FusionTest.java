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
        assertThatThrownBy(() -> Fusion.of("magic", 0.5, 60)).hasMessageContaining("rrf, convex");
        assertThatThrownBy(() -> new ConvexFusion(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConvexFusion(Double.NaN)).as("NaN compares false with every bound")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
