package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Store and search by example: clips tokenized with {@code index=true} go into the video index;
 * {@code POST /v1/search} with a clip, an image or {@code like_video} finds them, with the time span
 * of the match; stored clips survive a restart and can be deleted.
 */
class VideoSearchApiTest {

    static final Path CLIPS = Path.of("src/test/resources/video");
    static final Map<String, String> DESCRIPTOR = Map.of("backbone", "descriptor", "fps", "5");
    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.startBare();
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() {
        server.close();
    }

    private static Reply store(String file, String id, String metadata) throws Exception {
        Map<String, String> fields = new java.util.HashMap<>(DESCRIPTOR);
        fields.put("index", "true");
        if (id != null) {
            fields.put("id", id);
        }
        if (metadata != null) {
            fields.put("metadata", metadata);
        }
        return server.upload("/v1/tokenize/video", file, Files.readAllBytes(CLIPS.resolve(file)), fields);
    }

    private static List<String> ids(JsonNode hits) {
        List<String> ids = new java.util.ArrayList<>();
        hits.forEach(h -> ids.add(h.path("video_id").asString()));
        return ids;
    }

    @Test
    void storedClipsAreFoundByAnExampleClipOrImageWithTheSpanOfTheMatch() throws Exception {
        Reply swap = store("swap.mp4", "swap", "{\"set\":\"a\"}");
        assertThat(swap.status()).as(swap.body()).isEqualTo(200);
        assertThat(swap.json().path("video_id").asString()).isEqualTo("swap");
        assertThat(store("square.mp4", "square", "{\"set\":\"b\"}").status()).isEqualTo(200);
        Reply cut = store("cut.mp4", null, "{\"set\":\"b\"}");
        assertThat(cut.status()).as(cut.body()).isEqualTo(200);
        String cutId = cut.json().path("video_id").asString();
        assertThat(cutId).matches("[0-9a-f]{16}");   // default id: digest of the file

        // The same scene in another container and codec (WebM/VP8) as the example.
        Reply found = server.upload("/v1/search", "swap.webm", Files.readAllBytes(CLIPS.resolve("swap.webm")),
                DESCRIPTOR);
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode hits = found.json().path("hits");
        assertThat(found.json().path("mode").asString()).isEqualTo("video");
        assertThat(ids(hits)).containsExactly("swap", cutId, "square");
        assertThat(hits.get(0).path("score").asDouble()).isGreaterThan(0.95);
        assertThat(hits.get(0).path("source").asString()).isEqualTo("swap.mp4");
        assertThat(hits.get(2).path("score").asDouble()).isLessThan(hits.get(1).path("score").asDouble());
        // cut.mp4 holds the red | blue halves from 1 s on: the span says so.
        assertThat(hits.get(1).path("start_ms").asLong()).isEqualTo(1000);
        assertThat(hits.get(1).path("end_ms").asLong()).isEqualTo(2000);
        assertThat(hits.get(1).path("duration_ms").asLong()).isEqualTo(2000);

        // A still image is an example too; filters apply.
        Reply byImage = server.upload("/v1/search", "halves.png", redBlueHalves(),
                Map.of("backbone", "descriptor", "filter", "{\"set\":\"b\"}", "k", "1"));
        assertThat(byImage.status()).as(byImage.body()).isEqualTo(200);
        assertThat(ids(byImage.json().path("hits"))).containsExactly(cutId);

        // like_video: clips like a stored one, itself left out.
        Reply like = server.postJson("/v1/search", Map.of("like_video", "swap"));
        assertThat(like.status()).as(like.body()).isEqualTo(200);
        assertThat(ids(like.json().path("hits"))).containsExactly(cutId, "square");

        assertThat(server.get("/v1/admin/stats").json().path("videos").asLong()).isEqualTo(3);
        Reply stored = server.get("/v1/videos/" + cutId);
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.json().path("source").asString()).isEqualTo("cut.mp4");
        assertThat(stored.json().path("frames").asInt()).isEqualTo(10);
        assertThat(stored.json().path("metadata").path("set").asString()).isEqualTo("b");

        // Restart on the same data dir: the clips are still there; then delete one.
        server = server.restart();
        assertThat(ids(server.postJson("/v1/search", Map.of("like_video", "swap")).json().path("hits")))
                .containsExactly(cutId, "square");
        assertThat(server.delete("/v1/videos/square").status()).isEqualTo(204);
        assertThat(server.get("/v1/videos/square").status()).isEqualTo(404);
        assertThat(ids(server.postJson("/v1/search", Map.of("like_video", "swap")).json().path("hits")))
                .containsExactly(cutId);
    }

    @Test
    void badStoreAndSearchRequestsGetProblemJsonAndStoreNothing() throws Exception {
        byte[] mp4 = Files.readAllBytes(CLIPS.resolve("swap.mp4"));
        Map<String, String> bad = new java.util.HashMap<>(DESCRIPTOR);
        bad.put("index", "true");
        bad.put("id", "has space");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "swap.mp4", mp4, bad), 400, "id");
        bad.put("id", "ok");
        bad.put("metadata", "[1,2]");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "swap.mp4", mp4, bad), 400, "metadata");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "swap.mp4", mp4, Map.of("id", "x")), 400, "id");
        bad.remove("metadata");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4",
                java.util.Arrays.copyOf(mp4, mp4.length / 3), bad), 422, "file");
        assertThat(server.get("/v1/videos/ok").status()).isEqualTo(404);

        BadInputTest.assertProblem(server.upload("/v1/search", "x.txt", "text".getBytes(), DESCRIPTOR), 415, "file");
        BadInputTest.assertProblem(server.upload("/v1/search", "x.mp4", mp4, Map.of("k", "0")), 400, "k");
        BadInputTest.assertProblem(server.upload("/v1/search", "x.mp4", mp4, Map.of("filter", "nope")), 400, "filter");
        BadInputTest.assertProblem(server.upload("/v1/search", "x.mp4", mp4, Map.of("backbone", "clip-vit")), 404,
                "backbone");
        BadInputTest.assertProblem(server.postJson("/v1/search", Map.of("like_video", "nobody")), 404, null);
        BadInputTest.assertProblem(server.postJson("/v1/search", Map.of("like_video", "x", "query", "wings")), 400,
                "like_video");
        BadInputTest.assertProblem(server.delete("/v1/videos/nobody"), 404, null);
    }

    private static byte[] redBlueHalves() throws Exception {
        BufferedImage img = new BufferedImage(128, 128, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 64, 128);
        g.setColor(Color.BLUE);
        g.fillRect(64, 0, 64, 128);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
