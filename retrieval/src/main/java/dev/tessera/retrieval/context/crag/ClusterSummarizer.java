package dev.tessera.retrieval.context.crag;

/** Rewrites one cluster's extractive summary as an abstractive one. Implementations are thread-safe. */
public interface ClusterSummarizer {

    /**
     * @param query the question the context is for
     * @param extract the cluster's extractive summary (its chosen sentences, in source order)
     * @param maxTokens the length to stay within, in the request tokenizer's tokens; advisory, since
     *     the summarizer's model may count differently — the caller cuts the answer to fit
     * @throws SummarizerException when no summary can be had
     */
    String summarize(String query, String extract, int maxTokens);
}
