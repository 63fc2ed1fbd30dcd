package dev.tessera.services;

import dev.tessera.retrieval.embed.EmbeddingModelSpec;
import dev.tessera.retrieval.embed.ModelFiles;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One real Tessera HTTP server for the API tests of this JVM (starting one costs a model load),
 * on a random port and a fresh data directory, with small body limits so limits are testable.
 */
public final class TesseraServer implements AutoCloseable {

    public static final long MAX_BODY_BYTES = 256 * 1024;
    public static final long MAX_BULK_BYTES = 1024 * 1024;
    /** Request metrics are sampled this often, so the dashboard's charts fill within a test's patience. */
    public static final int ADMIN_SAMPLE_SECONDS = 1;
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private static TesseraServer shared;

    private final ConfigurableApplicationContext context;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The TiTok conformance fixtures, kept in the tokenizers module's test resources. */
    public static final Path FIXTURES = Path.of("..", "tokenizers", "src", "test", "resources", "fixtures");
    public static final long MAX_IMAGE_PIXELS = 64 * 64;
    /** A target LLM installed for /v1/rag/context: its tokenizer.json (bge's WordPiece) and a [384, 48] projection. */
    public static final String TARGET_LLM = "tiny-llm";
    /** An installed audio tokenizer: the EnCodec conformance fixture. */
    public static final String AUDIO_MODEL = "encodec-tiny";
    /** An installed vision tower: the first choice of video patch backbone. */
    public static final String VISION_TOWER = "clip-tiny";
    public static final int TARGET_LLM_DIMENSION = 48;
    /** A projection whose d_enc (256) does not match the 384-d search model. */
    public static final String MISMATCHED_LLM = "mismatched-llm";

    private final Path dataDir;
    private final boolean installTestModels;
    private final String[] extraArgs;

    private TesseraServer(Path dataDir, String... extraArgs) {
        this(dataDir, true, extraArgs);
    }

