package dev.tessera.services.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.TextTokenizer;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexStats;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.IndexWriteException;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.StoredDocument;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.services.config.TesseraProperties;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bulk job over an index that stores only part of a write, as a distributed index may: the refused
 * documents fail on their own lines and the job carries on. No Spring context and no model: a real
 * Lucene index behind a one-chunk chunker and a hashing embedder.
 */
class BulkIngestIndexFailureTest {

    private static final int DIMENSION = 8;

    @TempDir
    Path dataDir;

    private LuceneDocumentIndex lucene;
    private RefusingIndex index;
    private BulkIngestJobs jobs;

    @BeforeEach
    void open() {
        lucene = LuceneDocumentIndex.open(dataDir.resolve("index"), "hashed", DIMENSION, VectorEngine.LUCENE);
        index = new RefusingIndex(lucene, Set.of("refuse-10", "refuse-30", "refuse-42"));
        // A document with no letters or digits has no chunk, which makes the batch fall back to one by one.
        DocumentIngestor ingestor = new DocumentIngestor(
                text -> text.chars().anyMatch(Character::isLetterOrDigit)
                        ? List.of(new Chunk(0, text, 0, text.length(), 1)) : List.of(),
                new HashingEmbedder(), index);
        var env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of("tessera.data-dir", dataDir.toString())));
        TesseraProperties props = Binder.get(env).bind("tessera", TesseraProperties.class).get();
        jobs = new BulkIngestJobs(ingestor, JsonMapper.builder().build(), props);
    }

    @AfterEach
    void close() {
        jobs.close();
        lucene.close();
    }

    private static String line(String id, String text) {
        return "{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}\n";
    }

    @Test
    void documentsTheIndexRefusedFailOnTheirLinesAndTheOthersAreDone() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int n = 1; n <= 45; n++) {
            body.append(switch (n) {
                case 7 -> line("empty-7", ""); // refused by validation, before any batch
                case 10, 30, 42 -> line("refuse-" + n, "Document " + n + " the index will refuse.");
                case 40 -> line("punct-40", "?!"); // no chunk: its batch (with refuse-42) goes one by one
                default -> line("doc-" + n, "Stored document number " + n + " about laminar flow.");
            });
        }
        // Lines 1-33 less line 7 fill the first batch of 32 (refuse-10, refuse-30 in one write);
        // lines 34-45 are the second.
        JobStatus submitted = jobs.submit(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)));
        JobStatus end = BulkJobRecoveryTest.awaitEnd(jobs, submitted.id());

        assertThat(end.state()).isEqualTo("done_with_errors");
        assertThat(end.message()).startsWith("5 of 45 documents failed");
        assertThat(end.total()).isEqualTo(45);
        assertThat(end.done()).isEqualTo(40);
        assertThat(end.failed()).isEqualTo(5);
        assertThat(end.errors()).extracting(JobStatus.JobError::line, JobStatus.JobError::field).containsExactly(
                tuple(7L, "text"),
                tuple(10L, "index"),
                tuple(30L, "index"),
                tuple(40L, "text"),
                tuple(42L, "index"));
        assertThat(end.errors()).filteredOn(e -> "index".equals(e.field()))
                .allSatisfy(e -> assertThat(e.message()).isEqualTo("refused by the test"));

        assertThat(index.writes).as("two batch writes, then refuse-42 alone on the one-by-one retry")
                .contains(List.of("refuse-42"));
        for (int n = 1; n <= 45; n++) {
            String id = switch (n) {
                case 7 -> "empty-7";
                case 10, 30, 42 -> "refuse-" + n;
                case 40 -> "punct-40";
                default -> "doc-" + n;
            };
            boolean stored = !Set.of(7, 10, 30, 40, 42).contains(n);
            assertThat(lucene.get(id).isPresent()).as(id).isEqualTo(stored);
        }
        assertThat(lucene.get("doc-33").orElseThrow().text()).contains("number 33");
        assertThat(lucene.stats().documents()).isEqualTo(40);
    }

    @Test
    void anIndexThatCannotAnswerFailsTheJobWithItsMessage() throws Exception {
        index.unavailable.set(true);
        JobStatus submitted = jobs.submit(new ByteArrayInputStream(
                (line("a", "Some text.") + line("b", "More text.")).getBytes(StandardCharsets.UTF_8)));
        JobStatus end = BulkJobRecoveryTest.awaitEnd(jobs, submitted.id());

        assertThat(end.state()).isEqualTo("failed");
        assertThat(end.message()).isEqualTo("cluster down (test)");
        assertThat(end.done()).isZero();
    }


    /**
     * Stores what a real index stores, except the chosen ids, which it reports as a distributed index
     * does: in write order, after the rest of the write is durable.
     */
    private static final class RefusingIndex implements DocumentIndex {

        private final DocumentIndex delegate;
        private final Set<String> refused;
        final AtomicBoolean unavailable = new AtomicBoolean();
        final List<List<String>> writes = Collections.synchronizedList(new ArrayList<>());

        RefusingIndex(DocumentIndex delegate, Set<String> refused) {
            this.delegate = delegate;
            this.refused = refused;
        }

        @Override
        public void upsert(List<IndexedDocument> documents) {
            if (unavailable.get()) {
                throw new IndexUnavailableException("cluster down (test)", null);
            }
            writes.add(documents.stream().map(d -> d.document().id()).toList());
            Map<String, String> failed = new LinkedHashMap<>();
            List<IndexedDocument> kept = new ArrayList<>();
            for (IndexedDocument d : documents) {
                if (refused.contains(d.document().id())) {
                    failed.put(d.document().id(), "refused by the test");
                } else {
                    kept.add(d);
                }
            }
            delegate.upsert(kept);
            if (!failed.isEmpty()) {
                throw new IndexWriteException(failed);
            }
        }

        @Override
        public boolean delete(String documentId) {
            return delegate.delete(documentId);
        }

        @Override
        public int forceMerge(int maxSegments) {
            return delegate.forceMerge(maxSegments);
        }

        @Override
        public Optional<StoredDocument> get(String documentId) {
            return delegate.get(documentId);
        }

        @Override
        public List<ChunkHit> searchText(String query, int k, Filter filter) {
            return delegate.searchText(query, k, filter);
        }

        @Override
        public List<ChunkHit> searchVector(float[] vector, int k, Filter filter) {
            return delegate.searchVector(vector, k, filter);
        }

        @Override
        public long delete(Filter filter) {
            return delegate.delete(filter);
        }

        @Override
        public long count(Filter filter) {
            return delegate.count(filter);
        }

        @Override
        public dev.tessera.retrieval.index.DocumentPage list(Filter filter, int limit, String cursor) {
            return delegate.list(filter, limit, cursor);
        }

        @Override
        public Map<String, float[]> vectors(List<String> chunkIds) {
            return delegate.vectors(chunkIds);
        }

        @Override
        public dev.tessera.retrieval.document.MetadataMapping metadataMapping() {
            return delegate.metadataMapping();
        }

        @Override
        public List<ChunkHit> highlight(String query, List<ChunkHit> hits) {
            return delegate.highlight(query, hits);
        }

        @Override
        public IndexStats stats() {
            return delegate.stats();
        }

        @Override
        public void close() {}
    }

    /** Unit vectors from the text's hash: enough for an index that only has to store them. */
    private static final class HashingEmbedder implements Embedder {

        @Override
        public String name() {
            return "hashed";
        }

        @Override
        public int dimension() {
            return DIMENSION;
        }

        @Override
        public List<float[]> embed(List<String> texts, Role role) {
            return texts.stream().map(t -> {
                float[] v = new float[DIMENSION];
                v[Math.floorMod(t.hashCode(), DIMENSION)] = 1;
                return v;
            }).toList();
        }

        @Override
        public TextTokenizer tokenizer() {
            throw new UnsupportedOperationException("the test's chunker does not tokenize");
        }

        @Override
        public int maxTokens() {
            return 512;
        }

        @Override
        public void close() {}
    }
}
