package dev.tessera.retrieval.index;

/** The index cannot answer now (a remote cluster is down, overloaded or timed out); retrying later may work. */
public class IndexUnavailableException extends RuntimeException {

    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
