package dev.tessera.benchmarks;

import dev.tessera.benchmarks.cli.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service jar as a child process on a free loopback port with a fresh data directory, for
 * benchmarks that measure it over HTTP as clients see it. Closing it stops the process and
 * removes the data.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final TempDir dir;
    private final Process process;
    private final String base;
    private final Path jar;
    private final List<String> settings;

    private ServiceProcess(TempDir dir, Process process, int port, Path jar, List<String> settings) {
        this.dir = dir;
        this.process = process;
        this.base = "http://127.0.0.1:" + port;
        this.jar = jar;
        this.settings = settings;
    }

    /**
     * Starts the jar and waits until it answers {@code /actuator/health/readiness} (index open,
     * models loaded).
     *
     * @param settings extra Spring properties, e.g. {@code --tessera.vector-engine=hnswlib}
     */
    public static ServiceProcess start(Path jar, String prefix, String... settings) {
        if (!Files.isRegularFile(jar)) {
            throw new UsageException("service jar not found at " + jar + " (run ./tessera build)");
        }
        return launch(jar, new TempDir(prefix), List.of(settings));
    }

    /**
     * Stops this service (gracefully: its data stays) and starts a fresh process on the same data
     * directory: empty caches and a cold JVM, as after a deployment. This object is spent afterwards.
     */
    public ServiceProcess restarted() {
        stopProcess();
        return launch(jar, dir, settings);
    }

    private static ServiceProcess launch(Path jar, TempDir dir, List<String> settings) {
        try {
            int port = freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-jar", jar.toString(),
                    "--server.port=" + port, "--server.address=127.0.0.1",
                    "--tessera.data-dir=" + dir.path().resolve("data")));
            cmd.addAll(settings);
            System.err.println("starting " + String.join(" ", cmd));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.path().resolve("service.log").toFile())).start();
            ServiceProcess service = new ServiceProcess(dir, process, port, jar, settings);
            service.awaitReady();
            return service;
        } catch (IOException e) {
            dir.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>} */
    public String base() {
        return base;
    }

    public Path log() {
        return dir.path().resolve("service.log");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw failed("service exited during start-up");
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create(base + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted while waiting for the service");
        }
        throw failed("service not ready after 3 minutes");
    }

    /** Stops the process and removes its data, keeping the end of its log in the message. */
    private IllegalStateException failed(String why) {
        String tail;
        try {
            List<String> lines = Files.readAllLines(log());
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            tail = "(no log: " + e.getMessage() + ")";
        }
        close();
        return new IllegalStateException(why + "; the end of its log:\n" + tail);
    }

    @Override
    public void close() {
        stopProcess();
        dir.close();
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
