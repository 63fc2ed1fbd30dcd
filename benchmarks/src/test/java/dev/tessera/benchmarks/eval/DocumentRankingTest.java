package dev.tessera.benchmarks.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentRankingTest {

    @Test
    void documentTakesTheRankOfItsBestChunk() {
        List<ChunkHit> hits = List.of(hit("a", 1), hit("b", 0), hit("a", 0), hit("c", 2), hit("b", 1));
        assertThat(DocumentRanking.of(hits)).containsExactly("a", "b", "c");
    }

    private static ChunkHit hit(String doc, int ordinal) {
        return new ChunkHit(doc, doc + "#" + ordinal, ordinal, 1f, "", "", 0, 0, List.of());
    }
}
