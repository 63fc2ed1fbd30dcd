package dev.tessera.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tessera.client.Model.AudioTokens;
import dev.tessera.client.Model.CollectionInfo;
import dev.tessera.client.Model.CollectionSpec;
import dev.tessera.client.Model.EmbeddingsRequest;
import dev.tessera.client.Model.ImageTokens;
import dev.tessera.client.Model.Job;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A typed client for Tessera's REST API. Thread-safe; build one per service and share it.
 *
 * <pre>
 * TesseraClient tessera = TesseraClient.builder().baseUrl("http://localhost:8080").apiKey(key).build();
 * tessera.createCollection(CollectionSpec.withModel("papers", "bge-small-en-v1.5"));
 * tessera.collection("papers").add(Document.of("Wing flutter at transonic speeds").withId("p1"));
 * SearchResult r = tessera.collection("papers").search(Search.query("flutter").withK(5));
 * </pre>
 *
 * Every error answer becomes a {@link TesseraException} with the problem's status, title, detail and
 * {@code field}. Answers 429 and 503 are retried (at most {@code maxRetries} times), after the
 * service's {@code Retry-After} when it sends one, else after an exponential backoff.
 */
public final class TesseraClient {

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final int maxRetries;
    private final Duration backoff;
    private final HttpClient http;

    private TesseraClient(Builder b) {
        String url = Objects.requireNonNull(b.baseUrl, "baseUrl");
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.apiKey = b.apiKey;
        this.timeout = b.timeout;
        this.maxRetries = b.maxRetries;
        this.backoff = b.backoff;
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String baseUrl = "http://localhost:8080";
        private String apiKey;
        private Duration timeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration backoff = Duration.ofMillis(500);

        /** The service's root, e.g. {@code http://localhost:8080} (without {@code /v1}). */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Sent as {@code Authorization: Bearer <key>}; null for a service without keys. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** How long one request may take, answer included. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Retries of a request answered 429 or 503 (0: none). */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = Math.max(0, maxRetries);
            return this;
        }

