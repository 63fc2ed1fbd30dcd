package dev.tessera.retrieval.embed;

import java.util.List;

/**
 * An embedder that passes every call to another; subclasses override what they add (batching,
 * caching, recording), like Lucene's FilterLeafReader.
 */
public abstract class ForwardingEmbedder implements Embedder {

    protected final Embedder delegate;

    protected ForwardingEmbedder(Embedder delegate) {
        this.delegate = delegate;
    }

    /** The embedder this one passes its calls to. */
    public Embedder delegate() {
        return delegate;
    }

    /** The innermost embedder under any number of forwarding layers (the one that runs the model). */
    public static Embedder innermost(Embedder embedder) {
        Embedder e = embedder;
        while (e instanceof ForwardingEmbedder f) {
            e = f.delegate;
        }
        return e;
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        return delegate.embed(texts, role);
    }

    @Override
    public List<Spanned> embedWithSpans(List<String> texts, List<List<int[]>> spans, Role role) {
        return delegate.embedWithSpans(texts, spans, role);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public TextTokenizer tokenizer() {
        return delegate.tokenizer();
    }

    @Override
    public int maxTokens() {
        return delegate.maxTokens();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
