package dev.tessera.services.jobs;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.services.config.TesseraProperties;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Bulk NDJSON ingest. The upload is spooled to disk first (so the client gets its 202 as soon as
 * the bytes are in), then one worker ingests it in batches, each batch one embedding pass and one
 * durable commit. Jobs run one at a time: embedding already uses every core.
 */
@Component
public class BulkIngestJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BulkIngestJobs.class);
    private static final int BATCH = 32;
    private static final int KEEP_JOBS = 200;
    private static final int KEEP_ERRORS = 100;

    private final DocumentIngestor ingestor;
    private final ObjectMapper json;
    private final Path spoolDir;
    private final long maxBytes;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("bulk-ingest").factory());
    private final Map<String, IngestJob> jobs = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, IngestJob> eldest) {
            return size() > KEEP_JOBS && !eldest.getValue().running();
        }
    });

    public BulkIngestJobs(DocumentIngestor ingestor, ObjectMapper json, TesseraProperties properties) {
        this.ingestor = ingestor;
        this.json = json;
        this.spoolDir = properties.dataDir().resolve("jobs");
        this.maxBytes = properties.limits().maxBulkSize().toBytes();
    }

    public JobStatus submit(InputStream body) throws IOException {
        Files.createDirectories(spoolDir);
        String id = UUID.randomUUID().toString();
        Path spool = spoolDir.resolve(id + ".ndjson");
        long lines = spoolTo(body, spool);
        if (lines == 0) {
            Files.deleteIfExists(spool);
            throw new InvalidRequestException("body", "the bulk body has no documents (one JSON object per line)");
        }
        IngestJob job = new IngestJob(id, lines);
        jobs.put(id, job);
        worker.submit(() -> run(job, spool));
        return job.status();
    }

    public List<JobStatus> all() {
        synchronized (jobs) {
            return jobs.values().stream().map(IngestJob::status).toList();
        }
    }

    public java.util.Optional<JobStatus> get(String id) {
        IngestJob job = jobs.get(id);
        return job == null ? java.util.Optional.empty() : java.util.Optional.of(job.status());
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

    private void run(IngestJob job, Path spool) {
        job.start();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(spool))) {
            List<Document> batch = new ArrayList<>(BATCH);
            List<Long> batchLines = new ArrayList<>(BATCH);
            long lineNo = 0;
            for (byte[] raw; (raw = nextLine(in)) != null; ) {
                lineNo++;
                String line;
                try {
                    line = utf8(raw);
                } catch (CharacterCodingException e) {
                    job.fail(lineNo, "line", "the line is not valid UTF-8", KEEP_ERRORS);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    batch.add(DocumentIngestor.validate(parse(line)));
                    batchLines.add(lineNo);
                } catch (InvalidRequestException e) {
                    job.fail(lineNo, e.field(), e.getMessage(), KEEP_ERRORS);
                }
                if (batch.size() == BATCH) {
                    flush(job, batch, batchLines);
                }
            }
            flush(job, batch, batchLines);
            job.finish(null);
        } catch (IOException | RuntimeException e) {
            log.error("bulk job {} failed", job.id(), e);
            job.finish(e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                log.warn("could not remove spool file {}", spool);
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

    private Document parse(String line) {
        try {
            Map<?, ?> raw = json.readValue(line, Map.class);
            if (raw == null) { // the line "null"
                throw new InvalidRequestException("line", "not a JSON object");
            }
            Object text = raw.get("text");
            Object meta = raw.get("metadata");
            if (meta != null && !(meta instanceof Map)) {
                throw new InvalidRequestException("metadata", "metadata must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) meta;
            return new Document(str(raw.get("id"), raw.get("_id")), str(raw.get("title"), null),
                    text instanceof String s ? s : "", metadata);
        } catch (JacksonException e) {
            throw new InvalidRequestException("line", "not a JSON object: " + e.getOriginalMessage());
        }
    }

    private static String str(Object value, Object fallback) {
        Object v = value != null ? value : fallback;
        return v == null ? null : v.toString();
    }

    /** One embedding pass and one commit for the batch; a failing batch is retried document by document. */
    private void flush(IngestJob job, List<Document> batch, List<Long> lines) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            ingestor.ingestAll(batch);
            job.succeeded(batch.size());
        } catch (InvalidRequestException e) {
            for (int i = 0; i < batch.size(); i++) {
                try {
                    ingestor.ingest(batch.get(i));
                    job.succeeded(1);
                } catch (InvalidRequestException one) {
                    job.fail(lines.get(i), one.field(), one.getMessage(), KEEP_ERRORS);
                }
            }
        } finally {
            batch.clear();
            lines.clear();
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
