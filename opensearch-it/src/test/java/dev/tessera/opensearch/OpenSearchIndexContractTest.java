package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.DocumentIndexContract;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backend contract on a real three-node OpenSearch cluster (2 shards, 1 replica). */
class OpenSearchIndexContractTest extends DocumentIndexContract {

    static InProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = TestCluster.start("contract");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                           dev.tessera.retrieval.index.VectorSimilarity similarity) {
        return TestCluster.freshIndex(cluster, model, dimension, similarity);
    }

    @Test
    void theClusterAndTheEmbeddedIndexRunTheSameLucene() {
        // One Lucene on this test classpath serves both; a bump on one side must be a deliberate change.
        assertThat(index.stats().luceneVersion()).isEqualTo(org.apache.lucene.util.Version.LATEST.toString());
    }

    @Test
    void anIndexOfAnotherModelIsRefusedAtStartUp() {
        String name = ((OpenSearchDocumentIndex) index).indexName();
        assertThatThrownBy(() -> OpenSearchDocumentIndex.open(TestCluster.settings(cluster, name, 2, 1), "other-model", DIM))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("other-model");
    }
}
