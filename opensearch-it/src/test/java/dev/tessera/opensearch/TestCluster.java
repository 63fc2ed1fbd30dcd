package dev.tessera.opensearch;

import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** One three-node cluster per test class, and fresh indexes on it. */
final class TestCluster {

    private static final AtomicInteger INDEXES = new AtomicInteger();

    private TestCluster() {}

    static InProcessCluster start(String name) throws IOException {
        return InProcessCluster.start(3, name);
    }

    /** A new, empty index: two primaries with one replica each, so every document has two copies on two nodes. */
    static OpenSearchDocumentIndex freshIndex(InProcessCluster cluster, String model, int dimension) {
        return freshIndex(cluster, model, dimension, dev.tessera.retrieval.index.VectorSimilarity.COSINE);
    }

    static OpenSearchDocumentIndex freshIndex(InProcessCluster cluster, String model, int dimension,
                                              dev.tessera.retrieval.index.VectorSimilarity similarity) {
        return OpenSearchDocumentIndex.open(settings(cluster, "tessera-" + INDEXES.incrementAndGet(), 2, 1),
                model, dimension, similarity);
    }

    static OpenSearchSettings settings(InProcessCluster cluster, String index, int shards, int replicas) {
        return OpenSearchSettings.local(cluster.hosts(), index, shards, replicas);
    }
}
