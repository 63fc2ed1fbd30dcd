package dev.tessera.opensearch.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One OpenSearch data node in a process of its own that joins an {@link InProcessCluster}, so a
 * test can kill it with SIGKILL: its sockets close as a crashed machine's would, with requests in
 * flight. {@link #main} is that process.
 */
public final class ExternalDataNode implements AutoCloseable {

    private final Process process;
    private final Path baseDir;

    private ExternalDataNode(Process process, Path baseDir) {
        this.process = process;
        this.baseDir = baseDir;
    }

    /**
     * Starts the node with this JVM's classpath; it finds the cluster through OpenSearch's default
     * seed ports on 127.0.0.1. The caller waits for it to join (cluster health), with a limit.
     */
    public static ExternalDataNode start(String clusterName, String classpath) throws IOException {
        Path baseDir = Files.createTempDirectory("tessera-opensearch-external-");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                ExternalDataNode.class.getName(), baseDir.toString(), clusterName));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(baseDir.resolve("node.log").toFile()).start();
        return new ExternalDataNode(process, baseDir);
    }

    /** SIGKILL: no shutdown hook, nothing flushed or closed by the node itself. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the external node did not die within 30 s");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return baseDir.resolve("node.log");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try (var paths = Files.walk(baseDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }

    /** {@code ExternalDataNode <base dir> <cluster name>}: runs one data-only node until killed. */
    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settings) -> {
            settings.put("node.name", "External data node");
            settings.putList("node.roles", "data");
            // Join the in-process nodes (transport 9300..) instead of the runner's one-node defaults.
            settings.put("discovery.type", "zen");
            settings.putList("discovery.seed_hosts", "127.0.0.1:9300", "127.0.0.1:9301", "127.0.0.1:9302");
            settings.putList("cluster.initial_cluster_manager_nodes", List.of());
            settings.put("network.host", "127.0.0.1");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", false);
            settings.put("knn.memory.circuit_breaker.enabled", false);
            settings.put("logger.level", "WARN");
        });
        runner.build(OpenSearchRunner.newConfigs().numOfNode(1).basePath(args[0]).clusterName(args[1])
                .baseHttpPort(9250).pluginTypes("org.opensearch.knn.plugin.KNNPlugin").printOnFailure());
        while (true) {
            Thread.sleep(60_000); // serve until killed
        }
    }
}
