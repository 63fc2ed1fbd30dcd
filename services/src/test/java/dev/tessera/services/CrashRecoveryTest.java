package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write acknowledged with 201 survives SIGKILL of the service: a real JVM process is started,
 * killed right after the acknowledgement, and started again on the same data directory.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void acknowledgedDocumentSurvivesSigkill() throws Exception {
        for (String engine : List.of("lucene", "hnswlib")) {
            Path dir = dataDir.resolve(engine);
            int port = freePort();
            Process first = start(dir, port, engine);
            try {
                awaitHealthy(port, first);
                HttpResponse<String> created = post(port, "/v1/documents",
                        "{\"id\":\"acked\",\"title\":\"Crash\",\"text\":\"Written just before the kill signal arrives.\"}");
                assertThat(created.statusCode()).isEqualTo(201);
            } finally {
                kill9(first);
            }
            Process second = start(dir, port, engine);
            try {
                awaitHealthy(port, second);
                HttpResponse<String> got = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/documents/acked")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(got.statusCode()).as(engine).isEqualTo(200);
                assertThat(got.body()).contains("Written just before the kill signal");
                HttpResponse<String> found = post(port, "/v1/search",
                        "{\"query\":\"written before the kill signal\",\"mode\":\"vector\",\"k\":1}");
                assertThat(found.body()).as(engine).contains("\"doc_id\":\"acked\"");
            } finally {
                kill9(second);
            }
        }
    }

    private Process start(Path dir, int port, String engine) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx2g", "-Dai.djl.offline=true",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", classpath, TesseraApplication.class.getName(),
                "--server.port=" + port, "--tessera.data-dir=" + dir, "--tessera.vector-engine=" + engine));
        File log = dir.resolveSibling(engine + "-" + System.nanoTime() + ".log").toFile();
        Files.createDirectories(dir);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private void awaitHealthy(int port, Process process) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("service process exited early").isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("service did not become healthy");
    }

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hooks, no flush, no close. */
    private static void kill9(Process process) throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).start().waitFor();
        process.waitFor();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
