package dev.tessera.services.web;

/**
 * A detokenize request that carries its tokenize answer's description of the tokens ({@code num_tokens},
 * {@code image_size}, {@code sample_rate}, {@code frames}, …) where that description does not fit the
 * model or the tokens sent: they were made by another model, or edited since. Answered 422 naming the field.
 */
public class MismatchedFieldException extends RuntimeException {

    private final String field;

    public MismatchedFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /**
     * Nothing when {@code given} is absent or equals {@code actual}; else the exception, worded
     * "{@code field} is given, but {@code why}", e.g. "image_size is 64, but model titok-tiny takes 32".
     */
    public static void requireMatch(String field, Number given, Number actual, String why) {
        if (given != null && Math.abs(given.doubleValue() - actual.doubleValue()) > 1e-9) {
            throw new MismatchedFieldException(field, field + " is " + given + ", but " + why);
        }
    }
}
