package dev.tessera.retrieval.context.crag;

/**
 * One paragraph of an abstractive CRAG context.
 *
 * @param clusterId the cluster whose extract it was written from
 * @param text the paragraph as it stands in the context (cut when the whole would not fit otherwise)
 * @param tokens tokens of {@code text} alone in the request's tokenizer
 */
public record ClusterSummary(int clusterId, String text, int tokens) {}
