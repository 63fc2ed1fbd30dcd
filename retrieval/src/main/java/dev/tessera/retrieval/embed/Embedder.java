package dev.tessera.retrieval.embed;

import java.util.List;

/**
 * A text embedding model. Implementations are thread-safe; vectors are L2-normalised when the
 * model says so ({@link EmbeddingModelSpec#normalize()}).
 */
public interface Embedder extends AutoCloseable {

    /** Whether a text is a search query or a passage to be indexed (models prefix them differently). */
    enum Role { QUERY, DOCUMENT }

    String name();

    int dimension();

    /** Embeds texts in order; one vector per text. */
    List<float[]> embed(List<String> texts, Role role);

    default float[] embed(String text, Role role) {
        return embed(List.of(text), role).getFirst();
    }

    /** The model's own tokenizer, for token-aware chunking and usage counts. */
    TextTokenizer tokenizer();

    /** Largest number of tokens (special tokens included) the model reads; longer input is truncated. */
    int maxTokens();

    @Override
    void close();
}
