package dev.tessera.retrieval.context;

/**
 * One piece of an assembled context and where it came from. Fields a strategy does not use are
 * {@code null}.
 *
 * @param start character offset of {@code text} in the source document (chunk start + offset in the chunk)
 * @param end end offset (exclusive) in the source document
 * @param tokens tokens of {@code text} alone in the request's tokenizer
 * @param clusterId crag: the cluster the sentence was drawn from
 * @param expanded refrag: whether the span is sent as text ({@code true}) or left compressed
 * @param tokenStart refrag: first token of the span in the candidate's encoding
 * @param tokenEnd refrag: end token (exclusive)
 * @param embedding refrag with {@code returnEmbeddings}: the compressed chunk's embedding
 * @param projected {@code embedding} projected into a target LLM's input-embedding space
 *     ({@link dev.tessera.retrieval.context.refrag.ChunkProjection}), when one was asked for
 */
public record ContextSegment(
        String docId, String chunkId, String text, int start, int end, int tokens, double score,
        Integer clusterId, Boolean expanded, Integer tokenStart, Integer tokenEnd, float[] embedding,
        float[] projected) {

    /** A segment without a projection, as the strategies produce it. */
    public ContextSegment(String docId, String chunkId, String text, int start, int end, int tokens, double score,
            Integer clusterId, Boolean expanded, Integer tokenStart, Integer tokenEnd, float[] embedding) {
        this(docId, chunkId, text, start, end, tokens, score, clusterId, expanded, tokenStart, tokenEnd, embedding,
                null);
    }

    public ContextSegment withProjected(float[] vector) {
        return new ContextSegment(docId, chunkId, text, start, end, tokens, score, clusterId, expanded, tokenStart,
                tokenEnd, embedding, vector);
    }
}
