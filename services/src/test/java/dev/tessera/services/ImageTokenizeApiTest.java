package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The TiTok fixtures installed as models, exercised over HTTP: the official token ids come back
 * for the fixture PNGs, and the ids come back as the official decoded PNGs (±1 per channel).
 */
class ImageTokenizeApiTest {

    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    static Path fixture(String name) {
        return TesseraServer.FIXTURES.resolve(name);
    }

    static int[] expectedTokens(String fixture, int image) throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(fixture(fixture).resolve("expected/image_" + image + ".tokens.i32")))
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[buf.remaining() / 4];
        buf.asIntBuffer().get(ids);
        return ids;
    }

    static byte[] input(String fixture, int image) throws Exception {
        return Files.readAllBytes(fixture(fixture).resolve("inputs/image_" + image + ".png"));
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static void assertSamePicture(byte[] png, Path expectedPng) throws Exception {
        BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage expected = ImageIO.read(expectedPng.toFile());
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int a = actual.getRGB(x, y);
                int e = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    assertThat(Math.abs(((a >> shift) & 0xff) - ((e >> shift) & 0xff)))
                            .as("pixel %d,%d of %s", x, y, expectedPng).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void fixturePngsGiveTheOfficialTokenIdsAndTheIdsGiveTheOfficialPictures() throws Exception {
        for (String fixture : List.of("titok-tiny", "titok-tiny-single-stage")) {
            for (int i = 0; i < 4; i++) {
                Reply r = server.upload("/v1/tokenize/image", "image_" + i + ".png", input(fixture, i), Map.of("model", fixture));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                JsonNode body = r.json();
                assertThat(ints(body.get("tokens"))).as("%s image %d", fixture, i).containsExactly(expectedTokens(fixture, i));
                assertThat(body.get("model").asString()).isEqualTo(fixture);
                assertThat(body.get("num_tokens").asInt()).isEqualTo(expectedTokens(fixture, i).length);
                assertThat(body.get("image_size").asInt()).isEqualTo(32);

                HttpResponse<byte[]> png = postForBytes("/v1/detokenize/image",
                        TesseraServer.JSON.writeValueAsString(Map.of("model", fixture, "tokens", expectedTokens(fixture, i))));
                assertThat(png.statusCode()).isEqualTo(200);
                assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
                assertSamePicture(png.body(), fixture(fixture).resolve("expected/image_" + i + ".decoded.png"));
            }
        }
    }

    @Test
    void batchesTokenizeAndDetokenizeInOneCall() throws Exception {
        List<String> images = new ArrayList<>();
        List<int[]> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(Base64.getEncoder().encodeToString(input("titok-tiny", i)));
            expected.add(expectedTokens("titok-tiny", i));
        }
        // No model named: the configured default (titok-tiny).
        JsonNode batch = server.postJson("/v1/tokenize/image", Map.of("images_base64", images)).json();
        for (int i = 0; i < 4; i++) {
            assertThat(ints(batch.get("tokens").get(i))).containsExactly(expected.get(i));
        }
        JsonNode single = server.postJson("/v1/tokenize/image", Map.of("image_base64", images.get(2))).json();
        assertThat(ints(single.get("tokens"))).containsExactly(expected.get(2));

        JsonNode decoded = server.postJson("/v1/detokenize/image", Map.of("tokens", expected)).json();
        assertThat(decoded.get("images_base64")).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertSamePicture(Base64.getDecoder().decode(decoded.get("images_base64").get(i).asString()),
                    fixture("titok-tiny").resolve("expected/image_" + i + ".decoded.png"));
        }
    }

    @Test
    void modelsListShowsWhatCanAndCannotBeServed() {
        JsonNode models = server.get("/v1/models").json().get("models");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        models.forEach(m -> byName.put(m.get("name").asString(), m));
        assertThat(byName.get("titok-tiny").get("status").asString()).isEqualTo("available");
        assertThat(byName.get("titok-tiny").get("kind").asString()).isEqualTo("image-tokenizer");
        assertThat(byName.get("titok-tiny").get("parameters").asLong()).isPositive();
        assertThat(byName.get("titok-tiny").get("device").asString()).startsWith("cpu");
        // The installed fixture folder named titok-tiny replaces the bundled model of that name.
        assertThat(byName.get("titok-tiny").get("source").asString()).isEqualTo("installed");
        assertThat(byName.get("titok-tiny").get("captions").asString()).isEqualTo("none");
        assertThat(byName.get("textok-tiny").get("source").asString()).isEqualTo("bundled");
        assertThat(byName.get("titok-truncated").get("status").asString()).isEqualTo("unavailable");
        assertThat(byName.get("titok-truncated").get("problem").asString())
                .contains(Path.of("titok-truncated", "model.safetensors").toString());
        assertThat(byName.get("titok-pickled").get("problem").asString()).contains("pytorch_model.bin", "before PyTorch 1.6");
        assertThat(byName.get("bge-small-en-v1.5").get("kind").asString()).isEqualTo("embedding");
        assertThat(byName.get("bge-small-en-v1.5").get("status").asString()).isEqualTo("loaded");
        assertThat(byName.get("bge-small-en-v1.5").get("device").asString()).isEqualTo("cpu()");
    }

    @Test
    void badImageRequestsGetProblems() throws Exception {
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "x.png", input("titok-tiny", 0),
                Map.of("model", "no-such-model")), 404, "model");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "x.png", input("titok-tiny", 0),
                Map.of("model", "titok-truncated")), 503, "model");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "notes.txt", "not an image".getBytes(),
                Map.of()), 415, "file");
        byte[] png = input("titok-tiny", 1);
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "cut.png", java.util.Arrays.copyOf(png, png.length - 40),
                Map.of()), 422, "file");
        BufferedImage big = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream bigPng = new java.io.ByteArrayOutputStream();
        ImageIO.write(big, "png", bigPng);
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "big.png", bigPng.toByteArray(), Map.of()), 413, "file");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/image", "huge.png",
                new byte[(int) TesseraServer.MAX_BODY_BYTES + 10], Map.of()), 413, null);
        BadInputTest.assertProblem(server.postJson("/v1/tokenize/image", Map.of("image_base64", "%%%")), 400, "image_base64");
    }

    @Test
    void badTokenRequestsGetProblems() throws Exception {
        int[] ok = expectedTokens("titok-tiny", 0);
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image",
                Map.of("tokens", java.util.Arrays.copyOf(ok, ok.length - 1))), 422, "tokens");
        int[] outOfRange = ok.clone();
        outOfRange[3] = 256;
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", Map.of("tokens", outOfRange)), 422, "tokens");
        outOfRange[3] = -1;
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", Map.of("tokens", outOfRange)), 422, "tokens");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", Map.of("tokens", List.of("a", "b"))), 400, "tokens");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/image", Map.of("model", "nope", "tokens", ok)), 404, "model");
    }

    private static HttpResponse<byte[]> postForBytes(String path, String json) throws Exception {
        String base = "http://127.0.0.1:" + server.context().getEnvironment().getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