        /** The first wait when the service sends no {@code Retry-After}; it doubles per retry, up to 30 s. */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        public TesseraClient build() {
            return new TesseraClient(this);
        }
    }

    // ---- collections

    /** Creates a collection; answers the existing one when it has the same settings (409 with others). */
    public CollectionInfo createCollection(CollectionSpec spec) {
        return call("POST", "/v1/collections", json(spec), "application/json", CollectionInfo.class);
    }

    public List<CollectionInfo> collections() {
        JsonNode r = call("GET", "/v1/collections", null, null, JsonNode.class);
        return convert(r.get("collections"), JSON.getTypeFactory().constructCollectionType(List.class, CollectionInfo.class));
    }

    public CollectionInfo collectionInfo(String name) {
        return call("GET", "/v1/collections/" + segment(name), null, null, CollectionInfo.class);
    }

    /** Drops a collection and every document in it (an admin key's call). */
    public void deleteCollection(String name) {
        call("DELETE", "/v1/collections/" + segment(name), null, null, Void.class);
    }

    /** The documents, search and context calls of one collection ({@code default} is the top-level routes' one). */
    public CollectionClient collection(String name) {
        return new CollectionClient(this, "/v1/collections/" + segment(name));
    }

    // ---- jobs

    public Job job(String id) {
        return call("GET", "/v1/jobs/" + segment(id), null, null, Job.class);
    }

    /** Polls a bulk job until it has ended (any state but queued or running), or throws after {@code limit}. */
    public Job awaitJob(String id, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        long wait = 50;
        while (true) {
            Job job = job(id);
            if (job.ended()) {
                return job;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new TesseraException(0, "Timed out", "job " + id + " still " + job.state() + " after " + limit, null, null);
            }
            sleep(wait);
            wait = Math.min(1_000, wait * 2);
        }
    }

    // ---- embeddings and tokenizers

    /** Vectors for texts, in order (OpenAI-compatible {@code /v1/embeddings}); model null means the search model. */
    public List<float[]> embed(EmbeddingsRequest request) {
        JsonNode r = call("POST", "/v1/embeddings", json(request), "application/json", JsonNode.class);
        List<float[]> out = new ArrayList<>();
        for (JsonNode d : r.get("data")) {
            JsonNode e = d.get("embedding");
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.get(i).asDouble();
            }
            out.add(v);
        }
        return out;
    }

    public List<float[]> embed(List<String> texts) {
        return embed(new EmbeddingsRequest(texts, null, null, null));
    }

    /** An image's tokens ({@code model} and {@code caption} may be null: the default tokenizer, no caption). */
    public ImageTokens tokenizeImage(byte[] image, String model, String caption) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("image_base64", Base64.getEncoder().encodeToString(image));
        if (model != null) {
            body.put("model", model);
        }
        if (caption != null) {
            body.put("caption", caption);
        }
        return call("POST", "/v1/tokenize/image", json(body), "application/json", ImageTokens.class);
    }

    /** Tokens back to a PNG. */
    public byte[] detokenizeImage(String model, List<Integer> tokens, String caption) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (model != null) {
            body.put("model", model);
        }
        body.put("tokens", tokens);
        if (caption != null) {
            body.put("caption", caption);
        }
        return call("POST", "/v1/detokenize/image", json(body), "application/json", byte[].class);
    }

    /** A sound file's EnCodec codes; {@code model} null means the default codec, {@code bandwidthKbps} null its smallest. */
    public AudioTokens tokenizeAudio(byte[] file, String fileName, String model, Double bandwidthKbps) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (model != null) {
            fields.put("model", model);
        }
        if (bandwidthKbps != null) {
            fields.put("bandwidth_kbps", bandwidthKbps.toString());
        }
        Multipart form = new Multipart(fields, fileName, file);
        return call("POST", "/v1/tokenize/audio", form.bytes(), form.contentType(), AudioTokens.class);
    }

    /** Codes back to 16-bit PCM WAV. */
    public byte[] detokenizeAudio(String model, List<List<Integer>> codebooks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("codebooks", codebooks);
        return call("POST", "/v1/detokenize/audio", json(body), "application/json", byte[].class);
    }

    /** A video's VQToken answer as JSON (its fields depend on the options: see the API reference). */
    public JsonNode tokenizeVideo(byte[] file, String fileName, Map<String, String> options) {
        Multipart form = new Multipart(options == null ? Map.of() : options, fileName, file);
        return call("POST", "/v1/tokenize/video", form.bytes(), form.contentType(), JsonNode.class);
    }

    // ---- the transport

    <T> T call(String method, String path, byte[] body, String contentType, Class<T> type) {
        return call(method, path, body, contentType, JSON.getTypeFactory().constructType(type));
    }

    @SuppressWarnings("unchecked")
    <T> T call(String method, String path, byte[] body, String contentType, JavaType type) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", "application/json, application/problem+json, */*");
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (apiKey != null && !apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        HttpRequest request = b.build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new TesseraException(0, "No answer", method + " " + path + ": " + e, null, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TesseraException(0, "Interrupted", method + " " + path, null, null);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                if (type.getRawClass() == Void.class) {
                    return null;
                }
                if (type.getRawClass() == byte[].class) {
                    return (T) response.body();
                }
                try {
                    return JSON.readValue(response.body(), type);
                } catch (IOException e) {
                    throw new TesseraException(status, "Unreadable answer", e.getMessage(), null, null);
                }
            }
            Long retryAfter = response.headers().firstValue("Retry-After").flatMap(TesseraClient::seconds).orElse(null);
            if ((status == 429 || status == 503) && attempt < maxRetries) {
                long wait = retryAfter != null ? retryAfter * 1_000 : Math.min(30_000, backoff.toMillis() << attempt);
                sleep(wait);
                continue;
            }
            throw problem(status, response.body(), retryAfter);
        }
    }

    private static java.util.Optional<Long> seconds(String header) {
        try {
            return java.util.Optional.of(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty(); // an HTTP date: fall back to the backoff
        }
    }

    private static TesseraException problem(int status, byte[] body, Long retryAfter) {
        try {
            JsonNode p = JSON.readTree(body);
            return new TesseraException(status, text(p, "title"), text(p, "detail"), text(p, "field"), retryAfter);
        } catch (IOException | RuntimeException e) {
            return new TesseraException(status, null, new String(body, StandardCharsets.UTF_8), null, retryAfter);
        }
    }

    private static String text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request as JSON: " + e.getMessage(), e);
        }
    }

    static <T> T convert(JsonNode node, JavaType type) {
        return JSON.convertValue(node, type);
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TesseraException(0, "Interrupted", "while waiting to retry", null, null);
        }
    }

    /** A multipart/form-data body: text fields, then one {@code file} part. */
    private static final class Multipart {
        private final String boundary = "tessera-" + UUID.randomUUID();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart(Map<String, String> fields, String fileName, byte[] file) {
            fields.forEach((name, value) -> write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"\r\n\r\n" + value + "\r\n"));
            write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + fileName.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(file);
            write("\r\n--" + boundary + "--\r\n");
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }
    }
}
