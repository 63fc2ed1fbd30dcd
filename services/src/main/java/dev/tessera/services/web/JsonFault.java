package dev.tessera.services.web;

import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What is wrong with a JSON document a client sent, and which field: one wording for a request body
 * ({@link ProblemHandler}) and for a line of a bulk upload, so the same mistake reads the same.
 *
 * @param field the field at fault, or {@code null} when the fault is not in one field (malformed JSON)
 */
public record JsonFault(String field, String detail) {

    public static JsonFault of(JacksonException json) {
        String path = json.getPath().isEmpty() ? null : json.getPath().stream()
                .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (json instanceof InputCoercionException && path != null) {
            // a well-formed number too large for the field, e.g. k = 99999999999
            return new JsonFault(path, "'" + path + "' is out of range for its type");
        }
        if (json instanceof StreamReadException) {
            return new JsonFault(null, "malformed JSON: " + json.getOriginalMessage());
        }
        if (path != null) {
            return new JsonFault(path, json instanceof UnrecognizedPropertyException unknown
                    ? "unknown field '" + path + "'; known fields: " + unknown.getKnownPropertyIds().stream()
                            .map(String::valueOf).sorted().collect(Collectors.joining(", "))
                    : "'" + path + "' has the wrong type or form");
        }
        return new JsonFault(null, "the request body does not have the expected form: " + json.getOriginalMessage());
    }
}
