package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The union of both candidate lists by chunk id, with each side's score: what every fusion starts from. */
final class FusedCandidates {

    final Map<String, ChunkHit> hits = new LinkedHashMap<>();
    final Map<String, Float> bm25 = new HashMap<>();
    final Map<String, Float> vector = new HashMap<>();

    FusedCandidates(HybridCandidates candidates) {
        for (ChunkHit h : candidates.dense()) {
            hits.putIfAbsent(h.chunkId(), h);
            vector.putIfAbsent(h.chunkId(), h.score());
        }
        for (ChunkHit h : candidates.lexical()) {
            hits.putIfAbsent(h.chunkId(), h);
            bm25.putIfAbsent(h.chunkId(), h.score());
        }
    }

    /** The k best by fused score, each carrying its components; ties keep candidate order. */
    List<ChunkHit> top(Map<String, Double> fused, int k) {
        return fused.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(k)
                .map(e -> hits.get(e.getKey()).fused(e.getValue().floatValue(),
                        new ChunkHit.Components(bm25.get(e.getKey()), vector.get(e.getKey()))))
                .toList();
    }
}
