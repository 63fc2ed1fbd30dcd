package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Convex combination of min-max normalised scores: {@code w * dense + (1 - w) * lexical}, a
 * candidate missing from one list scoring 0 there (Bruch et al., "An Analysis of Fusion Functions
 * for Hybrid Retrieval"). Unlike RRF it keeps how far apart the scores are, so a strong dense side
 * is not dragged down by a weak lexical one.
 */
public record ConvexFusion(double denseWeight) implements Fusion {

    public ConvexFusion {
        if (!(denseWeight >= 0 && denseWeight <= 1)) { // written so that NaN is refused too
            throw new IllegalArgumentException("convex fusion weight must be in [0, 1]");
        }
    }

    @Override
    public List<ChunkHit> fuse(List<ChunkHit> lexical, List<ChunkHit> dense, int k) {
        Map<String, ChunkHit> byId = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        add(dense, denseWeight, byId, scores);
        add(lexical, 1 - denseWeight, byId, scores);
        return top(byId, scores, k);
    }

    private static void add(List<ChunkHit> hits, double weight, Map<String, ChunkHit> byId, Map<String, Double> scores) {
        if (hits.isEmpty()) {
            return;
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (ChunkHit h : hits) {
            min = Math.min(min, h.score());
            max = Math.max(max, h.score());
        }
        double range = max - min;
        for (ChunkHit h : hits) {
            double norm = range > 0 ? (h.score() - min) / range : 1.0;
            byId.putIfAbsent(h.chunkId(), h);
            scores.merge(h.chunkId(), weight * norm, Double::sum);
        }
    }

    static List<ChunkHit> top(Map<String, ChunkHit> byId, Map<String, Double> scores, int k) {
        return scores.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(k)
                .map(e -> byId.get(e.getKey()).withScore(e.getValue().floatValue()))
                .toList();
    }

    @Override
    public String name() {
        return "convex";
    }
}
