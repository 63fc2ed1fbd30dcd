package dev.tessera.services.web;

/** A request body over the configured limit (answered 413). */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(long limitBytes) {
        super("request body exceeds the limit of " + limitBytes + " bytes");
    }

    /** Another size limit (e.g. the audio a detokenize call would produce), said in its own words. */
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
