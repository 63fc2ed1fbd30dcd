package dev.tessera.services.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page, in place of Spring Boot's JSON one: errors raised outside
 * Spring MVC (a method Tomcat refuses, such as TRACE; an unreadable chunked body; an exception in
 * a filter) are problem+json like every other error. Never echoes exception messages.
 */
@Hidden
@RestController
public class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null
                ? HttpStatus.valueOf(c) : HttpStatus.INTERNAL_SERVER_ERROR;
        String field = null;
        String detail = status.is5xxServerError() ? "the server failed to answer; see its log"
                : "the request could not be served: " + status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        if (causedBy(failure, PayloadTooLargeException.class)) {
            status = HttpStatus.CONTENT_TOO_LARGE;
            detail = "the request body exceeds the size limit";
            field = "body";
        } else if (status.is5xxServerError()) {
            log.error("error outside Spring MVC for {}", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    failure);
        }
        ProblemDetail problem = ProblemHandler.problem(status, status.getReasonPhrase(), detail, field);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri instanceof String path) {
            try {
                problem.setInstance(URI.create(path));
            } catch (IllegalArgumentException notAUri) {
                // leave instance out rather than fail on a path the client made up
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
