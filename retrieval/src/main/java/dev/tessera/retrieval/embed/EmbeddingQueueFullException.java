package dev.tessera.retrieval.embed;

/**
 * The embedding queue holds as many texts or tokens as it may: the caller should come back after
 * {@link #retryAfterSeconds()} (the time the queue ahead needs at the recent rate). Nothing of the
 * refused call was queued.
 */
public final class EmbeddingQueueFullException extends RuntimeException {

    private final long retryAfterSeconds;

    public EmbeddingQueueFullException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
