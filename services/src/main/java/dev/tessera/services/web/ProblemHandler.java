package dev.tessera.services.web;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.embed.EmbeddingQueueFullException;
import dev.tessera.retrieval.context.crag.SummarizerException;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.retrieval.document.UnsupportedDocumentTypeException;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.services.documents.DocumentNotFoundException;
import dev.tessera.services.embeddings.UnknownModelException;
import dev.tessera.services.images.ImageModelUnavailableException;
import dev.tessera.services.images.InvalidCaptionException;
import dev.tessera.services.images.InvalidTokensException;
import dev.tessera.services.images.UnknownImageModelException;
import dev.tessera.services.jobs.BulkIngestJobs;
import dev.tessera.services.jobs.JobsController;
import dev.tessera.tokenizers.audio.AudioDecoder;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.ImageTooLargeException;
import dev.tessera.tokenizers.image.InvalidImageException;
import dev.tessera.services.video.UnknownVideoModelException;
import dev.tessera.tokenizers.video.InvalidVideoException;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.VideoTooLongException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error is RFC 9457 problem+json; client errors name the field at fault in {@code field}.
 * Anything unexpected is logged and answered 500 without internals.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    /** A remote index's retries (with backoff) already took a while; a few seconds lets a node recover. */
    static final int INDEX_RETRY_AFTER_SECONDS = 5;

    private static final org.springframework.web.method.annotation.ExceptionHandlerMethodResolver HANDLERS =
            new org.springframework.web.method.annotation.ExceptionHandlerMethodResolver(ProblemHandler.class);

    /**
     * The problem this handler answers an exception with, for callers outside Spring MVC's dispatch (the
     * MCP tools), so both surfaces report an error the same way. A {@code Retry-After} header becomes the
     * problem's {@code retry_after} property.
     */
    public ProblemDetail describe(Exception e) {
        java.lang.reflect.Method handler = HANDLERS.resolveMethodByThrowable(e);
        try {
            Object answer = handler.invoke(this, e);
            if (answer instanceof ResponseEntity<?> entity) {
                ProblemDetail p = (ProblemDetail) entity.getBody();
                String retryAfter = entity.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
                if (p != null && retryAfter != null) {
                    p.setProperty("retry_after", Long.parseLong(retryAfter));
                }
                return p;
            }
            return (ProblemDetail) answer;
        } catch (ReflectiveOperationException failed) {
            throw new IllegalStateException("problem handler " + handler + " failed for " + e, failed);
        }
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail, String field) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        if (field != null) {
            p.setProperty("field", field);
        }
        return p;
    }

    @ExceptionHandler(UnsupportedDocumentTypeException.class)
    ProblemDetail unsupported(UnsupportedDocumentTypeException e) {
        return unsupportedType("Unsupported document type", e.getMessage(), e.field(), DocumentParser.ACCEPTED);
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
    }

    /** The configured chat endpoint failed: the fault is upstream, so 502 with its message (no secrets in it). */
    @ExceptionHandler(SummarizerException.class)
    ProblemDetail summarizerFailed(SummarizerException e) {
        log.warn("abstractive summary failed: {}", e.getMessage());
        return problem(HttpStatus.BAD_GATEWAY, "Summarizer failed", e.getMessage(), "abstractive");
    }

    /**
     * A remote index is down, overloaded or slow. Part of a write may have been stored, but writes are
     * upserts by id, so the client simply retries the whole request later.
     */
    @ExceptionHandler(IndexUnavailableException.class)
    ResponseEntity<ProblemDetail> indexUnavailable(IndexUnavailableException e) {
        log.warn("index unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(INDEX_RETRY_AFTER_SECONDS))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Index unavailable", e.getMessage(), null));
    }

    /**
     * The embedding queue is full: nothing of this request was queued or stored, so the client repeats
     * it after {@code Retry-After} seconds (the queue's drain time at the measured rate), as OpenAI
     * clients and TEI's callers already do on 429.
     */
    @ExceptionHandler(EmbeddingQueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(EmbeddingQueueFullException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", e.getMessage(), null));
    }

    /**
     * The index stored only part of a write: {@code failed} names the documents it did not store (id to
     * reason); the others are durable, so a client resends just the failed ones.
     */
    @ExceptionHandler(IndexWriteException.class)
    ProblemDetail indexWriteFailed(IndexWriteException e) {
        log.warn("index write incomplete: {}", e.getMessage());
        ProblemDetail p = problem(HttpStatus.SERVICE_UNAVAILABLE, "Documents not stored", e.getMessage(), null);
        p.setProperty("failed", e.failed());
        return p;
    }

    @ExceptionHandler(UnknownModelException.class)
    ProblemDetail unknownModel(UnknownModelException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown model", e.getMessage(), "model");
    }

    @ExceptionHandler({DocumentNotFoundException.class, JobsController.JobNotFoundException.class,
            dev.tessera.services.video.VideoLibrary.VideoNotFoundException.class})
    ProblemDetail notFound(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
    }

    @ExceptionHandler(dev.tessera.retrieval.collection.UnknownCollectionException.class)
    ProblemDetail unknownCollection(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown collection", e.getMessage(), "collection");
    }

    @ExceptionHandler(dev.tessera.retrieval.collection.CollectionConflictException.class)
    ProblemDetail collectionConflict(RuntimeException e) {
        return problem(HttpStatus.CONFLICT, "Collection exists", e.getMessage(), "name");
    }

    @ExceptionHandler(BulkIngestJobs.JobConflictException.class)
    ProblemDetail jobConflict(BulkIngestJobs.JobConflictException e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), null);
    }

    @ExceptionHandler(UnknownImageModelException.class)
    ProblemDetail unknownImageModel(UnknownImageModelException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown model", e.getMessage(), "model");
    }

    @ExceptionHandler(ImageModelUnavailableException.class)
    ProblemDetail unavailableImageModel(ImageModelUnavailableException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Model unavailable", e.getMessage(), "model");
    }

    @ExceptionHandler(UnknownVideoModelException.class)
    ProblemDetail unknownVideoModel(UnknownVideoModelException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown model", e.getMessage(), e.field());
    }

    @ExceptionHandler(InvalidVideoException.class)
    ProblemDetail invalidVideo(InvalidVideoException e) {
        return e.unsupported()
                ? unsupportedType("Unsupported video", e.getMessage(), "file", VideoFrames.ACCEPTED)
                : problem(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable video", e.getMessage(), "file");
    }

    @ExceptionHandler(dev.tessera.services.audio.UnknownAudioModelException.class)
    ProblemDetail unknownAudioModel(RuntimeException e) {
        return problem(HttpStatus.NOT_FOUND, "Unknown model", e.getMessage(), "model");
    }

    @ExceptionHandler(dev.tessera.services.audio.AudioModelUnavailableException.class)
    ProblemDetail unavailableAudioModel(RuntimeException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Model unavailable", e.getMessage(), "model");
    }

    @ExceptionHandler(dev.tessera.tokenizers.audio.InvalidAudioException.class)
    ProblemDetail invalidAudio(dev.tessera.tokenizers.audio.InvalidAudioException e) {
        return e.unsupported()
                ? unsupportedType("Unsupported audio", e.getMessage(), "file", AudioDecoder.ACCEPTED)
                : problem(HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable audio", e.getMessage(), "file");
    }

    @ExceptionHandler(dev.tessera.tokenizers.audio.AudioTooLongException.class)
    ProblemDetail audioTooLong(RuntimeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Audio too long", e.getMessage(), "file");
    }

    @ExceptionHandler(dev.tessera.services.audio.InvalidAudioTokensException.class)
    ProblemDetail invalidAudioTokens(RuntimeException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid codes", e.getMessage(), "codebooks");
    }

    @ExceptionHandler(VideoTooLongException.class)
    ProblemDetail videoTooLong(VideoTooLongException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Video too long", e.getMessage(), "file");
    }

    @ExceptionHandler(InvalidImageException.class)
    ProblemDetail invalidImage(InvalidImageException e) {
        return e.unsupported()
                ? unsupportedType("Unsupported image", e.getMessage(), "file", ImagePreprocessor.ACCEPTED)
                : problem(HttpStatus.UNPROCESSABLE_CONTENT, "Corrupt image", e.getMessage(), "file");
    }

    @ExceptionHandler(ImageTooLargeException.class)
    ProblemDetail imageTooLarge(ImageTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Image too large", e.getMessage(), "file");
    }

    @ExceptionHandler(InvalidCaptionException.class)
    ProblemDetail invalidCaption(InvalidCaptionException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid caption", e.getMessage(), "caption");
    }

    @ExceptionHandler(InvalidTokensException.class)
    ProblemDetail invalidTokens(InvalidTokensException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid tokens", e.getMessage(), "tokens");
    }

    @ExceptionHandler(MismatchedFieldException.class)
    ProblemDetail mismatched(MismatchedFieldException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Inconsistent request", e.getMessage(), e.field());
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ProblemDetail tooLarge(PayloadTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", e.getMessage(), "body");
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail multipart(MultipartException e) {
        if (causedBy(e, PayloadTooLargeException.class) != null) {
            return problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", "the upload exceeds the size limit", "file");
        }
        return problem(HttpStatus.BAD_REQUEST, "Invalid multipart request", "the multipart body could not be read", "file");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "the server failed to answer; see its log", null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        PayloadTooLargeException tooLarge = causedBy(ex, PayloadTooLargeException.class);
        if (tooLarge != null) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge));
        }
        JacksonException json = causedBy(ex, JacksonException.class);
        JsonFault fault = json == null ? new JsonFault(null, "the request body is missing or is not valid JSON")
                : JsonFault.of(json);
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Invalid request", fault.detail(),
                fault.field() == null ? "body" : fault.field()));
    }

    /** A required multipart part is missing, e.g. {@code -F document=@paper.pdf} where {@code file} is meant. */
    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return missing(ex, "part", ex.getRequestPartName(), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return missing(ex, "field", ex.getParameterName(), headers, status, request);
    }

    private ResponseEntity<Object> missing(Exception ex, String what, String name, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        List<String> sent = partNames(request);
        String detail = "the " + what + " '" + name + "' is required"
                + (sent.isEmpty() ? "" : "; this request has: " + String.join(", ", sent));
        return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST, "Invalid request", detail, name), headers,
                status, request);
    }

    /** The names of a multipart request's parts, so a misnamed one is visible next to the missing one. */
    private static List<String> partNames(WebRequest request) {
        HttpServletRequest http = request instanceof ServletWebRequest servlet ? servlet.getRequest() : null;
        if (http == null || http.getContentType() == null || !http.getContentType().startsWith("multipart/")) {
            return List.of();
        }
        try {
            return http.getParts().stream().map(Part::getName).distinct().toList();
        } catch (IOException | ServletException | RuntimeException unreadable) {
            return List.of();
        }
    }

    /** A form field or query parameter of the wrong form, e.g. {@code -F fps=fast}. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return handleExceptionInternal(ex, problem(HttpStatus.BAD_REQUEST, "Invalid request",
                "'" + name + "' has the wrong type or form", name), headers, status, request);
    }

    /** A Content-Type the route does not take: the answer lists those it does. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String sent = ex.getContentType() == null ? "no Content-Type" : "Content-Type '" + ex.getContentType() + "'";
        List<String> accepted = ex.getSupportedMediaTypes().stream().map(MediaType::toString).toList();
        return handleExceptionInternal(ex, unsupportedType("Unsupported media type", sent + " is not accepted here",
                null, accepted), headers, status, request);
    }

    /**
     * Every 415: the detail and the {@code accepted} member list the content types the route reads, so a
     * client learns what to send instead.
     */
    static ProblemDetail unsupportedType(String title, String detail, String field, List<String> accepted) {
        ProblemDetail p = problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, title,
                detail + "; accepted: " + String.join(", ", accepted), field);
        p.setProperty("accepted", accepted);
        return p;
    }

    private static <T extends Throwable> T causedBy(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
