package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cormack et al.'s reciprocal rank fusion: score = sum over lists of 1 / (k + rank). */
public record ReciprocalRankFusion(int rankConstant) implements Fusion {

    public ReciprocalRankFusion {
        if (rankConstant < 1) {
            throw new IllegalArgumentException("rrf rank constant must be >= 1");
        }
    }

    @Override
    public List<ChunkHit> fuse(HybridCandidates candidates, int k) {
        FusedCandidates all = new FusedCandidates(candidates);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<ChunkHit> list : List.of(candidates.lexical(), candidates.dense())) {
            for (int rank = 0; rank < list.size(); rank++) {
                scores.merge(list.get(rank).chunkId(), 1.0 / (rankConstant + rank + 1), Double::sum);
            }
        }
        return all.top(scores, k);
    }

    @Override
    public String name() {
        return "rrf";
    }
}
