package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import io.swagger.v3.oas.annotations.Hidden;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v3/api-docs} describes every endpoint the application really maps — enumerated from
 * Spring MVC, so a new controller method is covered without touching this test — with its
 * snake_case request and response schemas and its problem+json errors.
 */
class OpenApiTest {

    static TesseraServer server;
    static JsonNode doc;

    @BeforeAll
    static void fetch() {
        server = TesseraServer.shared();
        Reply r = server.get("/v3/api-docs");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        doc = r.json();
    }

    /** Every (path, method, handler) Tessera itself maps, except what is deliberately {@link Hidden}. */
    static List<Endpoint> endpoints() {
        RequestMappingHandlerMapping mapping = server.context().getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        List<Endpoint> out = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            Class<?> controller = e.getValue().getBeanType();
            if (!controller.getPackageName().startsWith("dev.tessera") || controller.isAnnotationPresent(Hidden.class)) {
                continue; // springdoc's and Spring Boot's own, and the servlet error page
            }
            Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
            for (String path : e.getKey().getPatternValues()) {
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    out.add(new Endpoint(path, m.name().toLowerCase(Locale.ROOT), e.getValue()));
                }
            }
        }
        return out;
    }

    record Endpoint(String path, String method, HandlerMethod handler) {
        JsonNode operation() {
            return doc.path("paths").path(path).path(method);
        }

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    @Test
    void everyMappedEndpointIsDocumented() {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).extracting(Endpoint::toString).contains("POST /v1/documents", "GET /v1/documents/{id}",
                "DELETE /v1/documents/{id}", "POST /v1/documents/bulk", "POST /v1/search", "POST /v1/rag/context",
                "POST /v1/embeddings", "POST /v1/tokenize/image", "POST /v1/detokenize/image", "GET /v1/models",
                "GET /v1/jobs", "GET /v1/jobs/{id}");
        for (Endpoint e : endpoints) {
            assertThat(e.operation().isObject()).as("%s is in /v3/api-docs", e).isTrue();
        }
    }

    @Test
    void everyEndpointDeclaresProblemJsonErrors() {
        for (Endpoint e : endpoints()) {
            JsonNode responses = e.operation().path("responses");
            List<String> problems = new ArrayList<>();
            for (String code : responses.propertyNames()) {
                if (code.matches("[45]\\d\\d")) {
                    assertThat(responses.path(code).path("content").has("application/problem+json"))
                            .as("%s %s is problem+json", e, code).isTrue();
                    assertThat(responses.path(code).path("content").path("application/problem+json").path("schema")
                            .path("$ref").asString()).isEqualTo("#/components/schemas/Problem");
                    problems.add(code);
                }
            }
            assertThat(problems).as("%s declares error responses", e).contains("500");
            if (e.operation().has("requestBody")) {
                assertThat(problems).as("%s takes a body", e).contains("400", "413", "415");
            }
            if (e.path().contains("{")) {
                assertThat(problems).as("%s takes an id", e).contains("404");
            }
        }
        JsonNode problem = doc.path("components").path("schemas").path("Problem").path("properties");
        assertThat(problem.propertyNames()).contains("type", "title", "status", "detail", "instance", "field");
        assertThat(doc.at("/paths/~1v1~1documents/post/responses").propertyNames()).as("writes may need a key")
                .contains("401", "403");
        assertThat(doc.at("/components/securitySchemes/apiKey/scheme").asString()).isEqualTo("bearer");
        JsonNode image = doc.path("paths").path("/v1/tokenize/image").path("post").path("responses");
        assertThat(image.propertyNames()).contains("404", "413", "415", "422", "503");
    }

    @Test
    void successResponsesCarryTheStatusTheEndpointAnswers() {
        assertThat(doc.at("/paths/~1v1~1documents/post/responses").has("201")).isTrue();
        assertThat(doc.at("/paths/~1v1~1documents~1{id}/delete/responses").has("204")).isTrue();
        assertThat(doc.at("/paths/~1v1~1documents~1bulk/post/responses").has("202")).isTrue();
        assertThat(doc.at("/paths/~1v1~1documents~1bulk/post/requestBody/content").has("application/x-ndjson")).isTrue();
        assertThat(doc.at("/paths/~1v1~1documents/post/requestBody/content").propertyNames())
                .contains("application/json", "multipart/form-data");
        assertThat(doc.at("/paths/~1v1~1detokenize~1image/post/responses/200/content").propertyNames())
                .contains("image/png", "application/json");
    }

    /**
     * Each JSON body and response is described by a schema whose properties are the record's
     * components as they travel (snake_case), nested records included; no two records share a name.
     */
    @Test
    void schemasMatchTheRecordsOnTheWire() {
        Map<String, Class<?>> names = new HashMap<>();
        int checked = 0;
        for (Endpoint e : endpoints()) {
            for (MethodParameter p : e.handler().getMethodParameters()) {
                if (p.hasParameterAnnotation(RequestBody.class) && p.getParameterType().isRecord()) {
                    String ref = e.operation().at("/requestBody/content/application~1json/schema/$ref").asString();
                    checkSchema(e + " request", ref, p.getParameterType(), names);
                    checked++;
                }
            }
            Class<?> returned = recordOf(e.handler().getReturnType().getGenericParameterType());
            if (returned != null) {
                JsonNode responses = e.operation().path("responses");
                String ok = responses.propertyNames().stream().filter(c -> c.startsWith("2")).findFirst().orElseThrow();
                JsonNode schema = responses.path(ok).at("/content/application~1json/schema");
                JsonNode target = schema.has("items") ? schema.path("items") : schema;
                String ref = target.path("$ref").asString();
                if (target.has("oneOf")) {   // one path answering two shapes (text or video hits): ours is among them
                    String wanted = "#/components/schemas/" + schemaName(returned);
                    List<String> refs = new java.util.ArrayList<>();
                    target.path("oneOf").forEach(o -> refs.add(o.path("$ref").asString()));
                    assertThat(refs).as("%s response", e).contains(wanted);
                    ref = wanted;
                }
                checkSchema(e + " response", ref, returned, names);
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    private static String schemaName(Class<?> record) {
        io.swagger.v3.oas.annotations.media.Schema s = record.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
        return s != null && !s.name().isEmpty() ? s.name() : record.getSimpleName();
    }

    private static void checkSchema(String what, String ref, Class<?> record, Map<String, Class<?>> names) {
        assertThat(ref).as("%s refers to a schema", what).startsWith("#/components/schemas/");
        String name = ref.substring("#/components/schemas/".length());
        Class<?> previous = names.putIfAbsent(name, record);
        assertThat(previous == null || previous == record)
                .as("schema %s describes both %s and %s", name, previous, record).isTrue();
        if (previous != null) {
            return;
        }
        JsonNode properties = doc.path("components").path("schemas").path(name).path("properties");
        Set<String> expected = new TreeSet<>();
        for (RecordComponent c : record.getRecordComponents()) {
            expected.add(snake(c.getName()));
        }
        assertThat(new TreeSet<>(properties.propertyNames())).as("%s: schema %s", what, name).isEqualTo(expected);
        for (RecordComponent c : record.getRecordComponents()) {
            Class<?> nested = recordOf(c.getGenericType());
            if (nested != null) {
                JsonNode property = properties.path(snake(c.getName()));
                String nestedRef = property.has("$ref") ? property.path("$ref").asString()
                        : property.path("items").path("$ref").asString();
                checkSchema(what + "." + c.getName(), nestedRef, nested, names);
            }
        }
    }

    /** The record a type is, or holds as a list element or response entity body; null for anything else. */
    private static Class<?> recordOf(Type type) {
        if (type instanceof Class<?> c) {
            return c.isRecord() ? c : null;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && (List.class.isAssignableFrom(raw) || raw == ResponseEntity.class)) {
            return recordOf(p.getActualTypeArguments()[0]);
        }
        return null;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    @Test
    void swaggerUiIsServed() {
        Reply redirect = server.get("/swagger-ui.html");
        assertThat(redirect.status()).isIn(200, 302);
        Reply ui = server.get("/swagger-ui/index.html");
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).contains("Swagger UI");
    }
}
