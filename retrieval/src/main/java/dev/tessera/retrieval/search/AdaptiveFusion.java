package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex.HybridCandidates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A convex combination of absolute scores, with the weight chosen per query.
 *
 * <p><b>Absolute scales.</b> The dense side is the similarity vector search reports (cosine); the
 * lexical side is BM25 divided by the query's bound ({@link HybridCandidates#lexicalBound()}, the
 * most any chunk could score), so both read in [0, 1] whatever else was found: a lone hit keeps its
 * own evidence, and a chunk both sides scored positively never fuses to 0. A chunk one side did not
 * retrieve counts with that side's lowest retrieved score (its own is at most that).
 *
 * <p><b>A weight per query.</b> On a query's candidates, cosines spread over hundredths and BM25
 * fractions over tenths, so a fixed weight would let BM25 decide. The weight first equalises the two
 * spreads, measured as each list's standard deviation: this ranks exactly as z-score fusion with
 * weight {@code w} (each side standardised by its own mean and deviation, Montague and Aslam's
 * "ZMUV" normalisation for metasearch; Qdrant's distribution-based fusion is its clipped form),
 * which the tuning halves preferred to equalising the ranges (min-max convex, Bruch et al.). It then
 * moves towards the side whose best candidate carries more absolute evidence (its top score), by the
 * exponent {@code gamma}, in the spirit of score-based query performance prediction: a query whose
 * best lexical match holds a small part of its terms' weight leans on the dense side, and a query
 * whose terms a chunk matches strongly leans on BM25.
 * <pre>
 *   w_q = w·σ_lex·top_dense^γ / (w·σ_lex·top_dense^γ + (1 − w)·σ_dense·top_lex^γ)
 *   score = w_q·dense + (1 − w_q)·lex
 * </pre>
 * The statistics cover the lists as drawn; every request with {@code k + offset} within the
 * searcher's candidate depth draws the same lists, so a chunk's fused score does not depend on k.
 */
public record AdaptiveFusion(double denseWeight, double gamma) implements Fusion {

    public AdaptiveFusion {
        if (!(denseWeight >= 0 && denseWeight <= 1)) {
            throw new IllegalArgumentException("adaptive fusion weight must be in [0, 1]");
        }
        if (!(gamma >= 0 && gamma <= 8)) {
            throw new IllegalArgumentException("adaptive fusion gamma must be in [0, 8]");
        }
    }

    public AdaptiveFusion(double denseWeight) {
        this(denseWeight, SearchDefaults.ADAPTIVE_GAMMA);
    }

    @Override
    public List<ChunkHit> fuse(HybridCandidates candidates, int k) {
        FusedCandidates all = new FusedCandidates(candidates);
        List<ChunkHit> lexical = candidates.lexical();
        List<ChunkHit> dense = candidates.dense();
        double bound = candidates.lexicalBound();
        if (!(bound > 0)) { // the index cannot tell: the best lexical score stands in for the bound
            bound = lexical.stream().mapToDouble(ChunkHit::score).max().orElse(1);
        }
        Spread lex = Spread.of(lexical, bound);
        Spread den = Spread.of(dense, 1);
        double w = weight(lex, den);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Map.Entry<String, ChunkHit> e : all.hits.entrySet()) {
            Float b = all.bm25.get(e.getKey());
            Float v = all.vector.get(e.getKey());
            double l = b == null ? lex.min : b / bound;
            double d = v == null ? den.min : v;
            scores.put(e.getKey(), w * d + (1 - w) * l);
        }
        return all.top(scores, k);
    }

    /** The dense side's weight for one query. */
    double weight(Spread lex, Spread den) {
        if (lex.empty()) {
            return 1;
        }
        if (den.empty()) {
            return 0;
        }
        double a = denseWeight * (lex.deviation > 0 ? lex.deviation : 1) * Math.pow(Math.max(0, den.max), gamma);
        double b = (1 - denseWeight) * (den.deviation > 0 ? den.deviation : 1) * Math.pow(Math.max(0, lex.max), gamma);
        return a + b > 0 ? a / (a + b) : denseWeight;
    }

    /** One side's scores over its candidates, divided by {@code scale}: lowest, highest, standard deviation. */
    record Spread(double min, double max, double deviation, boolean empty) {
        static Spread of(List<ChunkHit> hits, double scale) {
            if (hits.isEmpty()) {
                return new Spread(0, 0, 0, true);
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (ChunkHit h : hits) {
                double s = h.score() / scale;
                min = Math.min(min, s);
                max = Math.max(max, s);
                sum += s;
            }
            double mean = sum / hits.size();
            double squares = 0;
            for (ChunkHit h : hits) {
                double d = h.score() / scale - mean;
                squares += d * d;
            }
            return new Spread(min, max, Math.sqrt(squares / hits.size()), false);
        }
    }

    @Override
    public String name() {
        return "adaptive";
    }
}
