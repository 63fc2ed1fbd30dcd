package dev.tessera.client;

import java.util.Optional;

/**
 * An answer that was not a success: the service's problem+json (RFC 9457) as an exception. {@link #field()}
 * names the request field at fault when the service said which (for example {@code filter.and[1].year.gte}).
 */
public class TesseraException extends RuntimeException {

    private final int status;
    private final String title;
    private final String detail;
    private final String field;
    private final Long retryAfterSeconds;

    public TesseraException(int status, String title, String detail, String field, Long retryAfterSeconds) {
        super(status + " " + (title == null ? "" : title) + (detail == null ? "" : ": " + detail)
                + (field == null ? "" : " (field " + field + ")"));
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The HTTP status; 0 when no answer came (the connection failed or timed out). */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The request field the service named, when it named one. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The service's {@code Retry-After}, in seconds, on 429 and 503. */
    public Optional<Long> retryAfterSeconds() {
        return Optional.ofNullable(retryAfterSeconds);
    }
}
