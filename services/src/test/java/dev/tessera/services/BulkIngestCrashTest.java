package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A bulk job killed with SIGKILL half-way: every document it had reported as done is still there
 * after a restart, the Lucene index is intact, the job says it was interrupted, and resuming it
 * ingests the rest. A real service process on a real data directory.
 */
class BulkIngestCrashTest {

    /** Enough small documents that the job runs for several seconds on two cores. */
    static final int DOCS = 1500;
    /** Kill once this many are reported done: five batches in, far from the end. */
    static final int KILL_AFTER = 160;

    @TempDir
    Path dataDir;

    static String id(int i) {
        return String.format("crash-%05d", i);
    }

    @Test
    void documentsReportedDoneSurviveSigkillMidJobAndTheJobResumesAsInterrupted() throws Exception {
        Path dir = dataDir.resolve("data");
        int port = ServiceProcess.freePort();
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            // A token unique to each document (m00042q) lets BM25 find exactly that one.
            ndjson.append("{\"id\":\"").append(id(i)).append("\",\"text\":\"Bulk crash document m")
                    .append(String.format("%05d", i)).append("q on shock waves and boundary layers.\"}\n");
        }

        String job;
        long reportedDone;
        try (ServiceProcess first = ServiceProcess.start(dir, port)) {
            HttpResponse<String> accepted = first.post("/v1/documents/bulk", "application/x-ndjson", ndjson.toString());
            assertThat(accepted.statusCode()).isEqualTo(202);
            job = TesseraServer.JSON.readTree(accepted.body()).get("id").asString();
            JsonNode status = awaitDone(first, job, KILL_AFTER);
            first.kill9();
            reportedDone = status.get("done").asLong();
            assertThat(reportedDone).as("the job must still be running at the kill, or nothing is tested")
                    .isLessThan(DOCS);
        }
        assertIndexIsClean(dir.resolve("collections").resolve("default").resolve("lucene"));

        try (ServiceProcess second = ServiceProcess.start(dir, port)) {
            JsonNode status = TesseraServer.JSON.readTree(second.get("/v1/jobs/" + job).body());
            assertThat(status.get("state").asString()).isEqualTo("interrupted");
            assertThat(status.get("done").asLong()).as("the persisted count is never behind what was reported")
                    .isGreaterThanOrEqualTo(reportedDone);
            assertThat(status.get("message").asString()).contains("/v1/jobs/" + job + "/resume");

            List<String> missing = new ArrayList<>();
            for (int i = 0; i < reportedDone; i++) {
                if (second.get("/v1/documents/" + id(i)).statusCode() != 200) {
                    missing.add(id(i));
                }
            }
            assertThat(missing).as("documents reported done before the kill").isEmpty();
            int last = (int) reportedDone - 1;
            HttpResponse<String> found = second.postJson("/v1/search",
                    "{\"query\":\"m" + String.format("%05d", last) + "q\",\"mode\":\"bm25\",\"k\":1}");
            assertThat(found.body()).contains("\"doc_id\":\"" + id(last) + "\"");

            HttpResponse<String> resumed = second.post("/v1/jobs/" + job + "/resume", "application/json", "");
            assertThat(resumed.statusCode()).isEqualTo(202);
            JsonNode end = awaitDone(second, job, Long.MAX_VALUE);
            assertThat(end.get("state").asString()).isEqualTo("done");
            assertThat(end.get("done").asLong()).isEqualTo(DOCS);
            assertThat(second.get("/v1/documents/" + id(DOCS - 1)).statusCode()).isEqualTo(200);
            second.stop();
        }
        assertIndexIsClean(dir.resolve("collections").resolve("default").resolve("lucene"));
    }

    /** Polls the job until it reports at least {@code done} documents, or ends (done = MAX_VALUE: until it ends). */
    private static JsonNode awaitDone(ServiceProcess service, String job, long done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            JsonNode status = TesseraServer.JSON.readTree(service.get("/v1/jobs/" + job).body());
            if (status.get("done").asLong() >= done || !status.get("state").asString().matches("queued|running")) {
                return status;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + job + " did not reach " + done + " documents in 5 minutes");
    }

    /** Lucene's own full check of the last commit: checksums, postings, stored fields, vectors. */
    private static void assertIndexIsClean(Path luceneDir) throws Exception {
        try (Directory directory = FSDirectory.open(luceneDir); CheckIndex check = new CheckIndex(directory)) {
            java.io.ByteArrayOutputStream report = new java.io.ByteArrayOutputStream();
            check.setInfoStream(new java.io.PrintStream(report, true, java.nio.charset.StandardCharsets.UTF_8));
            CheckIndex.Status status = check.checkIndex();
            assertThat(status.clean).as("CheckIndex of " + luceneDir + ":\n" + report).isTrue();
        }
    }
}
