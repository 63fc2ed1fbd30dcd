package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.services.TesseraProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service itself, with {@code tessera.index.backend=opensearch}, against the in-process
 * cluster: the REST API answers as it does on the embedded index. The service runs as a process of
 * its own with the services module's runtime classpath, so its classpath never meets the server's.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ServiceOnOpenSearchTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static InProcessCluster cluster;
    static TesseraProcess service;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(TesseraProcess.servicesTarget() != null, "the services module is not built (run the whole reactor)");
        cluster = TestCluster.start("service");
        String hosts = cluster.hosts().stream().map(URI::toString).collect(Collectors.joining(","));
        service = TesseraProcess.start("--tessera.index.backend=opensearch", "--tessera.opensearch.hosts=" + hosts,
                "--tessera.opensearch.index=tessera-http", "--tessera.opensearch.shards=2",
                "--tessera.opensearch.replicas=1");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .timeout(Duration.ofSeconds(60));
        if (body != null) {
            b.header("Content-Type", path.endsWith("/bulk") ? "application/x-ndjson" : "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static List<String> docIds(JsonNode searchResponse) {
        List<String> ids = new ArrayList<>();
        searchResponse.get("hits").forEach(h -> ids.add(h.get("doc_id").asString()));
        return ids;
    }

    @Test
    void documentsAreStoredSearchedFilteredAndDeleted() throws Exception {
        assertThat(send("POST", "/v1/documents", """
                {"id":"bl","title":"Boundary layers","text":"The boundary layer thickens along a flat plate as viscosity slows the flow.","metadata":{"topic":"flow"}}
                """).statusCode()).isEqualTo(201);
        assertThat(send("POST", "/v1/documents", """
                {"id":"heat","title":"Heat transfer","text":"Heat transfer to a reentry nose cone is dominated by radiation.","metadata":{"topic":"heat"}}
                """).statusCode()).isEqualTo(201);
        JsonNode doc = json(send("GET", "/v1/documents/bl", null));
        assertThat(doc.get("title").asString()).isEqualTo("Boundary layers");
        assertThat(doc.get("metadata").get("topic").asString()).isEqualTo("flow");

        for (String mode : List.of("bm25", "vector", "hybrid")) {
            JsonNode found = json(send("POST", "/v1/search", "{\"query\":\"boundary layer on a flat plate\",\"k\":5,\"mode\":\"" + mode + "\"}"));
            assertThat(docIds(found)).as(mode).first().isEqualTo("bl");
            JsonNode filtered = json(send("POST", "/v1/search", "{\"query\":\"boundary layer flow heat transfer\",\"mode\":\""
                    + mode + "\",\"filter\":{\"topic\":\"heat\"}}"));
            assertThat(docIds(filtered)).as(mode).isNotEmpty().containsOnly("heat");
        }
        JsonNode highlighted = json(send("POST", "/v1/search", "{\"query\":\"viscosity\",\"mode\":\"bm25\"}"));
        assertThat(highlighted.get("hits").get(0).get("highlights").get(0).asString()).contains("<em>viscosity</em>");

        assertThat(send("DELETE", "/v1/documents/bl", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/v1/documents/bl", null).statusCode()).isEqualTo(404);
        assertThat(docIds(json(send("POST", "/v1/search", "{\"query\":\"boundary layer viscosity\",\"mode\":\"bm25\"}"))))
                .doesNotContain("bl");
    }

    @Test
    void aBulkJobIngestsEveryValidLineAndReportsTheInvalidOne() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            ndjson.append(i == 40 ? "{\"id\":\"bad\",\"text\":\"\"}" : "{\"id\":\"job-" + i + "\",\"title\":\"Run " + i
                    + "\",\"text\":\"Wind tunnel run jr" + i + " on model " + (i % 5) + "\"}").append('\n');
        }
        HttpResponse<String> accepted = send("POST", "/v1/documents/bulk", ndjson.toString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = json(accepted).get("id").asString();
        JsonNode job;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        do {
            Thread.sleep(200);
            job = json(send("GET", "/v1/jobs/" + id, null));
            assertThat(Instant.now()).as("job still " + job.get("state")).isBefore(deadline);
        } while (List.of("queued", "running").contains(job.get("state").asString()));
        assertThat(job.get("state").asString()).isEqualTo("done_with_errors");
        assertThat(job.get("done").asInt()).isEqualTo(79);
        assertThat(job.get("failed").asInt()).isEqualTo(1);
        assertThat(job.get("errors").get(0).get("line").asInt()).isEqualTo(41);
        assertThat(docIds(json(send("POST", "/v1/search", "{\"query\":\"jr57\",\"mode\":\"bm25\",\"k\":3}"))))
                .first().isEqualTo("job-57");
    }

    @Test
    void ragContextAndAdminStatsComeFromTheCluster() throws Exception {
        send("POST", "/v1/documents", """
                {"id":"ablation","title":"Ablation","text":"Ablating heat shields protect a reentry body by carrying heat away in the melted layer. The char layer insulates the structure."}
                """);
        JsonNode context = json(send("POST", "/v1/rag/context",
                "{\"query\":\"how do heat shields protect a reentry body\",\"budget_tokens\":60,\"strategy\":\"crag\"}"));
        assertThat(context.get("tokens_used").asInt()).isPositive().isLessThanOrEqualTo(60);
        assertThat(context.get("context").asString()).containsIgnoringCase("heat");

        JsonNode stats = json(send("GET", "/v1/admin/stats", null)).get("index");
        assertThat(stats.get("vector_engine").asString()).isEqualTo("opensearch");
        assertThat(stats.get("documents").asLong()).isPositive();
        assertThat(stats.get("lucene_version").asString()).startsWith("10.");
    }

    @Test
    void badInputGetsAProblemAndStoresNothing() throws Exception {
        long before = json(send("GET", "/v1/admin/stats", null)).get("index").get("documents").asLong();
        HttpResponse<String> emptyQuery = send("POST", "/v1/search", "{\"query\":\"\"}");
        assertThat(emptyQuery.statusCode()).isEqualTo(400);
        assertThat(emptyQuery.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(send("POST", "/v1/documents", "{\"id\":\"x\",\"text\":5}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/documents", "{\"id\":\"x\",\"text\":\"   \"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/v1/search", "{\"query\":\"flow\",\"filter\":{\"bad key!\":\"x\"}}").statusCode())
                .isEqualTo(400);
        assertThat(send("GET", "/v1/documents/x", null).statusCode()).isEqualTo(404);
        assertThat(json(send("GET", "/v1/admin/stats", null)).get("index").get("documents").asLong()).isEqualTo(before);
    }

    @Test
    void aCollectionIsAnIndexOfItsOwnWithTypedFiltersAndClientVectors() throws Exception {
        assertThat(send("POST", "/v1/collections", """
                {"name":"papers","vectors":{"dimension":3,"similarity":"euclidean"}}
                """).statusCode()).isEqualTo(201);
        assertThat(indexExists("tessera-http-papers")).isTrue();
        for (int i = 0; i < 6; i++) {
            assertThat(send("POST", "/v1/collections/papers/documents", "{\"id\":\"p" + i + "\",\"text\":\"paper " + i
                    + "\",\"embedding\":[" + i + ",0,1],\"metadata\":{\"year\":" + (1960 + i) + ",\"tags\":[\"t" + (i % 2)
                    + "\"]}}").statusCode()).as("p" + i).isEqualTo(201);
        }
        // The same id in the default collection is another document.
        assertThat(send("POST", "/v1/documents", "{\"id\":\"p1\",\"text\":\"a default-collection document\"}")
                .statusCode()).isEqualTo(201);
        JsonNode hits = json(send("POST", "/v1/collections/papers/search", """
                {"vector":[4.2,0,1],"k":3,"filter":{"and":[{"year":{"gte":1961}},{"tags":{"nin":["t1"]}}]},"include":["metadata"]}
                """));
        assertThat(docIds(hits)).containsExactly("p4", "p2");
        assertThat(hits.get("hits").get(0).get("metadata").get("year").asLong()).isEqualTo(1964);
        assertThat(json(send("POST", "/v1/collections/papers/documents/count", "{\"filter\":{\"year\":{\"lt\":1963}}}"))
                .get("count").asLong()).isEqualTo(3);
        assertThat(send("POST", "/v1/collections/papers/search", "{\"vector\":[1,0,1],\"filter\":{\"year\":\"old\"}}")
                .statusCode()).isEqualTo(400);
        assertThat(json(send("POST", "/v1/collections/papers/documents/delete", "{\"filter\":{\"tags\":\"t0\"}}"))
                .get("deleted").asLong()).isEqualTo(3);
        assertThat(json(send("GET", "/v1/collections/papers/documents?limit=10", null)).get("documents").size()).isEqualTo(3);
        assertThat(send("GET", "/v1/documents/p1", null).statusCode()).isEqualTo(200);
        assertThat(send("DELETE", "/v1/collections/papers", null).statusCode()).isEqualTo(204);
        assertThat(indexExists("tessera-http-papers")).isFalse();
    }

    private static boolean indexExists(String name) throws Exception {
        URI uri = URI.create(cluster.hosts().getFirst() + "/" + name);
        return HTTP.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** Last: it stops the cluster. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void aClusterThatCannotAnswerGives503AndHealthDown() throws Exception {
        for (int i = 0; i < cluster.size(); i++) {
            cluster.stopNode(i);
        }
        HttpResponse<String> search = send("POST", "/v1/search", "{\"query\":\"flow\",\"mode\":\"bm25\"}");
        assertThat(search.statusCode()).isEqualTo(503);
        assertThat(search.headers().firstValue("Retry-After")).isPresent();
        assertThat(search.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(send("POST", "/v1/documents", "{\"id\":\"late\",\"text\":\"written while the cluster is down\"}")
                .statusCode()).isEqualTo(503);
        HttpResponse<String> health = send("GET", "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("DOWN");
    }
}
