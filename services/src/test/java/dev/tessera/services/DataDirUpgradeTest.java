package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A data directory written by the release before collections (fixture made by
 * {@code scripts/make-upgrade-fixture.sh} with that release's code: index format 1 under
 * {@code <data-dir>/lucene}, untyped metadata) opens as the collection {@code default}: documents,
 * metadata now typed and filterable, and the very vectors it held, nothing re-embedded.
 */
class DataDirUpgradeTest {

    @TempDir
    Path dataDir;

    @Test
    void theOldSingleIndexOpensAsTheDefaultCollectionWithItsVectors() throws Exception {
        unzip("/fixtures/data-dir-format1.zip", dataDir);
        assertThat(dataDir.resolve("lucene")).isDirectory();
        try (TesseraServer server = TesseraServer.startBareOn(dataDir)) {
            checkUpgraded(server);
        }
        assertThat(dataDir.resolve("lucene")).doesNotExist();
        assertThat(dataDir.resolve("collections/default/lucene")).isDirectory();
        try (TesseraServer again = TesseraServer.startBareOn(dataDir)) { // format 2 on disk now
            checkUpgraded(again);
        }
    }

    private static void checkUpgraded(TesseraServer server) {
        JsonNode collection = server.get("/v1/collections/default").json();
        assertThat(collection.get("documents").asLong()).isEqualTo(4);
        assertThat(collection.get("index").get("format").asInt()).isEqualTo(2);
        assertThat(collection.get("metadata").get("year").asString()).isEqualTo("integer");
        assertThat(collection.get("metadata").get("ratio").asString()).isEqualTo("number");

        JsonNode nozzle = server.get("/v1/documents/nozzle").json();
        assertThat(nozzle.get("title").asString()).isEqualTo("Nozzles");
        assertThat(nozzle.get("metadata").get("year").isIntegralNumber()).isTrue();
        assertThat(nozzle.get("metadata").get("tags").get(1).asString()).isEqualTo("flow");

        float[] stored = vector("nozzle");
        Reply near = server.postJson("/v1/search", Map.of("vector", stored, "k", 2, "include", List.of("vector")));
        JsonNode top = near.json().get("hits").get(0);
        assertThat(top.get("doc_id").asString()).isEqualTo("nozzle");
        assertThat(top.get("score").asDouble()).isCloseTo(1.0, Offset.offset(1e-4));
        for (int i = 0; i < stored.length; i++) {
            assertThat(top.get("vector").get(i).asDouble()).isCloseTo(stored[i], Offset.offset(1e-6));
        }
        assertThat(count(server, Map.of("year", Map.of("gte", 1960)))).isEqualTo(2);
        assertThat(count(server, Map.of("ratio", Map.of("gt", 1)))).isEqualTo(2);
        assertThat(count(server, Map.of("lang", "fr"))).isEqualTo(1);
        assertThat(count(server, Map.of("tags", Map.of("exists", false)))).isEqualTo(2);
        assertThat(count(server, Map.of("draft", true))).isEqualTo(1);
        Reply bm25 = server.postJson("/v1/search", Map.of("query", "aeroelastic flutter", "mode", "bm25"));
        assertThat(bm25.json().get("hits").get(0).get("doc_id").asString()).isEqualTo("flutter");
    }

    private static long count(TesseraServer server, Map<String, Object> filter) {
        return server.postJson("/v1/documents/count", Map.of("filter", filter)).json().get("count").asLong();
    }

    /** As the fixture's generator made it (scripts/upgrade-fixture/MakeFormat1DataDir.java). */
    static float[] vector(String id) {
        Random r = new Random(id.hashCode());
        float[] v = new float[384];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static void unzip(String resource, Path target) throws Exception {
        try (InputStream in = DataDirUpgradeTest.class.getResourceAsStream(resource);
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path out = target.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
        }
    }
}
