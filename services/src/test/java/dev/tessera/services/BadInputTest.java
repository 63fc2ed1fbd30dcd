package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.net.http.HttpRequest;
import dev.tessera.retrieval.document.DocumentParser;
import dev.tessera.tokenizers.audio.AudioDecoder;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.video.VideoFrames;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every bad input gets a 4xx RFC 9457 problem naming the field at fault, and leaves what was
 * indexed before untouched and findable.
 */
class BadInputTest {

    static TesseraServer server;

    @BeforeAll
    static void indexSentinel() {
        server = TesseraServer.shared();
        server.index("sentinel", "Sentinel", "Transonic buffet on a swept wing at high Mach numbers.", Map.of("kind", "sentinel"));
    }

    @AfterEach
    void sentinelIsStillFound() {
        Reply get = server.get("/v1/documents/sentinel");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json().get("text").asString()).startsWith("Transonic buffet");
        Reply search = server.postJson("/v1/search", Map.of("query", "transonic buffet swept wing", "k", 5,
                "mode", "bm25", "filter", Map.of("kind", "sentinel")));
        assertThat(search.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("sentinel");
    }

    static void assertProblem(Reply r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.isProblem()).as("content type %s", r.contentType()).isTrue();
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("detail").asString()).isNotBlank();
        if (field != null) {
            assertThat(r.json().get("field").asString()).isEqualTo(field);
        }
    }

    @Test
    void malformedJsonIs400() {
        assertProblem(server.postJson("/v1/documents", "{\"text\": \"unterminated"), 400, "body");
        assertProblem(server.postJson("/v1/search", "{\"query\": }"), 400, "body");
        assertProblem(server.postJson("/v1/embeddings", "not json at all"), 400, "body");
    }

    @Test
    void wrongTypeNamesTheField() {
        assertProblem(server.postJson("/v1/search", "{\"query\": \"wing\", \"k\": \"ten\"}"), 400, "k");
        assertProblem(server.postJson("/v1/documents", "{\"text\": \"x\", \"metadata\": [1, 2]}"), 400, "metadata");
        assertProblem(server.postJson("/v1/embeddings", Map.of("input", 42)), 400, "input");
    }

    @Test
    void emptyTextIs400() {
        assertProblem(server.postJson("/v1/documents", Map.of("id", "sentinel", "text", "   ")), 400, "text");
        assertProblem(server.postJson("/v1/documents", Map.of("title", "no text")), 400, "text");
        assertProblem(server.postJson("/v1/search", Map.of("query", "")), 400, "query");
        assertProblem(server.postJson("/v1/embeddings", Map.of("input", "")), 400, "input[0]");
        assertProblem(server.postJson("/v1/embeddings", Map.of("input", java.util.List.of())), 400, "input");
    }

    @Test
    void kOutOfRangeIs400() {
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "k", 0)), 400, "k");
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "k", -3)), 400, "k");
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "k", 1001)), 400, "k");
    }

    @Test
    void unknownModeFusionOrModelIsRejected() {
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "mode", "fuzzy")), 400, "mode");
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "fusion", "magic")), 400, "fusion");
        assertProblem(server.postJson("/v1/embeddings", Map.of("input", "wing", "model", "gpt-nope")), 404, "model");
    }

    @Test
    void badFilterIs400() {
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "filter", Map.of("bad key!", "x"))), 400,
                "filter.bad key!");
        assertProblem(server.postJson("/v1/search", Map.of("query", "wing", "filter",
                Map.of("and", java.util.List.of(Map.of("year", 1), Map.of("year", Map.of("gte", java.util.List.of(1))))))),
                400, "filter.and[1].year.gte");
    }

    @Test
    void unsupportedUploadIs415() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1};
        assertProblem(server.upload("/v1/documents", "picture.png", png, Map.of("id", "sentinel")), 415, "file");
    }

    @Test
    void corruptUploadIs400() {
        assertProblem(server.upload("/v1/documents", "broken.pdf", "%PDF-1.7\n1 0 obj garbage".getBytes(),
                Map.of("id", "sentinel")), 400, "file");
        assertProblem(server.upload("/v1/documents", "binary.txt", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2},
                Map.of("id", "sentinel")), 400, "file");
        assertProblem(server.upload("/v1/documents", "empty.txt", new byte[0], Map.of("id", "sentinel")), 400, "file");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "word ".repeat((int) (TesseraServer.MAX_BODY_BYTES / 5) + 100);
        assertProblem(server.postJson("/v1/documents", Map.of("id", "sentinel", "text", big)), 413, "body");
        assertProblem(server.upload("/v1/documents", "big.txt", big.getBytes(), Map.of("id", "sentinel")), 413, null);
        // A body of undeclared length is cut off as it streams.
        Reply chunked = server.send("POST", "/v1/documents", "application/json", HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(TesseraServer.JSON.writeValueAsBytes(Map.of("id", "sentinel", "text", big)))));
        assertProblem(chunked, 413, "body");
        byte[] bulk = ("{\"id\":\"sentinel\",\"text\":\"" + "x".repeat(1000) + "\"}\n").repeat(1200).getBytes();
        assertProblem(server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofByteArray(bulk)), 413, "body");
    }

    @Test
    void emptyBulkIs400AndUnknownResourcesAre404() {
        assertProblem(server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofString("\n\n")), 400, "body");
        assertProblem(server.get("/v1/documents/does-not-exist"), 404, null);
        assertProblem(server.delete("/v1/documents/does-not-exist"), 404, null);
        assertProblem(server.get("/v1/jobs/nope"), 404, null);
    }

    /** Every route that takes an upload, with the fields it needs besides the file. */
    static final Map<String, Map<String, String>> UPLOAD_ROUTES = Map.of("/v1/documents", Map.of(),
            "/v1/tokenize/image", Map.of(), "/v1/tokenize/video", Map.of(), "/v1/tokenize/audio", Map.of(),
            "/v1/search", Map.of("backbone", "descriptor"));

    @Test
    void aMissingUploadPartIs400NamingItOnEveryRoute() {
        UPLOAD_ROUTES.forEach((route, fields) -> {
            Reply r = server.upload(route, "document", "paper.txt", "Lift in a slipstream.".getBytes(), fields);
            assertProblem(r, 400, "file");
            assertThat(r.json().get("detail").asString()).as(route)
                    .isEqualTo("the part 'file' is required; this request has: " + String.join(", ",
                            java.util.stream.Stream.concat(fields.keySet().stream(), java.util.stream.Stream.of("document"))
                                    .toList()));
        });
    }

    @Test
    void anEmptyUploadIsTheSame400OnEveryRoute() {
        UPLOAD_ROUTES.forEach((route, fields) -> {
            Reply r = server.upload(route, "empty.bin", new byte[0], fields);
            assertProblem(r, 400, "file");
            assertThat(r.json().get("detail").asString()).as(route).isEqualTo("the uploaded file is empty");
        });
        assertProblem(server.postJson("/v1/tokenize/image", Map.of("image_base64", "")), 400, "image_base64");
    }

    @Test
    void aFormFieldOfTheWrongFormIs400NamingIt() {
        Reply r = server.upload("/v1/tokenize/video", "clip.mp4", new byte[] {1}, Map.of("fps", "fast"));
        assertProblem(r, 400, "fps");
    }

    @Test
    void every415ListsTheContentTypesTheRouteAccepts() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1};
        byte[] text = "just words, no media".getBytes();
        Map<Reply, List<String>> cases = new java.util.LinkedHashMap<>();
        cases.put(server.send("POST", "/v1/search", "text/plain", HttpRequest.BodyPublishers.ofString("wing")),
                List.of("application/json", "multipart/form-data"));
        cases.put(server.upload("/v1/documents", "picture.png", png, Map.of()), DocumentParser.ACCEPTED);
        cases.put(server.upload("/v1/tokenize/image", "x.txt", text, Map.of()), ImagePreprocessor.ACCEPTED);
        cases.put(server.upload("/v1/tokenize/video", "x.txt", text, Map.of()), VideoFrames.ACCEPTED);
        cases.put(server.upload("/v1/tokenize/audio", "x.txt", text, Map.of()), AudioDecoder.ACCEPTED);
        cases.forEach((r, accepted) -> {
            assertProblem(r, 415, null);
            List<String> listed = new java.util.ArrayList<>();
            r.json().get("accepted").forEach(t -> listed.add(t.asString()));
            assertThat(listed).as(r.body()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(r.json().get("detail").asString()).endsWith("; accepted: " + String.join(", ", listed));
        });
    }

    @Test
    void wrongMethodAndContentTypeAreClientErrors() {
        assertProblem(server.send("PUT", "/v1/search", "application/json", HttpRequest.BodyPublishers.ofString("{}")),
                405, null);
        assertProblem(server.send("POST", "/v1/search", "text/plain", HttpRequest.BodyPublishers.ofString("wing")),
                415, null);
    }
}
