package dev.tessera.services;

import java.io.File;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The service as a process of its own, built from this checkout ({@code services/target/classes} and
 * the runtime classpath the build writes beside it), on a free loopback port with a fresh data
 * directory: what client libraries are tested against, so their classpath never meets the service's.
 * Needs only the JDK, so modules compiled for Java 17 can use it from this test jar.
 */
public final class TesseraProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final String baseUrl;

    private TesseraProcess(Process process, Path dataDir, Path log, String baseUrl) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    /** The services module's {@code target} folder, found from the working directory upwards; null when not built. */
    public static Path servicesTarget() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("services").resolve("target");
            if (Files.isRegularFile(target.resolve("runtime-classpath.txt")) && Files.isDirectory(target.resolve("classes"))) {
                return target;
            }
        }
        return null;
    }

    /** Starts the service with these extra {@code --property=value} arguments and waits until it is ready. */
    public static TesseraProcess start(String... args) {
        Path target = servicesTarget();
        if (target == null) {
            throw new IllegalStateException("the services module is not built (run the whole reactor)");
        }
        try {
            Path dataDir = Files.createTempDirectory("tessera-process-");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "--add-modules",
                    "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                    target.resolve("classes").toAbsolutePath() + File.pathSeparator
                            + Files.readString(target.resolve("runtime-classpath.txt")).strip(),
                    "dev.tessera.services.TesseraApplication", "--server.port=" + port, "--server.address=127.0.0.1",
                    "--tessera.data-dir=" + dataDir.resolve("data")));
            cmd.addAll(List.of(args));
            Path log = dataDir.resolve("service.log");
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            TesseraProcess started = new TesseraProcess(process, dataDir, log, "http://127.0.0.1:" + port);
            started.awaitReady(Duration.ofMinutes(3));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration limit) throws IOException {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited early; log:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("the service was not ready after " + limit);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Stops the service (SIGTERM, then kill after 30 s) and removes its data. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dataDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: the OS cleans it eventually
        }
    }
}
