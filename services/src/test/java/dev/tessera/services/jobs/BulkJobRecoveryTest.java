package dev.tessera.services.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.services.TesseraServer;
import dev.tessera.services.TesseraServer.Reply;
import dev.tessera.services.config.TesseraProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What a restarted service makes of the job files a stop left behind, checked in-process: a second
 * {@link BulkIngestJobs} opens a data directory prepared as a crash leaves it. The separate-process
 * kill -9 version is {@code BulkIngestCrashTest}.
 */
class BulkJobRecoveryTest {

    static TesseraServer server;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    private BulkIngestJobs openJobs() {
        var context = server.context();
        // Bound as the application binds it: the defaults, on this test's data directory.
        var env = new org.springframework.core.env.StandardEnvironment();
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("test",
                java.util.Map.of("tessera.data-dir", dataDir.toString())));
        TesseraProperties props = org.springframework.boot.context.properties.bind.Binder.get(env)
                .bind("tessera", TesseraProperties.class).get();
        return new BulkIngestJobs(context.getBean(DocumentIngestor.class), context.getBean(ObjectMapper.class), props);
    }

    private static String line(String id) {
        return "{\"id\":\"" + id + "\",\"text\":\"Recovered bulk document " + id + " on laminar flow.\"}\n";
    }

    @Test
    void jobCutOffWhileRunningIsInterruptedAndResumesAfterItsLastCommittedLine() throws Exception {
        String id = "cut-off-job";
        JobStore store = new JobStore(dataDir.resolve("jobs"));
        StringBuilder spool = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            spool.append(line("recov-" + i));
        }
        Files.createDirectories(dataDir.resolve("jobs"));
        Files.writeString(store.spool(id), spool);
        // As a kill leaves it: running, lines 1-4 checkpointed (never really ingested here, which is how
        // the test sees that a resume does not redo them).
        store.save(new JobStore.Saved(JobStore.FORMAT, id, "running", 10, 4, 0, 4, Instant.now().toString(),
                Instant.now().toString(), null, null, List.of()));
        Files.writeString(dataDir.resolve("jobs/orphan.ndjson"), line("orphan")); // upload cut off mid-spool

        try (BulkIngestJobs jobs = openJobs()) {
            JobStatus interrupted = jobs.get(id).orElseThrow();
            assertThat(interrupted.state()).isEqualTo("interrupted");
            assertThat(interrupted.done()).isEqualTo(4);
            assertThat(interrupted.message()).contains("4 of 10", "/v1/jobs/" + id + "/resume");
            assertThat(dataDir.resolve("jobs/orphan.ndjson")).doesNotExist();
            assertThat(new String(Files.readAllBytes(dataDir.resolve("jobs/" + id + ".json"))))
                    .contains("\"format\":1", "\"state\":\"interrupted\"");

            jobs.resume(id);
            JobStatus finished = awaitEnd(jobs, id);
            assertThat(finished.state()).isEqualTo("done");
            assertThat(finished.done()).isEqualTo(10);
            DocumentIndex index = server.context().getBean(DocumentIndex.class);
            assertThat(index.get("recov-5")).isPresent();
            assertThat(index.get("recov-10")).isPresent();
            assertThat(index.get("recov-4")).as("lines before the checkpoint are not ingested again").isEmpty();
            assertThat(store.spool(id)).as("a finished job's spool is removed").doesNotExist();

            assertThatThrownBy(() -> jobs.resume(id)).isInstanceOf(BulkIngestJobs.JobConflictException.class);
        }
        try (BulkIngestJobs reopened = openJobs()) {
            assertThat(reopened.get(id).orElseThrow().state()).as("a finished job stays finished").isEqualTo("done");
        }
    }

    @Test
    void jobFileOfAnotherFormatIsLeftAloneAndNotServed() throws Exception {
        Files.createDirectories(dataDir.resolve("jobs"));
        Path future = dataDir.resolve("jobs/future.json");
        Files.writeString(future, "{\"format\":99,\"id\":\"future\",\"state\":\"running\",\"created_at\":\"x\"}");
        try (BulkIngestJobs jobs = openJobs()) {
            assertThat(jobs.get("future")).isEmpty();
        }
        assertThat(future).exists();
    }

    @Test
    void resumeAnswers404ForAnUnknownJobAnd409ForAFinishedOne() throws Exception {
        Reply accepted = server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                java.net.http.HttpRequest.BodyPublishers.ofString(line("resume-409")));
        String job = accepted.json().get("id").asString();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        JsonNode status;
        do {
            Thread.sleep(100);
            status = server.get("/v1/jobs/" + job).json();
        } while (status.get("state").asString().matches("queued|running") && Instant.now().isBefore(deadline));
        assertThat(server.postJson("/v1/jobs/" + job + "/resume", "").status()).isEqualTo(409);
        assertThat(server.postJson("/v1/jobs/no-such-job/resume", "").status()).isEqualTo(404);
    }

    /** Polls a job until it leaves queued/running, for at most a minute. */
    static JobStatus awaitEnd(BulkIngestJobs jobs, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        JobStatus s = jobs.get(id).orElseThrow();
        while (s.state().matches("queued|running") && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            s = jobs.get(id).orElseThrow();
        }
        return s;
    }
}
