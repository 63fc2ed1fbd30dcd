package dev.tessera.retrieval.context.crag;

/** The summarizer (an external LLM endpoint) failed, timed out or answered something unusable. */
public class SummarizerException extends RuntimeException {

    public SummarizerException(String message) {
        super(message);
    }

    public SummarizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
