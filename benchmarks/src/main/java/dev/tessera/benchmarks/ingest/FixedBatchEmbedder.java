package dev.tessera.benchmarks.ingest;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * The naive way to feed a model: consecutive batches of a fixed size, in the order the texts came,
 * each padded to its longest text. Keeps the padding share it ran, for comparison with the
 * service's length-cut passes.
 */
final class FixedBatchEmbedder extends ForwardingEmbedder {

    private final int batch;
    private long tokens;
    private long positions;

    FixedBatchEmbedder(Embedder delegate, int batch) {
        super(delegate);
        this.batch = batch;
    }

    @Override
    public synchronized List<float[]> embed(List<String> texts, Role role) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batch) {
            List<String> part = texts.subList(from, Math.min(texts.size(), from + batch));
            int longest = 0;
            for (String t : part) {
                int n = Math.min(delegate.maxTokens(), delegate.tokenizer().count(t));
                tokens += n;
                longest = Math.max(longest, n);
            }
            positions += (long) longest * part.size();
            out.addAll(delegate.embed(part, role));
        }
        return out;
    }

    synchronized double paddingShare() {
        return positions == 0 ? 0 : 1 - (double) tokens / positions;
    }

    /** The wrapped model outlives this wrapper; its owner closes it. */
    @Override
    public void close() {}
}
