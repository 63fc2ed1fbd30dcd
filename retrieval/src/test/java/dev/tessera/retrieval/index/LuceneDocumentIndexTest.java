package dev.tessera.retrieval.index;

import dev.tessera.retrieval.filter.Filter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.embed.VectorMath;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LuceneDocumentIndexTest {

    static final int DIM = 16;

    @TempDir
    Path dir;

    static float[] vector(long seed) {
        Random r = new Random(seed);
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        VectorMath.normalizeInPlace(v);
        return v;
    }

    static IndexedDocument doc(String id, String title, Map<String, Object> meta, String... chunkTexts) {
        List<Chunk> chunks = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunkTexts.length; i++) {
            int start = text.length();
            text.append(chunkTexts[i]).append(' ');
            chunks.add(new Chunk(i, chunkTexts[i], start, start + chunkTexts[i].length(), chunkTexts[i].split(" ").length));
            vectors.add(vector((id + "#" + i).hashCode()));
        }
        return new IndexedDocument(new Document(id, title, text.toString().strip(), meta), chunks, vectors);
    }

    /**
     * Enough documents that a broad filter takes hnswlib's graph path (more than
     * {@link LuceneDocumentIndex#HNSW_EXACT_LIMIT} allowed) and a narrow one its exact path; every
     * hit passes the filter and recall@10 against exact filtered search holds, also after some
     * documents were replaced (their old records are deleted in older segments).
     */
    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void filteredVectorSearchKeepsRecallAtEverySelectivity(VectorEngine engine) {
        int n = 2 * LuceneDocumentIndex.HNSW_EXACT_LIMIT + 2_000;
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            List<IndexedDocument> docs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                docs.add(doc("d" + i, "", Map.of("bucket", (long) (i * 7919 % 1000)), "chunk " + i));
                if (docs.size() == 4_000 || i == n - 1) {
                    index.upsert(docs);
                    docs.clear();
                }
            }
            for (int i = 0; i < 200; i++) { // replaced: same vectors, new segment
                docs.add(doc("d" + i, "", Map.of("bucket", (long) (i * 7919 % 1000)), "chunk " + i));
            }
            index.upsert(docs);
            for (int perMille : new int[] {600, 100, 10}) {
                Filter filter = Filter.parse(Map.of("bucket", Map.of("lt", perMille)));
                double recall = 0;
                int queries = 20;
                for (int q = 0; q < queries; q++) {
                    float[] query = vector(1_000_000 + q);
                    List<ChunkHit> hits = index.searchVector(query, 10, filter);
                    assertThat(hits).as(perMille + "‰").hasSize(10).allSatisfy(h -> assertThat(
                            ((Number) h.metadata().get("bucket")).longValue()).isLessThan(perMille));
                    List<String> exact = java.util.stream.IntStream.range(0, n)
                            .filter(i -> i * 7919 % 1000 < perMille).boxed()
                            .sorted(java.util.Comparator.comparingDouble(
                                    i -> -org.apache.lucene.util.VectorUtil.dotProduct(query, vector(("d" + i + "#0").hashCode()))))
                            .limit(10).map(i -> "d" + i).toList();
                    recall += hits.stream().filter(h -> exact.contains(h.docId())).count() / 10.0;
                }
                assertThat(recall / queries).as(engine + " " + perMille + "‰").isGreaterThanOrEqualTo(0.9);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void storesReplacesAndDeletesDocuments(VectorEngine engine) {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            index.upsert(List.of(doc("d1", "Wings", Map.of("lang", "en"), "wing in a slipstream", "lift increase")));
            StoredDocument d1 = index.get("d1").orElseThrow();
            assertThat(d1.title()).isEqualTo("Wings");
            assertThat(d1.metadata()).containsEntry("lang", "en");
            assertThat(d1.chunks()).extracting(Chunk::text).containsExactly("wing in a slipstream", "lift increase");

            index.upsert(List.of(doc("d1", "Wings v2", Map.of(), "only one chunk now")));
            assertThat(index.get("d1").orElseThrow().chunks()).hasSize(1);
            assertThat(index.searchText("slipstream", 10, Filter.ALL)).isEmpty();
            assertThat(index.stats().chunks()).isEqualTo(1);
            assertThat(index.stats().vectors()).isEqualTo(1);

            assertThat(index.delete("d1")).isTrue();
            assertThat(index.delete("d1")).isFalse();
            assertThat(index.get("d1")).isEmpty();
            assertThat(index.searchVector(vector(1), 5, Filter.ALL)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void findsByBm25AndByVectorWithFilters(VectorEngine engine) {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            List<IndexedDocument> docs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                docs.add(doc("d" + i, "doc " + i, Map.of("parity", i % 2 == 0 ? "even" : "odd", "n", i),
                        "common words about flow number" + i, "second chunk of " + i));
            }
            index.upsert(docs);
            List<ChunkHit> text = index.searchText("number17", 5, Filter.ALL);
            assertThat(text).first().extracting(ChunkHit::docId).isEqualTo("d17");

            float[] target = vector("d23#1".hashCode());
            List<ChunkHit> knn = index.searchVector(target, 3, Filter.ALL);
            assertThat(knn.getFirst().chunkId()).isEqualTo("d23#1");
            assertThat(knn.getFirst().score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(knn.getFirst().text()).isEqualTo("second chunk of 23");

            Filter even = Filter.parse(Map.of("parity", "even"));
            assertThat(index.searchVector(target, 10, even)).isNotEmpty()
                    .allSatisfy(h -> assertThat(Integer.parseInt(h.docId().substring(1)) % 2).isZero());
            assertThat(index.searchText("common", 100, even)).hasSize(25);
            assertThat(index.searchText("common", 100, Filter.parse(Map.of("n", List.of(3, 4))))).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void acknowledgedWritesSurviveAProcessThatNeverClosedTheIndex(VectorEngine engine) throws Exception {
        LuceneDocumentIndex crashed = LuceneDocumentIndex.open(dir, "test-model", DIM, engine);
        crashed.upsert(List.of(doc("kept", "t", Map.of(), "durable text")));
        // Simulate a crash: never close; release only the write lock, as the OS would for a killed process.
        java.lang.reflect.Field writerField = LuceneDocumentIndex.class.getDeclaredField("writer");
        writerField.setAccessible(true);
        ((org.apache.lucene.index.IndexWriter) writerField.get(crashed)).rollback();

        try (LuceneDocumentIndex reopened = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            assertThat(reopened.get("kept")).isPresent();
            assertThat(reopened.searchVector(vector("kept#0".hashCode()), 1, Filter.ALL))
                    .extracting(ChunkHit::docId).containsExactly("kept");
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void cleanRestartKeepsEverything(VectorEngine engine) {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            index.upsert(List.of(doc("a", "t", Map.of(), "alpha"), doc("b", "t", Map.of(), "beta")));
        }
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            assertThat(index.stats().documents()).isEqualTo(2);
            assertThat(index.searchVector(vector("b#0".hashCode()), 1, Filter.ALL))
                    .extracting(ChunkHit::docId).containsExactly("b");
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void refusesToMixEmbeddingModels(VectorEngine engine) {
        LuceneDocumentIndex.open(dir, "model-a", DIM, engine).close();
        assertThatThrownBy(() -> LuceneDocumentIndex.open(dir, "model-b", DIM, engine))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model-a");
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void highlightsQueryTermsInHits(VectorEngine engine) {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            index.upsert(List.of(doc("h", "t", Map.of(), "the boundary layers separate at high speeds")));
            List<ChunkHit> hits = index.highlight("boundary layer", index.searchText("boundary layer", 1, Filter.ALL));
            assertThat(hits.getFirst().highlights()).singleElement().asString()
                    .contains("<em>boundary</em>", "<em>layers</em>");
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void statsCountTheIndexFilesButNotModelsOrSpoolsBesideThem(VectorEngine engine) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("models/big"));
        java.nio.file.Files.write(dir.resolve("models/big/model.safetensors"), new byte[4 << 20]);
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            index.upsert(List.of(doc("a", "t", Map.of(), "alpha", "beta"), doc("b", "t", Map.of(), "gamma")));
            IndexStats stats = index.stats();
            assertThat(stats.documents()).isEqualTo(2);
            assertThat(stats.chunks()).isEqualTo(3);
            assertThat(stats.vectors()).isEqualTo(3);
            assertThat(stats.segments()).isPositive();
            assertThat(stats.sizeOnDiskBytes()).isPositive().isLessThan(4 << 20);
            assertThat(stats.format()).isEqualTo(LuceneDocumentIndex.FORMAT_VERSION);
            assertThat(stats.luceneVersion()).startsWith("10.");
            assertThat(stats.vectorParameters()).containsEntry("m", 16)
                    .containsKey(engine == VectorEngine.HNSWLIB ? "ef_construction" : "beam_width");
        }
    }

    @ParameterizedTest
    @EnumSource(VectorEngine.class)
    void tooManyQueryTermsOrFilterTestsAreAClientErrorNamingTheField(VectorEngine engine) {
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir, "test-model", DIM, engine)) {
            index.upsert(List.of(doc("d1", "Wings", Map.of("lang", "en"), "wing in a slipstream")));
            StringBuilder query = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                query.append("term").append(i).append(' ');
            }
            assertThatThrownBy(() -> index.searchText(query.toString(), 5, Filter.ALL))
                    .isInstanceOf(dev.tessera.retrieval.InvalidRequestException.class)
                    .satisfies(e -> assertThat(((dev.tessera.retrieval.InvalidRequestException) e).field()).isEqualTo("query"));
            Map<String, Object> keys = new java.util.HashMap<>();
            for (int i = 0; i < 2000; i++) {
                keys.put("k" + i, "v");
            }
            // The filter language caps a filter's tests at Lucene's clause limit, so the search never meets one.
            assertThatThrownBy(() -> Filter.parse(keys)).isInstanceOf(dev.tessera.retrieval.InvalidRequestException.class)
                    .satisfies(e -> assertThat(((dev.tessera.retrieval.InvalidRequestException) e).field())
                            .isEqualTo("filter"));
            assertThat(index.searchText("wing slipstream", 5, Filter.ALL)).hasSize(1);
        }
    }
}
