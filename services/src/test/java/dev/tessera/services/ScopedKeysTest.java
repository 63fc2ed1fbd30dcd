package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys with a role and a list of collections ({@code tessera.security.keys}) beside the flat list
 * (admin on everything): a request above the key's role, or on a collection outside its list, is
 * 403 problem+json; the top-level routes mean the collection {@code default}.
 */
class ScopedKeysTest {

    static final String ROOT = "root-key-0c1d";
    static final String READER_A = "reader-a-5e6f";
    static final String WRITER_A = "writer-a-8a9b";
    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.startSeparate("--tessera.security.api-keys=" + ROOT,
                "--tessera.security.protect-reads=true",
                "--tessera.security.keys[0].key=" + READER_A, "--tessera.security.keys[0].role=read",
                "--tessera.security.keys[0].collections[0]=alpha",
                "--tessera.security.keys[1].key=" + WRITER_A, "--tessera.security.keys[1].role=write",
                "--tessera.security.keys[1].collections[0]=alpha");
        for (String name : new String[] {"alpha", "beta"}) {
            assertThat(post("/v1/collections", Map.of("name", name, "vectors", Map.of("dimension", 2)), ROOT).status())
                    .isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Reply post(String path, Object body, String key) {
        return server.send("POST", path, "application/json",
                HttpRequest.BodyPublishers.ofString(TesseraServer.JSON.writeValueAsString(body)),
                Map.of("Authorization", "Bearer " + key));
    }

    static Reply call(String method, String path, String key) {
        return server.send(method, path, null, HttpRequest.BodyPublishers.noBody(), Map.of("Authorization", "Bearer " + key));
    }

    static void assertRefused(Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("field").asString()).isEqualTo("authorization");
        assertThat(r.body()).doesNotContain(READER_A, WRITER_A, ROOT);
    }

    @Test
    void aWriterKeyWritesItsCollectionOnly() {
        Map<String, Object> doc = Map.of("id", "p", "text", "a point", "embedding", new float[] {1, 0});
        assertThat(post("/v1/collections/alpha/documents", doc, WRITER_A).status()).isEqualTo(201);
        assertRefused(post("/v1/collections/beta/documents", doc, WRITER_A));
        assertRefused(post("/v1/documents", Map.of("text", "into default"), WRITER_A));
        assertRefused(post("/v1/collections", Map.of("name", "gamma", "vectors", Map.of("dimension", 2)), WRITER_A));
        assertRefused(call("DELETE", "/v1/collections/alpha", WRITER_A)); // dropping is admin
        assertThat(post("/v1/collections/alpha/documents/delete", Map.of("ids", java.util.List.of("nope")), WRITER_A)
                .status()).isEqualTo(200);
    }

    @Test
    void aReaderKeyReadsAndSearchesItsCollectionOnly() {
        Map<String, Object> search = Map.of("vector", new float[] {1, 0}, "k", 1);
        assertThat(post("/v1/collections/alpha/search", search, READER_A).status()).isEqualTo(200);
        assertThat(post("/v1/collections/alpha/documents/count", Map.of(), READER_A).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/collections/alpha", READER_A).status()).isEqualTo(200);
        assertRefused(post("/v1/collections/beta/search", search, READER_A));
        assertRefused(call("GET", "/v1/collections/beta/documents", READER_A));
        assertRefused(post("/v1/search", Map.of("query", "x"), READER_A));
        assertRefused(post("/v1/collections/alpha/documents", Map.of("text", "x", "embedding", new float[] {1, 0}),
                READER_A));
        assertRefused(call("GET", "/v1/admin/stats", READER_A));
        assertThat(call("GET", "/v1/collections/beta", ROOT).status()).isEqualTo(200);
    }
}
