package dev.tessera.retrieval.index;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The highest BM25 score a chunk could reach for a query ({@link DocumentIndex#lexicalBound}): the sum
 * of its terms' IDFs, since BM25's term-frequency factor tends to 1 from below. Lucene's IDF,
 * {@code ln(1 + (N - df + 0.5) / (df + 0.5))}; a repeated term counts again (its clause scores
 * again), a term no chunk holds adds nothing. Both backends compute it here from their own counts.
 */
public final class Bm25Bound {

    private Bm25Bound() {}

    /**
     * @param terms     the analysed query's terms, repeats included
     * @param docCount  N: the chunks that have the BM25 field
     * @param docFreq   how many chunks hold a term
     */
    public static <T> double of(List<T> terms, long docCount, ToLongFunction<T> docFreq) {
        double bound = 0;
        for (T t : terms) {
            long df = docFreq.applyAsLong(t);
            if (df > 0) {
                bound += Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
            }
        }
        return bound;
    }
}
