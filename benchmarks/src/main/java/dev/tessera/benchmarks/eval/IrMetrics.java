package dev.tessera.benchmarks.eval;

import java.util.List;
import java.util.Map;

/**
 * Per-query IR measures over a document ranking, with the conventions of trec_eval and BEIR:
 * linear graded gains (gain = the qrel score), a {@code log2(rank + 1)} discount, the ideal
 * ranking built from every judged document with a score above zero, and "relevant" meaning a
 * score above zero.
 */
public final class IrMetrics {

    private IrMetrics() {}

    public static double ndcgAt(List<String> ranking, Map<String, Integer> qrels, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            int gain = Math.max(0, qrels.getOrDefault(ranking.get(i), 0));
            dcg += gain / log2(i + 2);
        }
        List<Integer> ideal = qrels.values().stream().filter(s -> s > 0).sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Share of the relevant documents found in the top {@code k}. */
    public static double recallAt(List<String> ranking, Map<String, Integer> qrels, int k) {
        long relevant = qrels.values().stream().filter(s -> s > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.stream().limit(k).filter(d -> qrels.getOrDefault(d, 0) > 0).count();
        return (double) found / relevant;
    }

    /** Reciprocal rank of the first relevant document, 0 when none is in the top {@code k}. */
    public static double mrrAt(List<String> ranking, Map<String, Integer> qrels, int k) {
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (qrels.getOrDefault(ranking.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
