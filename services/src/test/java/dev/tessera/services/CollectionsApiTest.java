package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Named collections over HTTP: their lifecycle, client vectors, typed metadata, listing, count and delete by filter. */
class CollectionsApiTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    private static Map<String, Object> vectors(int dimension, String similarity) {
        return Map.of("dimension", dimension, "similarity", similarity);
    }

    private static Map<String, Object> doc(String id, String text, float[] embedding, Map<String, Object> metadata) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id);
        d.put("text", text);
        d.put("embedding", embedding);
        d.put("metadata", metadata);
        return d;
    }

    private static void assertProblem(Reply reply, int status, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.isProblem()).as(reply.body()).isTrue();
        if (field != null) {
            assertThat(reply.json().get("field").asString()).as(reply.body()).isEqualTo(field);
        }
    }

    @Test
    void creatingIsIdempotentForTheSameSettingsAndAConflictOtherwise() {
        Reply created = server.postJson("/v1/collections", Map.of("name", "idem", "vectors", vectors(4, "dot")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/v1/collections/idem");
        assertThat(created.json().get("dimension").asInt()).isEqualTo(4);
        assertThat(created.json().get("similarity").asString()).isEqualTo("dot");
        assertThat(server.postJson("/v1/collections", Map.of("name", "idem", "vectors", vectors(4, "dot"))).status())
                .isEqualTo(200);
        assertProblem(server.postJson("/v1/collections", Map.of("name", "idem", "vectors", vectors(4, "cosine"))), 409,
                "name");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "Bad Name", "vectors", vectors(4, "dot"))), 400,
                "name");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "both", "model", "bge-small-en-v1.5",
                "vectors", vectors(4, "dot"))), 400, null);
        assertProblem(server.postJson("/v1/collections", Map.of("name", "nomodel", "model", "no-such-model")), 404,
                "model");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "badsim", "vectors", vectors(4, "manhattan"))),
                400, "vectors.similarity");
        List<String> names = new ArrayList<>();
        server.get("/v1/collections").json().get("collections").forEach(c -> names.add(c.get("name").asString()));
        assertThat(names).contains("default", "idem").doesNotContain("nomodel", "both", "badsim");

        assertThat(server.delete("/v1/collections/idem").status()).isEqualTo(204);
        assertProblem(server.get("/v1/collections/idem"), 404, "collection");
        assertProblem(server.postJson("/v1/collections/idem/search", Map.of("query", "x")), 404, "collection");
        assertProblem(server.delete("/v1/collections/default"), 400, "name");
    }

    @Test
    void clientVectorsAreStoredSearchedAndReturned() {
        assertThat(server.postJson("/v1/collections", Map.of("name", "points", "vectors", vectors(3, "cosine"))).status())
                .isIn(200, 201);
        String docs = "/v1/collections/points/documents";
        assertThat(server.postJson(docs, doc("p1", "east", new float[] {1, 0, 0}, Map.of("side", "east", "n", 1)))
                .status()).isEqualTo(201);
        assertThat(server.postJson(docs, doc("p2", "north-east", new float[] {1, 1, 0}, Map.of("side", "north", "n", 2)))
                .status()).isEqualTo(201);
        assertThat(server.postJson(docs, doc("p3", "up", new float[] {0, 0, 5}, Map.of("side", "up", "n", 3)))
                .status()).isEqualTo(201);
        // Refused: a missing or mis-sized vector here, a vector in a collection that embeds its own text.
        assertProblem(server.postJson(docs, Map.of("id", "p4", "text", "no vector")), 400, "embedding");
        assertProblem(server.postJson(docs, doc("p4", "short", new float[] {1, 0}, Map.of())), 400, "embedding");
        assertProblem(server.postJson("/v1/documents", doc("p4", "text", new float[] {1, 0, 0}, Map.of())), 400,
                "embedding");
        assertProblem(server.postJson(docs, doc("p4", "typed", new float[] {1, 0, 0}, Map.of("n", "three"))), 400,
                "metadata.n");
        assertThat(server.get(docs + "/p4").status()).isEqualTo(404);

        Reply found = server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {2, 0, 0}, "k", 3,
                "include", List.of("metadata", "vector")));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode hits = found.json().get("hits");
        assertThat(hits.get(0).get("doc_id").asString()).isEqualTo("p1");
        assertThat(hits.get(0).get("score").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(hits.get(1).get("score").asDouble()).isCloseTo(Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(hits.get(0).get("metadata").get("side").asString()).isEqualTo("east");
        assertThat(hits.get(0).get("vector").size()).isEqualTo(3);
        assertThat(hits.get(0).has("text")).isFalse();

        Reply paged = server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {2, 0, 0}, "k", 1,
                "offset", 1));
        assertThat(paged.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("p2");
        Reply min = server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {2, 0, 0}, "k", 3,
                "min_score", 0.5));
        assertThat(min.json().get("hits").size()).isEqualTo(2);
        Reply filtered = server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {2, 0, 0}, "k", 3,
                "filter", Map.of("n", Map.of("gte", 2))));
        assertThat(filtered.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("p2");
        assertProblem(server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {1, 0}, "k", 3)), 400,
                "vector");
        assertProblem(server.postJson("/v1/collections/points/search", Map.of("query", "east", "mode", "vector")), 400,
                "vector");
        assertProblem(server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {1, 0, 0},
                "offset", 10_001)), 400, "offset");
        assertProblem(server.postJson("/v1/collections/points/search", Map.of("vector", new float[] {1, 0, 0},
                "include", List.of("everything"))), 400, "include[0]");
        // BM25 needs no model.
        Reply bm25 = server.postJson("/v1/collections/points/search", Map.of("query", "north", "mode", "bm25"));
        assertThat(bm25.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("p2");
    }

    @Test
    void aQuantizedCollectionKeepsItsSettingsAndAnswersWithExactScores() {
        Reply created = server.postJson("/v1/collections", Map.of("name", "packed", "vectors", vectors(4, "cosine"),
                "quantization", "int8", "oversample", 3));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("quantization").asString()).isEqualTo("int8");
        assertThat(created.json().get("oversample").asDouble()).isEqualTo(3.0);
        // the same settings again are the same collection; other settings conflict
        assertThat(server.postJson("/v1/collections", Map.of("name", "packed", "vectors", vectors(4, "cosine"),
                "quantization", "int8", "oversample", 3)).status()).isEqualTo(200);
        assertProblem(server.postJson("/v1/collections", Map.of("name", "packed", "vectors", vectors(4, "cosine"),
                "quantization", "binary")), 409, "name");
        String docs = "/v1/collections/packed/documents";
        float[][] vs = {{1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {0.9f, 0.1f, 0, 0}};
        for (int i = 0; i < vs.length; i++) {
            assertThat(server.postJson(docs, doc("q" + i, "text " + i, vs[i], Map.of())).status()).isEqualTo(201);
        }
        Reply found = server.postJson("/v1/collections/packed/search", Map.of("vector", new float[] {1, 0, 0, 0}, "k", 3));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode hits = found.json().get("hits");
        assertThat(hits.get(0).get("doc_id").asString()).isEqualTo("q0");
        assertThat(hits.get(1).get("doc_id").asString()).isEqualTo("q3");
        // rescored on the float vectors: exact cosines, not the codes' estimates
        assertThat(hits.get(1).get("score").asDouble()).isCloseTo(0.9 / Math.sqrt(0.82), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(hits.get(2).get("score").asDouble()).isCloseTo(Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(server.get("/v1/collections/packed").json().get("quantization").asString()).isEqualTo("int8");

        assertProblem(server.postJson("/v1/collections", Map.of("name", "q2", "vectors", vectors(4, "cosine"),
                "quantization", "int2")), 400, "quantization");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "q3", "vectors", vectors(4, "cosine"),
                "quantization", "int8", "oversample", 0.5)), 400, "oversample");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "q4", "vectors", vectors(4, "cosine"),
                "oversample", 2)), 400, "oversample");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "q5", "vectors", vectors(3, "cosine"),
                "quantization", "int4")), 400, "quantization");
        assertProblem(server.postJson("/v1/collections", Map.of("name", "q6", "vectors", vectors(4, "cosine"),
                "quantization", "int8", "vector_engine", "hnswlib")), 400, "quantization");
        assertThat(server.delete("/v1/collections/packed").status()).isEqualTo(204);
    }

    @Test
    void mergingACollectionAfterALoadLeavesOneSegmentAndTheSameAnswers() {
        server.postJson("/v1/collections", Map.of("name", "merged", "vectors", vectors(4, "cosine"),
                "quantization", "int8"));
        String docs = "/v1/collections/merged/documents";
        float[][] vs = {{1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}, {0.9f, 0.1f, 0, 0}, {0, 1, 0, 0}};
        for (int i = 0; i < vs.length; i++) { // one durable write each: one segment each
            assertThat(server.postJson(docs, doc("m" + i, "text " + i, vs[i], Map.of())).status()).isEqualTo(201);
        }
        Map<String, Object> query = Map.of("vector", new float[] {1, 0, 0, 0}, "k", 5);
        String before = server.postJson("/v1/collections/merged/search", query).json().get("hits").toString();
        Reply merged = server.postJson("/v1/collections/merged/merge", Map.of());
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(merged.json().get("segments_before").asInt()).isGreaterThan(1);
        assertThat(merged.json().get("segments_after").asInt()).isEqualTo(1);
        assertThat(server.get("/v1/collections/merged").json().get("index").get("segments").asInt()).isEqualTo(1);
        String after = server.postJson("/v1/collections/merged/search", query).json().get("hits").toString();
        assertThat(after).isEqualTo(before);
        assertProblem(server.postJson("/v1/collections/merged/merge", Map.of("max_segments", 0)), 400, "max_segments");
        assertProblem(server.postJson("/v1/collections/nothing-here/merge", Map.of()), 404, null);
        assertThat(server.delete("/v1/collections/merged").status()).isEqualTo(204);
    }

    @Test
    void listingCountAndDeleteByFilter() {
        server.postJson("/v1/collections", Map.of("name", "shelf", "model", "bge-small-en-v1.5"));
        for (int i = 0; i < 7; i++) {
            Reply r = server.postJson("/v1/collections/shelf/documents", Map.of("id", "book-" + i, "text",
                    "A book about aerodynamics, volume " + i, "metadata", Map.of("volume", i, "even", i % 2 == 0)));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = server.get("/v1/collections/shelf/documents?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().get("documents").forEach(d -> listed.add(d.get("id").asString()));
            JsonNode next = page.json().get("next_cursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        assertThat(listed).containsExactly("book-0", "book-1", "book-2", "book-3", "book-4", "book-5", "book-6");
        String filter = URLEncoder.encode("{\"volume\": {\"gte\": 4}}", StandardCharsets.UTF_8);
        JsonNode filtered = server.get("/v1/collections/shelf/documents?filter=" + filter).json();
        assertThat(filtered.get("documents").size()).isEqualTo(3);
        assertThat(filtered.get("documents").get(0).get("metadata").get("volume").asInt()).isEqualTo(4);

        assertThat(server.postJson("/v1/collections/shelf/documents/count", Map.of("filter", Map.of("even", true)))
                .json().get("count").asLong()).isEqualTo(4);
        assertProblem(server.postJson("/v1/collections/shelf/documents/count", Map.of("filter",
                Map.of("volume", Map.of("between", List.of(1, 2))))), 400, "filter.volume.between");
        assertProblem(server.get("/v1/collections/shelf/documents?filter=%7Bnot-json"), 400, "filter");
        assertProblem(server.get("/v1/collections/shelf/documents?cursor=!!!"), 400, "cursor");
        assertProblem(server.postJson("/v1/collections/shelf/documents/delete", Map.of()), 400, "filter");
        assertProblem(server.postJson("/v1/collections/shelf/documents/delete", Map.of("filter", Map.of())), 400, "filter");
        assertThat(server.postJson("/v1/collections/shelf/documents/count", Map.of()).json().get("count").asLong())
                .isEqualTo(7);

        assertThat(server.postJson("/v1/collections/shelf/documents/delete", Map.of("filter", Map.of("even", false)))
                .json().get("deleted").asLong()).isEqualTo(3);
        assertThat(server.postJson("/v1/collections/shelf/documents/delete", Map.of("ids", List.of("book-0", "nope")))
                .json().get("deleted").asLong()).isEqualTo(1);
        assertThat(server.get("/v1/collections/shelf").json().get("documents").asLong()).isEqualTo(3);
        assertThat(server.postJson("/v1/collections/shelf/documents/delete", Map.of("all", true))
                .json().get("deleted").asLong()).isEqualTo(3);
        // Cleared, the collection takes a key with another type again.
        assertThat(server.postJson("/v1/collections/shelf/documents", Map.of("id", "again", "text", "x",
                "metadata", Map.of("volume", "first"))).status()).isEqualTo(201);
    }

    @Test
    void theSameIdInTwoCollectionsStaysIndependentAndBulkJobsWriteToTheirCollection() throws Exception {
        server.postJson("/v1/collections", Map.of("name", "left", "model", "bge-small-en-v1.5"));
        server.postJson("/v1/collections/left/documents", Map.of("id", "twin", "text", "Left-hand text on wing flutter."));
        server.postJson("/v1/documents", Map.of("id", "twin", "text", "Default text on shock tubes."));
        assertThat(server.get("/v1/collections/left/documents/twin").json().get("text").asString()).contains("flutter");
        assertThat(server.get("/v1/documents/twin").json().get("text").asString()).contains("shock");
        assertThat(server.get("/v1/collections/default/documents/twin").json().get("text").asString()).contains("shock");

        String ndjson = "{\"id\":\"bulk-a\",\"text\":\"bulk one on nozzles\"}\n{\"id\":\"bulk-b\",\"text\":\"bulk two\"}\n";
        Reply job = server.send("POST", "/v1/collections/left/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofString(ndjson));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        assertThat(job.json().get("collection").asString()).isEqualTo("left");
        String location = job.header("Location");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!server.get(location).json().get("state").asString().startsWith("done") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(server.get("/v1/collections/left/documents/bulk-b").status()).isEqualTo(200);
        assertThat(server.get("/v1/documents/bulk-b").status()).isEqualTo(404);
        assertThat(server.delete("/v1/collections/left/documents/twin").status()).isEqualTo(204);
        assertThat(server.get("/v1/documents/twin").status()).isEqualTo(200);
    }
}
