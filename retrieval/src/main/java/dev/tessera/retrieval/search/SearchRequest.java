package dev.tessera.retrieval.search;

import dev.tessera.retrieval.index.MetadataFilter;

/**
 * @param fusion null for the searcher's default
 * @param highlight whether to compute highlight passages (costs a re-analysis of each hit)
 */
public record SearchRequest(String query, int k, SearchMode mode, MetadataFilter filter, Fusion fusion, boolean highlight) {

    public static final int MAX_K = 1000;

    public SearchRequest {
        filter = filter == null ? MetadataFilter.NONE : filter;
        mode = mode == null ? SearchMode.HYBRID : mode;
    }
}
