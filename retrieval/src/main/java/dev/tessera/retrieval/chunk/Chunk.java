package dev.tessera.retrieval.chunk;

/**
 * A piece of a document small enough to embed.
 *
 * @param ordinal position of the chunk in its document, from 0
 * @param text    the chunk's text, exactly {@code source.substring(start, end)}
 * @param start   character offset of the first character in the source
 * @param end     character offset after the last character
 * @param tokens  tokens of the embedder's tokenizer (special tokens left out)
 */
public record Chunk(int ordinal, String text, int start, int end, int tokens) {}
