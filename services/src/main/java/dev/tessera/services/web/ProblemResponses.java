package dev.tessera.services.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.ObjectMapper;

/** Problem+json written by servlet filters, which answer before Spring MVC and its advice are reached. */
final class ProblemResponses {

    private ProblemResponses() {}

    static void write(HttpServletRequest request, HttpServletResponse response, ObjectMapper json, HttpStatus status,
            String title, String detail, String field) throws IOException {
        ProblemDetail problem = ProblemHandler.problem(status, title, detail, field);
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
