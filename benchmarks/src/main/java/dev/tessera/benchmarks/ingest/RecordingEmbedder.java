package dev.tessera.benchmarks.ingest;

import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes calls through and keeps the passages the write path asked to embed, and the time spent
 * embedding them, so the bare-model run can use exactly the same texts.
 */
final class RecordingEmbedder extends ForwardingEmbedder {

    private final List<List<String>> calls = new ArrayList<>();
    private long embedNanos;

    RecordingEmbedder(Embedder delegate) {
        super(delegate);
    }

    @Override
    public synchronized List<float[]> embed(List<String> texts, Role role) {
        long t = System.nanoTime();
        List<float[]> out = delegate.embed(texts, role);
        embedNanos += System.nanoTime() - t;
        if (role == Role.DOCUMENT) {
            calls.add(List.copyOf(texts));
        }
        return out;
    }

    @Override
    public synchronized List<Spanned> embedWithSpans(List<String> texts, List<List<int[]>> spans, Role role) {
        long t = System.nanoTime();
        List<Spanned> out = delegate.embedWithSpans(texts, spans, role);
        embedNanos += System.nanoTime() - t;
        if (role == Role.DOCUMENT) {
            calls.add(List.copyOf(texts));
        }
        return out;
    }

    /** Every passage embedded, in order. */
    synchronized List<String> passages() {
        return calls.stream().flatMap(List::stream).toList();
    }

    /** The passages grouped as the write path sent them: one list per embed call. */
    synchronized List<List<String>> calls() {
        return List.copyOf(calls);
    }

    synchronized double embedSeconds() {
        return embedNanos / 1e9;
    }

    /** The wrapped model outlives this recorder; its owner closes it. */
    @Override
    public void close() {}
}
