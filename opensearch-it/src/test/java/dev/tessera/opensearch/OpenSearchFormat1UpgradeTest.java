package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenSearch index written by the release before collections (format 1: metadata as
 * {@code key=value} keywords in {@code filters}, on the mapping that release shipped, kept here as
 * {@code format1-index.json}) opens as format 2: typed metadata filters work on its documents,
 * nothing is re-embedded, and a key whose values disagree in type stays stored but unfilterable.
 */
class OpenSearchFormat1UpgradeTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INDEX = "tessera-format1";
    private static final String MODEL = "old-model";

    static InProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start("upgrade");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFormat1IndexOpensWithTypedFiltersAndItsVectorsUntouched() throws Exception {
        writeFormat1Index();
        try (OpenSearchDocumentIndex index = OpenSearchDocumentIndex.open(TestCluster.settings(cluster, INDEX, 2, 1),
                MODEL, 3)) {
            assertThat(index.stats().format()).isEqualTo(OpenSearchDocumentIndex.FORMAT_VERSION);
            assertThat(index.count(Filter.ALL)).isEqualTo(3);
            assertThat(index.list(Filter.parse(Map.of("year", Map.of("gte", 1960))), 10, null).documents())
                    .extracting(dev.tessera.retrieval.index.StoredDocument::id).containsExactly("a", "b");
            assertThat(index.count(Filter.parse(Map.of("lang", "en")))).isEqualTo(2);
            assertThat(index.count(Filter.parse(Map.of("tags", Map.of("in", List.of("wing")))))).isEqualTo(1);
            // "mixed" held an integer in a and a string in c: typed by a (first in id order), c's value is only stored.
            assertThat(index.count(Filter.parse(Map.of("mixed", Map.of("exists", true))))).isEqualTo(1);
            assertThat(index.get("c").orElseThrow().metadata()).containsEntry("mixed", "seven");
            // The vectors are the ones stored, searched with the new filters inside the search.
            List<ChunkHit> hits = index.searchVector(new float[] {0, 1, 0}, 5, Filter.parse(Map.of("lang", "en")));
            assertThat(hits).extracting(ChunkHit::docId).containsExactly("b", "a");
            assertThat(hits.getFirst().score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(hits.getFirst().metadata()).containsEntry("year", 1962L);
            assertThat(index.vectors(List.of("b#0")).get("b#0")).containsExactly(0f, 1f, 0f);
        }
        // Opening the upgraded index again reads its mapping back from the cluster.
        try (OpenSearchDocumentIndex again = OpenSearchDocumentIndex.open(TestCluster.settings(cluster, INDEX, 2, 1),
                MODEL, 3)) {
            assertThat(again.metadataMapping().typeOf("year")).isEqualTo(dev.tessera.retrieval.document.MetadataType.INTEGER);
            assertThat(again.metadataMapping().typeOf("mixed")).isEqualTo(dev.tessera.retrieval.document.MetadataType.INTEGER);
            assertThat(again.count(Filter.parse(Map.of("year", Map.of("lt", 1960))))).isEqualTo(1);
            // Its mapping predates span vectors (and is strict): opening added the field, so a document
            // written now keeps them; the old ones have none.
            String text = "Span vectors. Stored now.";
            var doc = new dev.tessera.retrieval.document.Document("d", "", text, Map.of());
            var chunk = new dev.tessera.retrieval.chunk.Chunk(0, text, 0, text.length(), 5);
            var spans = new dev.tessera.retrieval.index.SpanVectors(3,
                    List.of(new dev.tessera.retrieval.index.SpanVectors.Span(0, 13, new float[] {0, 0, 1})));
            again.upsert(List.of(new dev.tessera.retrieval.index.IndexedDocument(doc, List.of(chunk),
                    List.of(new float[] {0, 0, 1}), List.of(spans))));
            var back = again.spanVectors(List.of("d#0", "a#0"));
            assertThat(back).containsOnlyKeys("d#0");
            assertThat(back.get("d#0").spans().getFirst().end()).isEqualTo(13);
            assertThat(back.get("d#0").spans().getFirst().vector()[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(0.01f));
        }
    }

    /** Documents as the format-1 backend wrote them: chunks, then the parent, routed by the document id. */
    private static void writeFormat1Index() throws Exception {
        String mapping;
        try (InputStream in = OpenSearchFormat1UpgradeTest.class.getResourceAsStream("format1-index.json")) {
            mapping = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{shards}}", "2")
                    .replace("{{replicas}}", "1").replace("{{format}}", "1").replace("{{model}}", MODEL)
                    .replace("{{dimension}}", "3");
        }
        assertThat(send("PUT", "/" + INDEX, mapping)).isEqualTo(200);
        StringBuilder bulk = new StringBuilder();
        document(bulk, "a", "Wings", "A wing in a propeller slipstream.", new float[] {1, 0.2f, 0},
                Map.of("year", 1960, "lang", "en", "tags", List.of("wing", "propeller"), "mixed", 7));
        document(bulk, "b", "Shock", "A shock wave ahead of a blunt body.", new float[] {0, 1, 0},
                Map.of("year", 1962, "lang", "en"));
        document(bulk, "c", "Heat", "Heat transfer in a nose cone.", new float[] {0, 0, 1},
                Map.of("year", 1958, "lang", "fr", "mixed", "seven"));
        assertThat(send("POST", "/_bulk?refresh=true", bulk.toString())).isEqualTo(200);
    }

    private static void document(StringBuilder bulk, String id, String title, String text, float[] vector,
                                 Map<String, Object> metadata) {
        List<String> filters = new java.util.ArrayList<>();
        metadata.forEach((k, v) -> (v instanceof List<?> l ? l : List.of(v)).forEach(x -> filters.add(k + "=" + x)));
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("kind", "chunk");
        chunk.put("doc_id", id);
        chunk.put("chunk_id", id + "#0");
        chunk.put("ordinal", 0);
        chunk.put("start", 0);
        chunk.put("end", text.length());
        chunk.put("tokens", 8);
        chunk.put("title", title);
        chunk.put("text", text);
        chunk.put("content", title + "\n" + text);
        chunk.put("filters", filters);
        chunk.put("vector", vector);
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("kind", "doc");
        parent.put("doc_id", id);
        parent.put("title", title);
        parent.put("doc_text", text);
        parent.put("metadata_json", JSON.writeValueAsString(metadata));
        parent.put("filters", filters);
        parent.put("chunk_count", 1);
        bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"").append(id).append("#0\",\"routing\":\"")
                .append(id).append("\"}}\n").append(JSON.writeValueAsString(chunk)).append('\n');
        bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"").append(id).append("\",\"routing\":\"")
                .append(id).append("\"}}\n").append(JSON.writeValueAsString(parent)).append('\n');
    }

    private static int send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.hosts().getFirst() + path))
                .header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        return response.statusCode();
    }
}
