package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Convex combination of min-max normalised scores: {@code w * dense + (1 - w) * lexical}, a
 * candidate missing from one list scoring 0 there (Bruch et al., "An Analysis of Fusion Functions
 * for Hybrid Retrieval"). Its scores are relative to the other hits of the same query (the last
 * hit of a side is 0, a lone hit 1); {@link AdaptiveFusion} keeps absolute evidence.
 */
public record ConvexFusion(double denseWeight) implements Fusion {

    public ConvexFusion {
        if (!(denseWeight >= 0 && denseWeight <= 1)) { // written so that NaN is refused too
            throw new IllegalArgumentException("convex fusion weight must be in [0, 1]");
        }
    }

    @Override
    public List<ChunkHit> fuse(HybridCandidates candidates, int k) {
        FusedCandidates all = new FusedCandidates(candidates);
        Map<String, Double> scores = new LinkedHashMap<>();
        add(candidates.dense(), denseWeight, scores);
        add(candidates.lexical(), 1 - denseWeight, scores);
        return all.top(scores, k);
    }

    private static void add(List<ChunkHit> hits, double weight, Map<String, Double> scores) {
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
            scores.merge(h.chunkId(), weight * norm, Double::sum);
        }
    }

    @Override
    public String name() {
        return "convex";
    }
}
