package dev.tessera.services.web;

import dev.tessera.retrieval.InvalidRequestException;

/**
 * A detokenize request that carries its tokenize answer's description of the tokens ({@code num_tokens},
 * {@code image_size}, {@code sample_rate}, {@code frames}, …) where that description does not fit the
 * model or the tokens sent: they were made by another model, or edited since. Answered 422 (not the
 * 400 of other invalid requests: the request is well-formed, its values contradict each other).
 */
public class MismatchedFieldException extends InvalidRequestException {

    public MismatchedFieldException(String field, String message) {
        super(field, message);
    }

    /**
     * Nothing when {@code given} is absent or equals {@code actual}; else the exception, worded
     * "{@code field} is given, but {@code why}", e.g. "image_size is 64, but model titok-tiny makes images of 32 px".
     */
    public static void requireMatch(String field, Number given, Number actual, String why) {
        if (given != null && Math.abs(given.doubleValue() - actual.doubleValue()) > 1e-9) {
            throw new MismatchedFieldException(field, field + " is " + given + ", but " + why);
        }
    }
}
