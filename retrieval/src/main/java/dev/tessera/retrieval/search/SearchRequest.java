package dev.tessera.retrieval.search;

import dev.tessera.retrieval.filter.Filter;

/**
 * @param query     the words (BM25, and the text embedded for vector search); may be null when {@code vector} is given
 * @param vector    a query vector instead of embedding {@code query}; its dimension is checked by the index
 * @param fusion    null for the searcher's default
 * @param highlight whether to compute highlight passages (costs a re-analysis of each hit)
 * @param minScore  hits scoring below it are left out (null: none); scores are per mode, see docs/api.md
 * @param offset    hits to skip, for paging (at most {@value #MAX_OFFSET})
 */
public record SearchRequest(String query, float[] vector, int k, SearchMode mode, Filter filter, Fusion fusion,
                            boolean highlight, Float minScore, int offset) {

    public static final int MAX_K = 1000;
    public static final int MAX_OFFSET = 10_000;

    public SearchRequest {
        filter = filter == null ? Filter.ALL : filter;
        mode = mode == null ? (query == null && vector != null ? SearchMode.VECTOR : SearchMode.HYBRID) : mode;
    }

    public SearchRequest(String query, int k, SearchMode mode, Filter filter, Fusion fusion, boolean highlight) {
        this(query, null, k, mode, filter, fusion, highlight, null, 0);
    }
}
