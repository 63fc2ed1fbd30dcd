package dev.tessera.retrieval.index;

import java.util.Map;

/**
 * What an operator wants to know about an index at a glance.
 *
 * @param sizeOnDiskBytes   the index's own files (Lucene, and the hnswlib graph when used), not models or spools
 * @param similarity        how vectors compare: cosine, dot or euclidean
 * @param format            Tessera's on-disk format version of the index
 * @param luceneVersion     the Lucene version writing it
 * @param vectorParameters  the vector engine's graph and search parameters, by their usual names
 */
public record IndexStats(
        long documents, long chunks, long vectors, int segments, long sizeOnDiskBytes, String vectorEngine,
        String embeddingModel, int dimension, String similarity, int format, String luceneVersion,
        Map<String, Integer> vectorParameters) {}
