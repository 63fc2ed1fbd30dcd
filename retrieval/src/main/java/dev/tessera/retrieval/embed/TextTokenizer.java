package dev.tessera.retrieval.embed;

/** The word-piece view of an embedding model's tokenizer that chunking and usage counts need. */
public interface TextTokenizer {

    /**
     * Character spans of the tokens of {@code text}, special tokens left out, no truncation.
     * Element {@code i} is {@code [start, end)} of token {@code i}.
     */
    int[][] tokenSpans(String text);

    /** Number of tokens the model reads for {@code text}, special tokens included, before truncation. */
    int count(String text);
}
