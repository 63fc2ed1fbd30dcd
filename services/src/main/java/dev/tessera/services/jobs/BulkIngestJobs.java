package dev.tessera.services.jobs;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.retrieval.embed.EmbeddingQueueFullException;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.documents.NewDocument;
import dev.tessera.services.web.JsonFault;
import dev.tessera.services.web.PayloadTooLargeException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.collection.CollectionSettings;
import org.springframework.beans.factory.annotation.Autowired;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bulk NDJSON ingest. The upload is spooled to disk first (so the client gets its 202 as soon as
 * the bytes are in), then one worker ingests it in batches, each batch one embedding pass and one
 * durable commit. Jobs run one at a time: embedding already uses every core.
 *
 * <p>A job's state is kept on disk beside its spool ({@link JobStore}) and saved after each commit,
 * before the new counts are shown, so {@code done} never claims a document that a crash could lose.
 * A job found {@code running} or {@code queued} at start-up was cut off by a crash: it is reported
 * {@code interrupted}, keeps its spool, and {@link #resume} continues it after its last commit.
 */
@Component
public class BulkIngestJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BulkIngestJobs.class);
    private static final int BATCH = 32;
    private static final int KEEP_JOBS = 200;
    private static final int KEEP_ERRORS = 100;

    private final Function<String, DocumentIngestor> ingestors;
    private final ObjectMapper json;
    private final JobStore store;
    private final Path spoolDir;
    private final long maxBytes;
    private volatile boolean closing;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("bulk-ingest").factory());
    private final Map<String, IngestJob> jobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, IngestJob> eldest) {
            boolean evict = size() > KEEP_JOBS && !eldest.getValue().running();
            if (evict) {
                store.delete(eldest.getKey()); // forgotten here, so gone from disk too
            }
            return evict;
        }
    });

    @Autowired
    public BulkIngestJobs(CollectionRegistry collections, ObjectMapper json, TesseraProperties properties) {
        this(name -> collections.get(name).ingestor(), json, properties);
    }

    /** Jobs that all write with one ingestor, whatever their collection (tests). */
    public BulkIngestJobs(DocumentIngestor ingestor, ObjectMapper json, TesseraProperties properties) {
        this(name -> ingestor, json, properties);
    }

    private BulkIngestJobs(Function<String, DocumentIngestor> ingestors, ObjectMapper json,
                           TesseraProperties properties) {
        this.ingestors = ingestors;
        this.json = json;
        this.spoolDir = properties.dataDir().resolve("jobs");
        this.store = new JobStore(spoolDir);
        this.maxBytes = properties.limits().maxBulkSize().toBytes();
        recover();
    }

    /** Loads the jobs of earlier runs; those that were under way did not finish and say so. */
    private void recover() {
        for (JobStore.Saved saved : store.loadAll()) {
            IngestJob job = IngestJob.restored(saved, KEEP_ERRORS);
            if (job.running()) {
                job.finish(IngestJob.INTERRUPTED, interruption(job, "the service stopped (crash or kill) during this job"),
                        store::save);
                log.warn("bulk job {} was cut off by a stop of the service: {}", job.id(), job.status().message());
            }
            jobs.put(job.id(), job);
        }
    }

    private String interruption(IngestJob job, String what) {
        JobStatus s = job.status();
        String progress = what + "; " + s.done() + " of " + s.total() + " documents were ingested"
                + (s.failed() > 0 ? " and " + s.failed() + " failed" : "");
        return Files.isRegularFile(store.spool(job.id()))
                ? progress + "; POST /v1/jobs/" + job.id() + "/resume continues after line " + job.linesAccounted()
                : progress + "; its spooled upload is gone, so it cannot be resumed";
    }

    public JobStatus submit(InputStream body) throws IOException {
        return submit(CollectionSettings.DEFAULT, body);
    }

    /** Spools an upload for a collection (which must exist) and queues its job. */
    public JobStatus submit(String collection, InputStream body) throws IOException {
        Files.createDirectories(spoolDir);
        String id = UUID.randomUUID().toString();
        Path spool = store.spool(id);
        long lines = spoolTo(body, spool);
        if (lines == 0) {
            Files.deleteIfExists(spool);
            throw new InvalidRequestException("body", "the bulk body has no documents (one JSON object per line)");
        }
        IngestJob job = IngestJob.queued(id, collection, lines, KEEP_ERRORS);
        store.save(job.saved());
        jobs.put(id, job);
        worker.submit(() -> run(job));
        return job.status();
    }

    /**
     * Continues an interrupted job after its last committed batch.
     *
     * @throws JobConflictException when the job is not interrupted, or its spool is gone
     */
    public Optional<JobStatus> resume(String id) {
        IngestJob job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(store.spool(id))) {
            throw new JobConflictException("job " + id + " cannot be resumed: its spooled upload is gone");
        }
        if (!job.requeueIfInterrupted(store::save)) {
            throw new JobConflictException("job " + id + " is " + job.state() + "; only an interrupted job can be resumed");
        }
        worker.submit(() -> run(job));
        return Optional.of(job.status());
    }

    public List<JobStatus> all() {
        synchronized (jobs) {
            return jobs.values().stream().map(IngestJob::status).toList();
        }
    }

    public Optional<JobStatus> get(String id) {
        IngestJob job = jobs.get(id);
        return job == null ? Optional.empty() : Optional.of(job.status());
    }

    /** Copies the body to disk within the size limit and counts its non-blank lines. */
    private long spoolTo(InputStream body, Path spool) throws IOException {
        long bytes = 0;
        long lines = 0;
        boolean lineHasContent = false;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(spool)) {
            for (int n; (n = body.read(buf)) > 0; ) {
                bytes += n;
                if (bytes > maxBytes) {
                    throw new PayloadTooLargeException(maxBytes);
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines += lineHasContent ? 1 : 0;
                        lineHasContent = false;
                    } else if (!Character.isWhitespace(buf[i])) {
                        lineHasContent = true;
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
        return lines + (lineHasContent ? 1 : 0);
    }

    /** Thrown between batches when the service shuts down, so the job ends interrupted rather than failed. */
    private static final class Stopping extends RuntimeException {
        Stopping() {
            super(null, null, false, false);
        }
    }

    private void run(IngestJob job) {
        if (closing) {
            return; // left queued on disk: the next start reports it interrupted
        }
        Path spool = store.spool(job.id());
        try {
            DocumentIngestor ingestor = ingestors.apply(job.collection());
            job.start(store::save);
            long skip = job.linesAccounted(); // > 0 when resuming
            try (InputStream in = new BufferedInputStream(Files.newInputStream(spool))) {
                List<Document> batch = new ArrayList<>(BATCH);
                List<Long> batchLines = new ArrayList<>(BATCH);
                List<JobStatus.JobError> lineErrors = new ArrayList<>();
                long lineNo = 0;
                for (byte[] raw; (raw = nextLine(in)) != null; ) {
                    lineNo++;
                    if (lineNo <= skip) {
                        continue;
                    }
                    String line;
                    try {
                        line = utf8(raw);
                    } catch (CharacterCodingException e) {
                        lineErrors.add(new JobStatus.JobError(lineNo, "line", "the line is not valid UTF-8"));
                        continue;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        batch.add(ingestor.validateFor(parse(line)));
                        batchLines.add(lineNo);
                    } catch (InvalidRequestException e) {
                        lineErrors.add(new JobStatus.JobError(lineNo, e.field(), e.getMessage()));
                    }
                    if (batch.size() == BATCH) {
                        if (closing) {
                            throw new Stopping();
                        }
                        flush(ingestor, job, batch, batchLines, lineErrors, lineNo);
                    }
                }
                flush(ingestor, job, batch, batchLines, lineErrors, lineNo);
            }
            job.complete(store::save);
            store.deleteSpool(job.id());
        } catch (Stopping e) {
            job.finish(IngestJob.INTERRUPTED, interruption(job, "the service was shut down during this job"), store::save);
        } catch (IOException | RuntimeException e) {
            if (closing) { // the shutdown interrupted a batch: it was not committed, so resuming redoes it
                job.finish(IngestJob.INTERRUPTED, interruption(job, "the service was shut down during this job"),
                        store::save);
                return;
            }
            log.error("bulk job {} failed", job.id(), e);
            try {
                job.finish(IngestJob.FAILED, e.getMessage(), store::save);
            } finally {
                store.deleteSpool(job.id());
            }
        }
    }

    /** The next {@code \n}-terminated line without its terminator, or null at the end. */
    private static byte[] nextLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return b < 0 && line.size() == 0 ? null : line.toByteArray();
    }

    /**
     * Decodes one line strictly, so that a line of broken UTF-8 fails alone instead of failing the
     * job (a reader over the whole file would stop at the first bad byte).
     */
    private static String utf8(byte[] line) throws CharacterCodingException {
        int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line, 0, length)).toString();
    }

    /**
     * A line is read as the body of {@code POST /v1/documents} is, by the same strict mapper, so a
     * misspelt or mistyped field fails its line with the single route's words; only BEIR's {@code _id}
     * is taken in place of {@code id}.
     */
    private Document parse(String line) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JacksonException e) {
            throw new InvalidRequestException("line", "not a JSON object: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode document)) {
            throw new InvalidRequestException("line", "not a JSON object");
        }
        if (document.has("_id") && !document.has("id")) {
            document.set("id", document.remove("_id"));
        }
        try {
            return json.treeToValue(document, NewDocument.class).toDocument();
        } catch (JacksonException e) {
            JsonFault fault = JsonFault.of(e);
            throw new InvalidRequestException(fault.field() == null ? "line" : fault.field(), fault.detail());
        }
    }

    /**
     * One embedding pass and one commit for the batch (a batch with an invalid document is retried document
     * by document), then a checkpoint: the documents count as done only once their commit has returned.
     * Documents the index refused ({@link IndexWriteException}) fail on their lines and the job goes on: the
     * rest of their write is durable. An index that cannot answer at all fails the job.
     */
    private void flush(DocumentIngestor ingestor, IngestJob job, List<Document> batch, List<Long> lines, List<JobStatus.JobError> errors,
            long lineNo) {
        int done = 0;
        try {
            if (!batch.isEmpty()) {
                try {
                    whenQueued(() -> ingestor.ingestAll(batch));
                    done = batch.size();
                } catch (IndexWriteException e) {
                    done = batch.size() - notStored(e, batch, lines, errors);
                    log.warn("bulk job {}: the index did not store {} document(s) of a batch", job.id(),
                            batch.size() - done);
                } catch (InvalidRequestException e) {
                    for (int i = 0; i < batch.size(); i++) {
                        try {
                            Document one = batch.get(i);
                            whenQueued(() -> ingestor.ingest(one));
                            done++;
                        } catch (InvalidRequestException one) {
                            errors.add(new JobStatus.JobError(lines.get(i), one.field(), one.getMessage()));
                        } catch (IndexWriteException one) {
                            done += 1 - notStored(one, batch.subList(i, i + 1), lines.subList(i, i + 1), errors);
                        }
                    }
                }
            }
            errors.sort(java.util.Comparator.comparingLong(JobStatus.JobError::line));
            job.checkpoint(done, errors, lineNo, store::save);
        } finally {
            batch.clear();
            lines.clear();
            errors.clear();
        }
    }

    /**
     * Runs a write, waiting for room whenever the embedding queue is full: a job is not a client that
     * can be told to come back, so it yields to interactive requests instead of failing.
     */
    private void whenQueued(Runnable write) {
        while (true) {
            try {
                write.run();
                return;
            } catch (EmbeddingQueueFullException e) {
                if (closing) {
                    throw new Stopping();
                }
                try {
                    Thread.sleep(Math.min(1_000 * e.retryAfterSeconds(), 5_000));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new Stopping();
                }
            }
        }
    }

    /**
     * Adds an {@code index} error on the line of each document of the batch that the write did not store,
     * and returns how many there were. Every line of a failed id fails: with an id twice in a batch, which
     * version the index lost is unknown, and {@code done} must not claim either.
     */
    private static int notStored(IndexWriteException e, List<Document> batch, List<Long> lines,
            List<JobStatus.JobError> errors) {
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            String reason = e.failed().get(batch.get(i).id());
            if (reason != null) {
                errors.add(new JobStatus.JobError(lines.get(i), "index", reason));
                failed++;
            }
        }
        return failed;
    }

    /** Lets the batch under way commit (it is one embedding pass) before the index closes. */
    @Override
    public void close() {
        closing = true;
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** 409: the job exists but is not in a state the request can apply to. */
    public static class JobConflictException extends RuntimeException {
        JobConflictException(String message) {
            super(message);
        }
    }
}