    private TesseraServer(Path dataDir, boolean installTestModels, String... extraArgs) {
        System.setProperty("ai.djl.offline", "true");
        this.dataDir = dataDir;
        this.installTestModels = installTestModels;
        this.extraArgs = extraArgs.clone();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--tessera.data-dir=" + dataDir));
        if (installTestModels) {
            installModels(dataDir.resolve("models"));
            installTargetModels(dataDir.resolve("models"));
            args.add("--tessera.images.default-model=titok-tiny");
        }
        args.addAll(List.of(
                "--tessera.images.max-pixels=" + MAX_IMAGE_PIXELS,
                "--tessera.limits.max-body-size=" + MAX_BODY_BYTES + "B",
                "--tessera.limits.max-bulk-size=" + MAX_BULK_BYTES + "B",
                "--tessera.admin.sample-interval=" + ADMIN_SAMPLE_SECONDS + "s"));
        args.addAll(List.of(extraArgs));
        context = new SpringApplicationBuilder(TesseraApplication.class).run(args.toArray(String[]::new));
        base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /**
     * Installs models as a user would, in {@code <data-dir>/models/<name>/}: both fixtures, one
     * with a truncated weights file, and one published only as a PyTorch pickle.
     */
    private static void installModels(Path models) {
        try {
            for (String fixture : java.util.List.of("titok-tiny", "titok-tiny-single-stage")) {
                Path dir = Files.createDirectories(models.resolve(fixture));
                Files.copy(FIXTURES.resolve(fixture).resolve("config.json"), dir.resolve("config.json"));
                Files.copy(FIXTURES.resolve(fixture).resolve("model.safetensors"), dir.resolve("model.safetensors"));
            }
            Path truncated = Files.createDirectories(models.resolve("titok-truncated"));
            Files.copy(FIXTURES.resolve("titok-tiny/config.json"), truncated.resolve("config.json"));
            byte[] weights = Files.readAllBytes(FIXTURES.resolve("titok-tiny/model.safetensors"));
            Files.write(truncated.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
            // A vision tower (a tiny random-weight CLIP-style ONNX export) and one whose model file is garbage.
            Path tower = Files.createDirectories(models.resolve(VISION_TOWER));
            for (String file : List.of("config.json", "preprocessor_config.json", "model.onnx")) {
                Files.copy(FIXTURES.resolve("vision-tower/clip-tiny").resolve(file), tower.resolve(file));
            }
            Path brokenTower = Files.createDirectories(models.resolve("tower-broken"));
            Files.copy(FIXTURES.resolve("vision-tower/clip-tiny/preprocessor_config.json"),
                    brokenTower.resolve("preprocessor_config.json"));
            Files.write(brokenTower.resolve("model.onnx"), "not a protobuf".getBytes());
            // An EnCodec checkpoint in the hub's layout (the conformance fixture) and one without weights.
            Path encodec = Files.createDirectories(models.resolve(AUDIO_MODEL));
            for (String file : List.of("config.json", "preprocessor_config.json", "model.safetensors")) {
                Files.copy(FIXTURES.resolve("encodec-tiny").resolve(file), encodec.resolve(file));
            }
            Path weightless = Files.createDirectories(models.resolve("encodec-no-weights"));
            Files.copy(FIXTURES.resolve("encodec-tiny/config.json"), weightless.resolve("config.json"));
            Path pickled = Files.createDirectories(models.resolve("titok-pickled"));
            Files.copy(FIXTURES.resolve("titok-tiny/config.json"), pickled.resolve("config.json"));
            Files.write(pickled.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a user adds for a downstream LLM: its tokenizer and a REFRAG projection, in one folder per model. */
    private static void installTargetModels(Path models) {
        try {
            Path llm = Files.createDirectories(models.resolve(TARGET_LLM));
            Files.copy(ModelFiles.resolve(EmbeddingModelSpec.BGE_SMALL_EN_V15.tokenizerLocation()),
                    llm.resolve("tokenizer.json"));
            java.util.Random random = new java.util.Random(7);
            float[] w = new float[384 * TARGET_LLM_DIMENSION];
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
            new SafetensorsWriter().add("weight", new long[] {384, TARGET_LLM_DIMENSION}, w)
                    .write(llm.resolve("projection.safetensors"));
            Path mismatched = Files.createDirectories(models.resolve(MISMATCHED_LLM));
            new SafetensorsWriter().add("weight", new long[] {256, 8}, new float[256 * 8])
                    .write(mismatched.resolve("projection.safetensors"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>} */
    public String base() {
        return base;
    }

    public Path dataDir() {
        return dataDir;
    }

    public static synchronized TesseraServer shared() {
        if (shared == null) {
            try {
                shared = new TesseraServer(Files.createTempDirectory("tessera-api-test"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared.context::close));
        }
        return shared;
    }

    /**
     * A second server with its own data directory and extra settings (e.g. API keys), for tests
     * of behaviour the shared one must not have; the caller closes it.
     */
    public static TesseraServer startSeparate(String... extraArgs) {
        try {
            return new TesseraServer(Files.createTempDirectory("tessera-api-test-separate"), extraArgs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on the embedded defaults with an empty data directory, as {@code ./tessera serve} on a fresh clone; the caller closes it. */
    public static TesseraServer startBare(String... extraArgs) {
        try {
            return new TesseraServer(Files.createTempDirectory("tessera-api-test-bare"), false, extraArgs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on the embedded defaults over an existing data directory (an upgrade from an older release); the caller closes it. */
    public static TesseraServer startBareOn(Path dataDir, String... extraArgs) {
        return new TesseraServer(dataDir, false, extraArgs);
    }

    @Override
    public void close() {
        context.close();
    }

    /** Stops this server (a clean shutdown) and starts another on the same data directory and settings. */
    public TesseraServer restart() {
        context.close();
        return new TesseraServer(dataDir, false, installTestModels ? withTestDefaults(extraArgs) : extraArgs);
    }

    private static String[] withTestDefaults(String[] extraArgs) {
        List<String> args = new ArrayList<>(List.of(extraArgs));
        args.add("--tessera.images.default-model=titok-tiny");
        return args.toArray(String[]::new);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Reply(int status, String contentType, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public boolean isProblem() {
            return contentType.startsWith("application/problem+json");
        }
    }

    public Reply send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        return send(method, path, contentType, body, Map.of());
    }

    /** A request with extra headers; the reply's {@code headers} are those of the response. */
    public Reply send(String method, String path, String contentType, HttpRequest.BodyPublisher body,
            Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Reply postJson(String path, Object body) {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        return send("POST", path, "application/json", HttpRequest.BodyPublishers.ofString(text));
    }

    public Reply get(String path) {
        return send("GET", path, null, HttpRequest.BodyPublishers.noBody());
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, HttpRequest.BodyPublishers.noBody());
    }

    /** A multipart/form-data upload of one file (the part {@code file}) plus optional text fields. */
    public Reply upload(String path, String fileName, byte[] content, Map<String, String> fields) {
        return upload(path, "file", fileName, content, fields);
    }

    /** A multipart/form-data upload of one file in the part {@code part}, plus optional text fields. */
    public Reply upload(String path, String part, String fileName, byte[] content, Map<String, String> fields) {
        String boundary = "tessera-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        fields.forEach((name, value) -> parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n").getBytes()));
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
        parts.add(content);
        parts.add(("\r\n--" + boundary + "--\r\n").getBytes());
        return send("POST", path, "multipart/form-data; boundary=" + boundary,
                HttpRequest.BodyPublishers.ofByteArrays(parts));
    }

    /** The status of a bulk job once it has ended (no longer queued or running); fails after two minutes. */
    public JsonNode awaitJob(String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        JsonNode status;
        do {
            status = get("/v1/jobs/" + id).json();
            if (!status.get("state").asString().matches("queued|running")) {
                return status;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("job " + id + " did not finish: " + status);
    }

    /** Indexes a document and fails the test unless it is acknowledged with 201. */
    public void index(String id, String title, String text, Map<String, Object> metadata) {
        Reply r = postJson("/v1/documents", Map.of("id", id, "title", title, "text", text, "metadata", metadata));
        if (r.status() != 201) {
            throw new AssertionError("indexing " + id + " answered " + r.status() + ": " + r.body());
        }
    }
}
