package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.collection.Collection;
import dev.tessera.retrieval.collection.CollectionConflictException;
import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.collection.CollectionSettings;
import dev.tessera.retrieval.collection.UnknownCollectionException;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorSimilarity;
import dev.tessera.retrieval.index.opensearch.OpenSearchCollections;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Tessera instances (two registries, two data directories) on one cluster serve the same
 * collections: what one creates, the other finds, reads and searches; settings that disagree with
 * the cluster's are a conflict on either; a dropped collection's index leaves the cluster.
 */
class SharedClusterCollectionsTest {

    static InProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start("shared");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CollectionRegistry instance(Path dataDir) {
        OpenSearchCollections opener = new OpenSearchCollections(TestCluster.settings(cluster, "shared", 2, 1),
                VectorEngine.LUCENE);
        return new CollectionRegistry(dataDir, opener, model -> {
            throw new IllegalArgumentException("no model " + model + " in this test");
        }, new CollectionRegistry.Chunking(128, 16),
                new CollectionRegistry.Searching(new dev.tessera.retrieval.search.ReciprocalRankFusion(60), 100),
                new CollectionSettings(CollectionSettings.DEFAULT, null, 3, VectorSimilarity.COSINE, VectorEngine.LUCENE));
    }

    @Test
    void aCollectionCreatedByOneInstanceIsServedByTheOther(@TempDir Path first, @TempDir Path second) {
        try (CollectionRegistry a = instance(first); CollectionRegistry b = instance(second)) {
            CollectionSettings papers = new CollectionSettings("papers", null, 2, VectorSimilarity.DOT, VectorEngine.LUCENE);
            Collection created = a.create(papers).collection();
            created.ingestor().ingestAll(List.of(
                    new Document("p1", "", "one", Map.of("year", 1961), new float[] {1, 0}),
                    new Document("p2", "", "two", Map.of("year", 1962), new float[] {0, 1})));

            assertThat(b.list()).extracting(Collection::name).contains("default", "papers");
            Collection found = b.get("papers");
            assertThat(found.settings()).isEqualTo(papers);
            assertThat(found.index().count(Filter.parse(Map.of("year", Map.of("gt", 1961))))).isEqualTo(1);
            assertThat(found.index().searchVector(new float[] {0, 2}, 1, Filter.ALL).getFirst().docId()).isEqualTo("p2");
            assertThat(b.create(papers).created()).isFalse();
            assertThatThrownBy(() -> b.create(new CollectionSettings("papers", null, 2, VectorSimilarity.EUCLIDEAN,
                    VectorEngine.LUCENE))).isInstanceOf(CollectionConflictException.class);

            a.drop("papers");
            assertThat(indexCount("shared-papers")).isZero();
        }
        // A third instance, started after the drop, does not see it.
        try (CollectionRegistry c = instance(first.resolve("third"))) {
            assertThatThrownBy(() -> c.get("papers")).isInstanceOf(UnknownCollectionException.class);
        }
    }

    private static int indexCount(String name) {
        return dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex.describe(
                TestCluster.settings(cluster, "shared", 2, 1), name + "*").size();
    }
}
