package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Prometheus carries per-endpoint and per-model meters; readiness reports the index and the models. */
class MetricsAndHealthTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
        server.index("metrics-doc", "Metrics", "Pressure distributions over an oscillating aerofoil in a wind tunnel.",
                Map.of("kind", "metrics"));
    }

    @Test
    void readinessIsUpWithTheIndexAndDefaultModels() {
        Reply r = server.get("/actuator/health/readiness");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("status").asString()).isEqualTo("UP");
        JsonNode serving = json.get("components").get("serving");
        assertThat(serving.get("status").asString()).isEqualTo("UP");
        assertThat(serving.get("details").get("search_model").asString()).isEqualTo("bge-small-en-v1.5 loaded");
        assertThat(serving.get("details").get("image_model").asString()).isEqualTo("titok-tiny loaded");
        assertThat(serving.get("details").get("index").get("documents").asLong()).isPositive();
        assertThat(json.get("components").has("readinessState")).isTrue();
    }

    @Test
    void requestTimersAreTaggedWithTheUriTemplate() {
        assertThat(server.get("/v1/documents/metrics-doc").status()).isEqualTo(200);
        assertThat(server.get("/v1/documents/metrics-missing").status()).isEqualTo(404);
        String scrape = scrape();
        String requests = scrape.lines().filter(l -> l.startsWith("http_server_requests_seconds_count"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(count(scrape, "http_server_requests_seconds_count", Map.of("uri", "/v1/documents/{id}",
                "method", "GET", "status", "200"))).as(requests).isPositive();
        assertThat(count(scrape, "http_server_requests_seconds_count", Map.of("uri", "/v1/documents/{id}",
                "status", "404"))).as(requests).isPositive();
        // The id itself never becomes a tag value: that would be one time series per document.
        assertThat(scrape).doesNotContain("uri=\"/v1/documents/metrics-doc\"");
    }

    @Test
    void embeddingForwardPassesAreRecordedPerModel() {
        Map<String, String> minilm = Map.of("model", "all-MiniLM-L6-v2");
        double passesBefore = count(scrape(), "tessera_embedding_forward_seconds_count", minilm);
        double textsBefore = count(scrape(), "tessera_embedding_batch_size_texts_sum", minilm);
        Reply r = server.postJson("/v1/embeddings", Map.of("model", "minilm", "input", List.of("one", "two", "three")));
        assertThat(r.status()).isEqualTo(200);
        String scrape = scrape();
        assertThat(count(scrape, "tessera_embedding_forward_seconds_count", minilm)).isGreaterThan(passesBefore);
        assertThat(count(scrape, "tessera_embedding_batch_size_texts_sum", minilm)).isEqualTo(textsBefore + 3);
        assertThat(count(scrape, "tessera_embedding_batch_size_texts_count", Map.of("model", "bge-small-en-v1.5")))
                .as("documents indexed through the search model").isPositive();
    }

    @Test
    void imageTokenizerAndRagAssemblyAreTimed() throws Exception {
        Reply tokens = server.upload("/v1/tokenize/image", "image_0.png", ImageTokenizeApiTest.input("titok-tiny", 0),
                Map.of("model", "titok-tiny"));
        assertThat(tokens.status()).as(tokens.body()).isEqualTo(200);
        Reply context = server.postJson("/v1/rag/context", Map.of("query", "oscillating aerofoil pressure",
                "budget_tokens", 64, "strategy", "crag"));
        assertThat(context.status()).as(context.body()).isEqualTo(200);
        String scrape = scrape();
        assertThat(count(scrape, "tessera_image_tokenizer_forward_seconds_count",
                Map.of("model", "titok-tiny", "operation", "tokenize"))).isPositive();
        assertThat(count(scrape, "tessera_rag_assemble_seconds_count",
                Map.of("strategy", "crag", "abstractive", "false"))).isPositive();
    }

    static String scrape() {
        Reply r = server.get("/actuator/prometheus");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The sum of the samples of a metric whose labels include all of {@code labels}; 0 when there is none. */
    static double count(String scrape, String metric, Map<String, String> labels) {
        double total = 0;
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            if (!m.group(1).equals(metric)) {
                continue;
            }
            Map<String, String> found = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                found.put(l.group(1), l.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }
}
