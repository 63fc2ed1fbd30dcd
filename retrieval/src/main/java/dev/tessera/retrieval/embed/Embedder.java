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

    /** A text's vector and, from the same text, one vector per asked character span (null: not computed). */
    record Spanned(float[] vector, float[][] spans) {}

    /**
     * Embeds texts and character spans {@code [start, end)} of each. By default every span is
     * embedded as a text of its own ({@link #embedSpansAlone}); an embedder that sees its model's
     * token states may instead pool them over each span from the text's own forward pass ("late
     * chunking": one pass, and each span read in its context), giving null for a span past the
     * model's maximum length.
     */
    default List<Spanned> embedWithSpans(List<String> texts, List<List<int[]>> spans, Role role) {
        return embedSpansAlone(this, texts, spans, role);
    }

    /** Each text and each span embedded as a text of its own, in batched calls. */
    static List<Spanned> embedSpansAlone(Embedder embedder, List<String> texts, List<List<int[]>> spans, Role role) {
        List<String> all = new java.util.ArrayList<>(texts);
        for (int i = 0; i < texts.size(); i++) {
            for (int[] s : spans.get(i)) all.add(texts.get(i).substring(s[0], s[1]));
        }
        List<float[]> vectors = embedder.embed(all, role);
        List<Spanned> out = new java.util.ArrayList<>(texts.size());
        int next = texts.size();
        for (int i = 0; i < texts.size(); i++) {
            float[][] mine = new float[spans.get(i).size()][];
            for (int j = 0; j < mine.length; j++) mine[j] = vectors.get(next++);
            out.add(new Spanned(vectors.get(i), mine));
        }
        return out;
    }

    /** The model's own tokenizer, for token-aware chunking and usage counts. */
    TextTokenizer tokenizer();

    /** Largest number of tokens (special tokens included) the model reads; longer input is truncated. */
    int maxTokens();

    @Override
    void close();
}
