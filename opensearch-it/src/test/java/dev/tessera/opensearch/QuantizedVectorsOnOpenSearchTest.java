package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.TestVectors;
import dev.tessera.retrieval.index.VectorQuantization;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantised collections on OpenSearch: int8 as the Lucene engine's 7-bit {@code sq} encoder, searched
 * with the k-NN plugin's rescoring, so hits are the true neighbours with exact scores; narrower codes,
 * which OpenSearch 3.5's Lucene engine does not take, are refused up front.
 */
class QuantizedVectorsOnOpenSearchTest {

    private static final int DIM = 16;
    static InProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start("quantized");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<float[]> unitVectors(int count, long seed) {
        return TestVectors.clustered(count, DIM, 20, seed);
    }

    private static double dot(float[] a, float[] b) {
        return TestVectors.dot(a, b);
    }

    private static OpenSearchDocumentIndex open(String name, VectorQuantization q) {
        return OpenSearchDocumentIndex.open(TestCluster.settings(cluster, name, 2, 0), name, "client-vectors", DIM,
                VectorSimilarity.COSINE, q, q.defaultOversample());
    }

    @ParameterizedTest
    @EnumSource(value = VectorQuantization.class, names = {"INT8"})
    void theTrueNeighboursComeBackWithExactScores(VectorQuantization q) {
        List<float[]> vectors = unitVectors(400, 1);
        try (OpenSearchDocumentIndex index = open("tessera-q-" + q.jsonName(), q)) {
            List<IndexedDocument> docs = new ArrayList<>();
            for (int i = 0; i < vectors.size(); i++) {
                String text = "text " + i;
                docs.add(new IndexedDocument(new Document("d" + i, null, text, Map.of()),
                        List.of(new Chunk(0, text, 0, text.length(), 2)), List.of(vectors.get(i))));
            }
            index.upsert(docs);
            for (float[] query : unitVectors(10, 2)) {
                List<String> truth = IntStream.range(0, vectors.size()).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -dot(query, vectors.get(i))))
                        .limit(5).map(i -> "d" + i).toList();
                List<ChunkHit> hits = index.searchVector(query, 5, Filter.ALL);
                // the true top 5 are among the 200 candidates the 7-bit codes draw from 400 vectors, and
                // the exact rescoring puts them in the exact order
                assertThat(hits).extracting(ChunkHit::docId).as(q.jsonName()).containsExactlyElementsOf(truth);
                for (ChunkHit hit : hits) {
                    double exact = dot(query, vectors.get(Integer.parseInt(hit.docId().substring(1))));
                    assertThat((double) hit.score()).as(q + " " + hit.docId())
                            .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = VectorQuantization.class, names = {"INT4", "BINARY"})
    void narrowerCodesAreRefusedNamingTheFieldAndCreateNothing(VectorQuantization q) throws IOException {
        String name = "tessera-q-refused-" + q.jsonName();
        assertThatThrownBy(() -> open(name, q)).isInstanceOf(dev.tessera.retrieval.InvalidRequestException.class)
                .hasMessageContaining("int8 only")
                .extracting(e -> ((dev.tessera.retrieval.InvalidRequestException) e).field()).isEqualTo("quantization");
        assertThat(OpenSearchDocumentIndex.describe(TestCluster.settings(cluster, name, 2, 0), name)).isEmpty();
    }

    @Test
    void anIndexReopensOnlyWithItsQuantization() {
        try (OpenSearchDocumentIndex index = open("tessera-q-fixed", VectorQuantization.INT8)) {
            assertThat(index.indexName()).isEqualTo("tessera-q-fixed");
        }
        assertThatThrownBy(() -> open("tessera-q-fixed", VectorQuantization.NONE))
                .hasMessageContaining("quantized as int8");
        List<OpenSearchDocumentIndex.Description> found = OpenSearchDocumentIndex.describe(
                TestCluster.settings(cluster, "tessera-q-fixed", 2, 0), "tessera-q-fixed");
        assertThat(found).singleElement().extracting(OpenSearchDocumentIndex.Description::quantization)
                .isEqualTo(VectorQuantization.INT8);
    }
}
