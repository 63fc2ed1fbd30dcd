package dev.tessera.opensearch;

import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.DocumentIndexContract;
import dev.tessera.retrieval.index.opensearch.OpenSearchDocumentIndex;
import dev.tessera.retrieval.index.opensearch.OpenSearchSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The backend contract against the official OpenSearch image (one node, security plugin off), on
 * machines with a Docker engine; skipped where there is none, as on the machines this project is
 * built on, so it has not run here: the in-process cluster tests are the ones that always run.
 */
@Testcontainers(disabledWithoutDocker = true)
class OfficialImageContractTest extends DocumentIndexContract {

    private static final AtomicInteger INDEXES = new AtomicInteger();

    @Container
    static final GenericContainer<?> OPENSEARCH = new GenericContainer<>(DockerImageName.parse("opensearchproject/opensearch:3.5.0"))
            .withEnv("discovery.type", "single-node")
            .withEnv("DISABLE_SECURITY_PLUGIN", "true")
            .withEnv("DISABLE_INSTALL_DEMO_CONFIG", "true")
            .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
            .withExposedPorts(9200)
            .waitingFor(Wait.forHttp("/_cluster/health").forPort(9200).forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @Override
    protected DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                           dev.tessera.retrieval.index.VectorSimilarity similarity) {
        URI host = URI.create("http://" + OPENSEARCH.getHost() + ":" + OPENSEARCH.getMappedPort(9200));
        // One node: replicas could never be assigned.
        return OpenSearchDocumentIndex.open(OpenSearchSettings.local(List.of(host), "image-" + INDEXES.incrementAndGet(), 1, 0),
                model, dimension, similarity);
    }
}
