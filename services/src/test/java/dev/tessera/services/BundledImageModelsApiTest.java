package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A service on its embedded defaults (empty data directory, as on a fresh clone) serves the
 * image tokenizers bundled in the jar: {@code titok-tiny} without text and {@code textok-tiny},
 * which was trained with captions and needs one. Images: two Fashion-MNIST test-set pictures
 * (the held-out split the bundled models never saw).
 */
class BundledImageModelsApiTest {

    static final Path IMAGES = Path.of("src/test/resources/images/fashion-mnist");
    static TesseraServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TesseraServer.startBare();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] image(String name) throws Exception {
        return Files.readAllBytes(IMAGES.resolve(name));
    }

    static JsonNode model(String name) {
        for (JsonNode m : server.get("/v1/models").json().path("models")) {
            if (m.path("name").asString().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no model " + name + " in /v1/models");
    }

    @Test
    void modelsListBothBundledTokenizersAndWhichNeedsACaption() {
        JsonNode titok = model("titok-tiny");
        assertThat(titok.path("kind").asString()).isEqualTo("image-tokenizer");
        assertThat(titok.path("status").asString()).isEqualTo("available");
        assertThat(titok.path("source").asString()).isEqualTo("bundled");
        assertThat(titok.path("captions").asString()).isEqualTo("none");
        assertThat(titok.path("num_tokens").asInt()).isEqualTo(32);
        assertThat(titok.path("image_size").asInt()).isEqualTo(32);
        JsonNode textok = model("textok-tiny");
        assertThat(textok.path("status").asString()).isEqualTo("available");
        assertThat(textok.path("captions").asString()).isEqualTo("required");
        assertThat(textok.path("caption_encoder").asString()).isEqualTo("bge-small-en-v1.5");
    }

    @Test
    void titokTinyRoundTripsAPictureItNeverSawAndIsTheDefault() throws Exception {
        Reply r = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"), Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("model").asString()).isEqualTo("titok-tiny");
        int[] ids = ints(r.json().path("tokens"));
        assertThat(ids).hasSize(32);
        assertThat(java.util.Arrays.stream(ids).boxed().toList()).allMatch(id -> id >= 0 && id < 1024);
        // Deterministic: the same picture, the same ids.
        assertThat(ints(server.upload("/v1/tokenize/image", "boot.png", image("00000.png"), Map.of("model", "titok-tiny"))
                .json().path("tokens"))).containsExactly(ids);

        HttpResponse<byte[]> png = postForBytes("/v1/detokenize/image", Map.of("model", "titok-tiny", "tokens", ids));
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        // A trained model: the reconstruction resembles the picture (held-out mean is ~17.5 dB; a random
        // model or a grey image scores well under 10).
        assertThat(psnr(image("00000.png"), png.body())).isGreaterThan(13.0);
    }

    @Test
    void textokTinyNeedsTheCaptionBothWays() throws Exception {
        Reply missing = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"), Map.of("model", "textok-tiny"));
        BadInputTest.assertProblem(missing, 422, "caption");
        assertThat(missing.json().path("detail").asString()).contains("trained with captions");

        Reply r = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"),
                Map.of("model", "textok-tiny", "caption", "Ankle boot"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int[] ids = ints(r.json().path("tokens"));
        assertThat(ids).hasSize(32);

        Map<String, Object> body = new HashMap<>(Map.of("model", "textok-tiny", "tokens", ids));
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", body), 422, "caption");
        body.put("caption", "  ");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", body), 422, "caption");
        body.put("caption", "Ankle boot");
        HttpResponse<byte[]> png = postForBytes("/v1/detokenize/image", body);
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(psnr(image("00000.png"), png.body())).isGreaterThan(13.0);

        // JSON form, a batch with one caption per image.
        Reply batch = server.postJson("/v1/tokenize/image", Map.of("model", "textok-tiny",
                "images_base64", List.of(b64(image("00000.png")), b64(image("00001.png"))),
                "captions", List.of("Ankle boot", "Pullover")));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(ints(batch.json().path("tokens").get(0))).containsExactly(ids);
        BadInputTest.assertProblem(server.postJson("/v1/tokenize/image", Map.of("model", "textok-tiny",
                "images_base64", List.of(b64(image("00000.png")), b64(image("00001.png"))),
                "captions", List.of("Ankle boot", "Pullover", "Sandal"))), 422, "caption");
    }

    @Test
    void aTokenizeAnswerPostedAsItIsDetokenizesCaptionIncluded() throws Exception {
        for (String model : List.of("titok-tiny", "textok-tiny")) {
            Map<String, String> fields = model.equals("textok-tiny")
                    ? Map.of("model", model, "caption", " Ankle boot ") : Map.of("model", model);
            Reply answer = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"), fields);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().path("caption").isMissingNode()).as(model).isEqualTo(model.equals("titok-tiny"));
            HttpResponse<byte[]> png = postForBytes("/v1/detokenize/image", answer.json());
            assertThat(png.statusCode()).as(model + ": " + new String(png.body())).isEqualTo(200);
            assertThat(psnr(image("00000.png"), png.body())).as(model).isGreaterThan(13.0);
        }
        Reply caption = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"),
                Map.of("model", "textok-tiny", "caption", " Ankle boot "));
        assertThat(caption.json().path("caption").asString()).isEqualTo("Ankle boot");
        Reply batch = server.postJson("/v1/tokenize/image", Map.of("model", "textok-tiny",
                "images_base64", List.of(b64(image("00000.png")), b64(image("00001.png"))),
                "captions", List.of("Ankle boot", "Pullover")));
        assertThat(batch.json().path("captions").toString()).isEqualTo("[\"Ankle boot\",\"Pullover\"]");
        Reply images = server.postJson("/v1/detokenize/image", batch.json());
        assertThat(images.status()).as(images.body()).isEqualTo(200);
        assertThat(images.json().path("images_base64").size()).isEqualTo(2);
    }

    @Test
    void aTokenizeAnswerThatDoesNotFitTheModelIs422NamingTheField() throws Exception {
        JsonNode answer = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"), Map.of()).json();
        for (String field : List.of("num_tokens", "codebook_size", "image_size")) {
            var edited = (tools.jackson.databind.node.ObjectNode) answer.deepCopy();
            edited.put(field, answer.path(field).asInt() * 2);
            Reply r = server.postJson("/v1/detokenize/image", edited);
            BadInputTest.assertProblem(r, 422, field);
            assertThat(r.json().path("detail").asString()).startsWith(field + " is " + answer.path(field).asInt() * 2)
                    .contains("titok-tiny");
        }
    }

    @Test
    void aModelTrainedWithoutCaptionsRefusesOne() throws Exception {
        Reply r = server.upload("/v1/tokenize/image", "boot.png", image("00000.png"),
                Map.of("model", "titok-tiny", "caption", "Ankle boot"));
        BadInputTest.assertProblem(r, 422, "caption");
        assertThat(r.json().path("detail").asString()).contains("not trained with captions");
    }

    static String b64(byte[] bytes) {
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static HttpResponse<byte[]> postForBytes(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TesseraServer.JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** PSNR of the reconstruction against the original scaled to the reconstruction's size (bilinear). */
    static double psnr(byte[] originalPng, byte[] reconstructedPng) throws Exception {
        BufferedImage rec = ImageIO.read(new ByteArrayInputStream(reconstructedPng));
        BufferedImage src = ImageIO.read(new ByteArrayInputStream(originalPng));
        BufferedImage scaled = new BufferedImage(rec.getWidth(), rec.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, rec.getWidth(), rec.getHeight(), null);
        g.dispose();
        double se = 0;
        int n = 0;
        for (int y = 0; y < rec.getHeight(); y++) {
            for (int x = 0; x < rec.getWidth(); x++) {
                int a = rec.getRGB(x, y);
                int b = scaled.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = (((a >> shift) & 0xff) - ((b >> shift) & 0xff)) / 255.0;
                    se += d * d;
                    n++;
                }
            }
        }
        return 10 * Math.log10(1 / (se / n));
    }

    @Test
    void aFreshServiceTokenizesAndDetokenizesAudioWithTheBundledCodec() throws Exception {
        JsonNode m = model("encodec-tiny-music");
        assertThat(m.path("kind").asString()).isEqualTo("audio-tokenizer");
        assertThat(m.path("source").asString()).isEqualTo("bundled");
        assertThat(m.path("status").asString()).isEqualTo("available");
        short[] tone = dev.tessera.tokenizers.audio.Wav.tone(440, 1.0, 24000, 8000);
        TesseraServer.Reply r = server.upload("/v1/tokenize/audio", "tone.wav",
                dev.tessera.tokenizers.audio.Wav.pcm16(tone, 24000, 1), java.util.Map.of("bandwidth_kbps", "6"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("model").asString()).isEqualTo("encodec-tiny-music");
        assertThat(r.json().path("codebooks").size()).isEqualTo(8);
        assertThat(r.json().path("codebooks").get(0).size()).isEqualTo(75);
        TesseraServer.Reply wav = server.postJson("/v1/detokenize/audio", java.util.Map.of("codebooks",
                TesseraServer.JSON.treeToValue(r.json().path("codebooks"), int[][].class)));
        assertThat(wav.status()).isEqualTo(200);
        assertThat(wav.contentType()).startsWith("audio/wav");
    }
}
