package dev.tessera.services.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AdminStatsApiTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    @Test
    void countsFollowIngestAndDeletion() {
        JsonNode before = server.get("/v1/admin/stats").json().get("index");
        server.index("admin-a", "Admin A", "Stats follow what is written. A second sentence.", Map.of());
        server.index("admin-b", "Admin B", "Another document for the dashboard.", Map.of());
        JsonNode after = server.get("/v1/admin/stats").json().get("index");
        assertThat(after.get("documents").asLong()).isEqualTo(before.get("documents").asLong() + 2);
        assertThat(after.get("chunks").asLong()).isEqualTo(before.get("chunks").asLong() + 2);
        assertThat(after.get("vectors").asLong()).isEqualTo(after.get("chunks").asLong());
        assertThat(after.get("segments").asInt()).isPositive();
        assertThat(after.get("size_on_disk_bytes").asLong()).isPositive();

        server.delete("/v1/documents/admin-b");
        assertThat(server.get("/v1/admin/stats").json().get("index").get("documents").asLong())
                .isEqualTo(before.get("documents").asLong() + 1);
    }

    @Test
    void describesEngineModelAndTokenizersAsModelsListsThem() {
        JsonNode stats = server.get("/v1/admin/stats").json();
        assertThat(Instant.parse(stats.get("generated_at").asString())).isBefore(Instant.now().plusSeconds(1));
        JsonNode index = stats.get("index");
        assertThat(index.get("vector_engine").asString()).isEqualTo("lucene");
        assertThat(index.get("vector_parameters").get("m").asInt()).isEqualTo(16);
        assertThat(index.get("format").asInt()).isEqualTo(2);
        assertThat(index.get("similarity").asString()).isEqualTo("cosine");

        JsonNode model = stats.get("embedding_model");
        assertThat(model.get("name").asString()).isEqualTo("bge-small-en-v1.5");
        assertThat(model.get("dimension").asInt()).isEqualTo(384);
        assertThat(model.get("device").asString()).isNotBlank();

        JsonNode tokenizers = stats.get("tokenizers");
        assertThat(tokenizers.get("installed").findValuesAsString("name")).contains("titok-tiny", "o200k_base", "tiny-llm");
        assertThat(tokenizers.get("unavailable").findValuesAsString("name")).contains("titok-truncated", "titok-pickled");
        assertThat(tokenizers.get("unavailable").get(0).get("problem").asString()).isNotBlank();
    }

    @Test
    void requestChartsShowPerEndpointRateAndLatencyFromTheMetricsRegistry() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.postJson("/v1/search", Map.of("query", "dashboard charts", "k", 1));
        }
        JsonNode search = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(TesseraServer.ADMIN_SAMPLE_SECONDS * 500L);
            JsonNode requests = server.get("/v1/admin/stats").json().get("requests");
            assertThat(requests.get("interval_s").asDouble()).isEqualTo(TesseraServer.ADMIN_SAMPLE_SECONDS);
            for (JsonNode e : requests.get("endpoints")) {
                assertThat(e.get("uri").asString()).as("the dashboard's own polling is left out").doesNotStartWith("/v1/admin");
                if (e.get("uri").asString().equals("/v1/search")) {
                    search = e;
                }
            }
            if (search != null && search.get("total").asInt() >= 3
                    && search.get("points").findValues("mean_ms").stream().anyMatch(v -> v.asDouble() > 0)) {
                break;
            }
        }
        assertThat(search).as("/v1/search in the request series").isNotNull();
        assertThat(search.get("total").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(search.get("points").findValues("rate_per_s").stream().mapToDouble(JsonNode::asDouble).max()
                .orElse(0)).isPositive();
    }

    @Test
    void dashboardPageIsServedAtAdmin() {
        TesseraServer.Reply page = server.get("/admin");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("id=\"stat-documents\"", "/admin/admin.js");
        assertThat(server.get("/admin/admin.js").status()).isEqualTo(200);
    }
}
