package dev.tessera.retrieval.context;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.Objects;

/**
 * What to assemble: the context may use at most {@code budgetTokens - reserveTokens} tokens of
 * {@code tokenizer} (the reserve is left for the question and instructions of the prompt).
 *
 * @param chunkTokens refrag's chunk length k in tokens of {@code tokenizer}
 * @param returnEmbeddings refrag: attach the chunk embedding to every compressed segment
 */
public record ContextRequest(
        String query, int budgetTokens, int reserveTokens, ContextTokenizer tokenizer, int chunkTokens,
        boolean returnEmbeddings) {

    public static final int DEFAULT_CHUNK_TOKENS = 16;

    public ContextRequest {
        if (query == null || query.isBlank()) {
            throw new InvalidRequestException("query", "query must not be empty");
        }
        if (budgetTokens <= 0) {
            throw new InvalidRequestException("budget_tokens", "budget_tokens must be positive, was " + budgetTokens);
        }
        if (reserveTokens < 0 || reserveTokens >= budgetTokens) {
            throw new InvalidRequestException(
                    "reserve_tokens", "reserve_tokens must be in [0, budget_tokens), was " + reserveTokens);
        }
        if (chunkTokens < 1) {
            throw new InvalidRequestException("chunk_tokens", "chunk_tokens must be positive, was " + chunkTokens);
        }
        Objects.requireNonNull(tokenizer, "tokenizer");
    }

    public ContextRequest(String query, int budgetTokens, int reserveTokens, ContextTokenizer tokenizer) {
        this(query, budgetTokens, reserveTokens, tokenizer, DEFAULT_CHUNK_TOKENS, false);
    }

    /** Tokens the rendered context may use. */
    public int availableTokens() {
        return budgetTokens - reserveTokens;
    }

    /** Whether {@code rendered} fits the available tokens, counted on the whole string. */
    public boolean fits(String rendered) {
        return tokenizer.count(rendered) <= availableTokens();
    }
}
