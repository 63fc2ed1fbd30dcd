package dev.tessera.retrieval.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.filter.Filter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Quantised vector graphs: compact codes on disk, exact scores and near-exact recall after rescoring. */
class VectorQuantizationTest {

    private static final int DIM = 48;
    private static final int COUNT = 3_000;

    @TempDir
    Path dir;

    private static List<float[]> clustered(int count, long seed) {
        return TestVectors.clustered(count, DIM, 30, seed);
    }

    private static double dot(float[] a, float[] b) {
        return TestVectors.dot(a, b);
    }

    private LuceneDocumentIndex filled(VectorQuantization q, List<float[]> vectors) {
        LuceneDocumentIndex index = LuceneDocumentIndex.open(dir.resolve(q.name()), "client-vectors", DIM,
                VectorEngine.LUCENE, VectorSimilarity.COSINE, q, q.defaultOversample());
        List<IndexedDocument> docs = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            String text = "text " + i;
            docs.add(new IndexedDocument(new Document("d" + i, null, text, Map.of()),
                    List.of(new dev.tessera.retrieval.chunk.Chunk(0, text, 0, text.length(), 2)), List.of(vectors.get(i))));
        }
        for (int from = 0; from < docs.size(); from += 500) {
            index.upsert(docs.subList(from, Math.min(docs.size(), from + 500)));
        }
        return index;
    }

    @ParameterizedTest
    @EnumSource(VectorQuantization.class)
    void rescoredHitsCarryExactScoresAndFindAlmostEveryTrueNeighbour(VectorQuantization q) {
        List<float[]> vectors = clustered(COUNT, 1);
        List<float[]> queries = clustered(40, 2);
        try (LuceneDocumentIndex index = filled(q, vectors)) {
            double found = 0;
            for (float[] query : queries) {
                List<String> truth = IntStream.range(0, COUNT).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -dot(query, vectors.get(i))))
                        .limit(10).map(i -> "d" + i).toList();
                List<ChunkHit> hits = index.searchVector(query, 10, Filter.ALL);
                assertThat(hits).hasSize(10);
                for (ChunkHit hit : hits) {
                    double exact = dot(query, vectors.get(Integer.parseInt(hit.docId().substring(1))));
                    // rescoring puts the float32 cosine back: scores are exact, not the codes' estimate
                    assertThat((double) hit.score()).as(q + " score of " + hit.docId()).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
                }
                found += hits.stream().filter(h -> truth.contains(h.docId())).count() / 10.0;
            }
            assertThat(found / queries.size()).as(q + " recall@10").isGreaterThanOrEqualTo(0.9);
        }
    }

    private static double recall(LuceneDocumentIndex index, List<float[]> vectors, List<float[]> queries, double depth) {
        double found = 0;
        for (float[] query : queries) {
            List<String> truth = IntStream.range(0, vectors.size()).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -dot(query, vectors.get(i))))
                    .limit(10).map(i -> "d" + i).toList();
            found += index.searchVector(query, 10, Filter.ALL, depth).stream()
                    .filter(h -> truth.contains(h.docId())).count() / 10.0;
        }
        return found / queries.size();
    }

    @ParameterizedTest
    @EnumSource(value = VectorQuantization.class, names = {"NONE", "INT8"})
    void aForceMergedIndexSearchesOneGraphThatSurvivesReopeningAndDeeperSearchesFindAsMuch(VectorQuantization q) {
        List<float[]> vectors = clustered(COUNT, 5);
        List<float[]> queries = clustered(40, 6);
        List<String> before;
        try (LuceneDocumentIndex index = filled(q, vectors)) {
            assertThat(index.stats().segments()).isGreaterThan(1);
            before = index.searchVector(queries.get(0), 10, Filter.ALL).stream().map(ChunkHit::docId).toList();
            assertThat(index.forceMerge(1)).isEqualTo(1);
            double shallow = recall(index, vectors, queries, 1);
            double deep = recall(index, vectors, queries, 3);
            // three times the exploration on one graph: no fewer true neighbours (give or take one in 400)
            assertThat(deep).as(q + " recall, 3x deeper vs 1x").isGreaterThanOrEqualTo(shallow - 0.0025)
                    .isGreaterThanOrEqualTo(0.95);
            assertThatThrownBy(() -> index.searchVector(queries.get(0), 10, Filter.ALL, 0.5))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("oversample");
        }
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dir.resolve(q.name()), "client-vectors", DIM,
                VectorEngine.LUCENE, VectorSimilarity.COSINE, q, q.defaultOversample())) {
            assertThat(index.stats().segments()).as("the merge was committed").isEqualTo(1);
            assertThat(index.stats().documents()).isEqualTo(COUNT);
            // the merged graph may order near-ties differently; the best hit and most of the ten stay
            List<String> after = index.searchVector(queries.get(0), 10, Filter.ALL).stream().map(ChunkHit::docId).toList();
            assertThat(after.getFirst()).isEqualTo(before.getFirst());
            assertThat(after.stream().filter(before::contains).count()).isGreaterThanOrEqualTo(8);
        }
    }

    @ParameterizedTest
    @EnumSource(VectorQuantization.class)
    void theGraphHoldsCodesOfTheChosenWidthBesideTheFloatVectors(VectorQuantization q) {
        try (LuceneDocumentIndex index = filled(q, clustered(1_000, 4))) {
            Map<String, Long> bytes = index.vectorBytes();
            long floats = 1_000L * DIM * Float.BYTES;
            assertThat(bytes.get("vec")).as("float vectors stay, for rescoring").isGreaterThanOrEqualTo(floats);
            long codes = switch (q) {
                case NONE -> 0;
                case INT8, INT4 -> bytes.getOrDefault("veq", 0L);
                case BINARY -> bytes.getOrDefault("veb", 0L);
            };
            switch (q) {
                case NONE -> assertThat(bytes).doesNotContainKeys("veq", "veb");
                // one byte per dimension, then half of that, then a bit, each with a few bytes of corrections
                case INT8 -> assertThat(codes).isBetween(floats / 4, floats / 4 + 1_000L * 16);
                case INT4 -> assertThat(codes).isBetween(floats / 8, floats / 8 + 1_000L * 16);
                case BINARY -> assertThat(codes).isBetween(floats / 32, floats / 32 + 1_000L * 32);
            }
        }
    }

    @Test
    void anIndexReopensOnlyWithTheQuantizationItWasBuiltWith() {
        try (LuceneDocumentIndex index = filled(VectorQuantization.INT8, clustered(50, 3))) {
            assertThat(index.quantization()).isEqualTo(VectorQuantization.INT8);
        }
        assertThatThrownBy(() -> LuceneDocumentIndex.open(dir.resolve("INT8"), "client-vectors", DIM, VectorEngine.LUCENE,
                VectorSimilarity.COSINE)).hasMessageContaining("quantized as INT8");
        try (LuceneDocumentIndex again = LuceneDocumentIndex.open(dir.resolve("INT8"), "client-vectors", DIM,
                VectorEngine.LUCENE, VectorSimilarity.COSINE, VectorQuantization.INT8, 4)) {
            assertThat(again.stats().documents()).isEqualTo(50);
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> VectorQuantization.parse("int2")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("none, int8, int4 or binary")
                .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("quantization");
        assertThatThrownBy(() -> VectorQuantization.checkOversample(0.5)).isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).field()).isEqualTo("oversample");
        assertThatThrownBy(() -> LuceneDocumentIndex.open(dir.resolve("h"), "m", DIM, VectorEngine.HNSWLIB,
                VectorSimilarity.COSINE, VectorQuantization.INT8, 2)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("lucene vector engine");
        assertThatThrownBy(() -> LuceneDocumentIndex.open(dir.resolve("odd"), "m", 3, VectorEngine.LUCENE,
                VectorSimilarity.COSINE, VectorQuantization.INT4, 2)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("even dimension");
    }
}
