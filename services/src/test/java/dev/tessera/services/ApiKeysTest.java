package dev.tessera.services;

import static dev.tessera.services.BadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A server started with {@code tessera.security.api-keys}: writes and admin calls need a bearer
 * key, reads and computations stay open, health stays open for probes, and keys never reach the log.
 * (The shared test server has no keys, as a local install has none.)
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysTest {

    static final String KEY_1 = "k1-secret-alpha-7f3c";
    static final String KEY_2 = "k2-secret-beta-91d0";
    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.startSeparate("--tessera.security.api-keys=" + KEY_1 + "," + KEY_2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply post(String path, Object body, String authorization) {
        String text = body instanceof String s ? s : TesseraServer.JSON.writeValueAsString(body);
        return server.send("POST", path, "application/json", HttpRequest.BodyPublishers.ofString(text),
                authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    static Reply call(String method, String path, String authorization) {
        return server.send(method, path, null, HttpRequest.BodyPublishers.noBody(),
                authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    static void assertUnauthorized(Reply r) {
        assertProblem(r, 401, "authorization");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    }

    static void assertForbidden(Reply r) {
        assertProblem(r, 403, "authorization");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer").contains("invalid_token");
    }

    @Test
    void writesNeedAValidKey() {
        Map<String, Object> doc = Map.of("id", "keyed", "text", "Boundary layer suction on a swept wing.");
        assertUnauthorized(post("/v1/documents", doc, null));
        assertUnauthorized(post("/v1/documents", doc, "Basic " + KEY_1));
        assertUnauthorized(post("/v1/documents", doc, "Bearer "));
        assertForbidden(post("/v1/documents", doc, "Bearer not-a-key"));
        assertForbidden(post("/v1/documents", doc, "Bearer " + KEY_1 + "x"));
        assertThat(call("GET", "/v1/documents/keyed", null).status()).as("refused writes stored nothing").isEqualTo(404);

        assertThat(post("/v1/documents", doc, "Bearer " + KEY_2).status()).isEqualTo(201);
        assertThat(post("/v1/documents", doc, "bearer " + KEY_1).status()).as("the scheme is case-insensitive")
                .isEqualTo(201);
        assertUnauthorized(server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"x\"}\n")));
        assertUnauthorized(call("DELETE", "/v1/documents/keyed", null));
        assertForbidden(call("DELETE", "/v1/documents/keyed", "Bearer " + KEY_1.toUpperCase()));
        assertThat(call("GET", "/v1/documents/keyed", null).status()).isEqualTo(200);
        assertThat(call("DELETE", "/v1/documents/keyed", "Bearer " + KEY_1).status()).isEqualTo(204);
    }

    @Test
    void readsAndComputationsStayOpenByDefault() {
        assertThat(post("/v1/search", Map.of("query", "swept wing"), null).status()).isEqualTo(200);
        assertThat(post("/v1/embeddings", Map.of("input", "swept wing"), null).status()).isEqualTo(200);
        assertThat(post("/v1/rag/context", Map.of("query", "swept wing", "budget_tokens", 64), null).status())
                .isEqualTo(200);
        assertThat(call("GET", "/v1/models", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/jobs", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v3/api-docs", null).status()).isEqualTo(200);
    }

    @Test
    void adminAndActuatorNeedAKeyButHealthProbesDoNot() {
        assertUnauthorized(call("GET", "/actuator/prometheus", null));
        assertForbidden(call("GET", "/actuator/metrics", "Bearer nope"));
        assertThat(call("GET", "/actuator/prometheus", "Bearer " + KEY_1).status()).isEqualTo(200);
        assertUnauthorized(call("GET", "/v1/admin/stats", null));
        assertThat(call("GET", "/admin", null).status()).isEqualTo(200); // the page only; it asks for a key
        assertUnauthorized(call("POST", "/admin", null));
        assertThat(call("GET", "/actuator/health", null).status()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    @Test
    void keysNeverReachTheLog(CapturedOutput output) {
        LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
        // Even at DEBUG, where Spring MVC logs each request, no key may be written.
        logging.setLogLevel("org.springframework.web", LogLevel.DEBUG);
        logging.setLogLevel("dev.tessera", LogLevel.DEBUG);
        String wrong = "wrong-key-0xDEADBEEF-5521";
        try {
            assertForbidden(post("/v1/documents", Map.of("text", "x"), "Bearer " + wrong));
            assertForbidden(call("DELETE", "/v1/documents/anything", "Bearer " + wrong));
            assertThat(post("/v1/documents", Map.of("id", "logged", "text", "Shock tubes."), "Bearer " + KEY_1)
                    .status()).isEqualTo(201);
            assertThat(call("GET", "/actuator/prometheus", "Bearer " + KEY_2).status()).isEqualTo(200);
        } finally {
            logging.setLogLevel("org.springframework.web", null);
            logging.setLogLevel("dev.tessera", null);
        }
        assertThat(output.getAll()).as("the refusals were logged, so the log was captured")
                .contains("refused POST /v1/documents", "unknown API key");
        assertThat(output.getAll()).doesNotContain(KEY_1, KEY_2, wrong);
    }
}
