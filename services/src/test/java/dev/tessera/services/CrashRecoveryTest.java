package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write acknowledged with 201 survives SIGKILL of the service, in every collection: a real JVM
 * process is started, killed right after the acknowledgements, and started again on the same data
 * directory.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedDocumentsOfEveryCollectionSurviveSigkill() throws Exception {
        for (String engine : List.of("lucene", "hnswlib")) {
            Path dir = dataDir.resolve(engine);
            int port = ServiceProcess.freePort();
            try (ServiceProcess first = ServiceProcess.start(dir, port, "--tessera.vector-engine=" + engine)) {
                // A second collection, of client vectors, gets a write of its own (same id, other text).
                assertThat(first.postJson("/v1/collections",
                        "{\"name\":\"points\",\"vectors\":{\"dimension\":3,\"similarity\":\"euclidean\"}}")
                        .statusCode()).isEqualTo(201);
                assertThat(first.postJson("/v1/collections/points/documents",
                        "{\"id\":\"acked\",\"text\":\"a point\",\"embedding\":[1,2,3],\"metadata\":{\"n\":7}}")
                        .statusCode()).isEqualTo(201);
                HttpResponse<String> created = first.postJson("/v1/documents",
                        "{\"id\":\"acked\",\"title\":\"Crash\",\"text\":\"Written just before the kill signal arrives.\"}");
                assertThat(created.statusCode()).isEqualTo(201);
                first.kill9();
            }
            try (ServiceProcess second = ServiceProcess.start(dir, port, "--tessera.vector-engine=" + engine)) {
                HttpResponse<String> got = second.get("/v1/documents/acked");
                assertThat(got.statusCode()).as(engine).isEqualTo(200);
                assertThat(got.body()).contains("Written just before the kill signal");
                HttpResponse<String> found = second.postJson("/v1/search",
                        "{\"query\":\"written before the kill signal\",\"mode\":\"vector\",\"k\":1}");
                assertThat(found.body()).as(engine).contains("\"doc_id\":\"acked\"");
                HttpResponse<String> point = second.get("/v1/collections/points/documents/acked");
                assertThat(point.statusCode()).as(engine).isEqualTo(200);
                assertThat(point.body()).contains("a point").contains("\"n\":7");
                HttpResponse<String> near = second.postJson("/v1/collections/points/search",
                        "{\"vector\":[1,2,3],\"k\":1,\"filter\":{\"n\":{\"gte\":7}}}");
                assertThat(near.body()).as(engine).contains("\"doc_id\":\"acked\"").contains("\"score\":1.0");
            }
        }
    }
}
