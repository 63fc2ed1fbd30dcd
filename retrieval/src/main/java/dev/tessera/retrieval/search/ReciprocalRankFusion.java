package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
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
    public List<ChunkHit> fuse(List<ChunkHit> lexical, List<ChunkHit> dense, int k) {
        Map<String, ChunkHit> byId = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (List<ChunkHit> list : List.of(lexical, dense)) {
            for (int rank = 0; rank < list.size(); rank++) {
                ChunkHit hit = list.get(rank);
                byId.putIfAbsent(hit.chunkId(), hit);
                scores.merge(hit.chunkId(), 1.0 / (rankConstant + rank + 1), Double::sum);
            }
        }
        return ConvexFusion.top(byId, scores, k);
    }

    @Override
    public String name() {
        return "rrf";
    }
}
