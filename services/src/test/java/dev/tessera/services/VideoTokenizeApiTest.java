package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/tokenize/video} over HTTP: an MP4 and a WebM of the same scene, and bad input. */
class VideoTokenizeApiTest {

    static final Path CLIPS = Path.of("src/test/resources/video");
    static TesseraServer server;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    @Test
    void mp4AndWebmGiveTokensPositionsAndTheCompressionRatio() throws Exception {
        for (String name : new String[] {"swap.mp4", "swap.webm"}) {
            Reply r = server.upload("/v1/tokenize/video", name, Files.readAllBytes(CLIPS.resolve(name)),
                    Map.of("fps", "5", "num_tokens", "2", "return_codebook", "true", "backbone", "descriptor"));
            assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.path("model").asString()).isEqualTo("vqtoken");
            assertThat(j.path("backbone").asString()).contains("weight-free");
            assertThat(j.path("tokens").size()).isEqualTo(2);
            JsonNode p = j.path("positions");
            assertThat(p.path("frames").asInt()).isEqualTo(10);
            assertThat(p.path("h").asInt()).isEqualTo(8);
            assertThat(p.path("w").asInt()).isEqualTo(8);
            assertThat(p.path("index").size()).isEqualTo(10 * 64);
            assertThat(p.path("times_ms").size()).isEqualTo(10);
            assertThat(j.path("compression_ratio").asDouble()).isEqualTo(2.0 / 640);
            assertThat(j.path("codebook").size()).isEqualTo(2);
            assertThat(j.path("fidelity").asDouble()).isGreaterThan(0.9);
            // The swap at 1 s: top-left patch is entry 0 before it and entry 1 after.
            assertThat(p.path("index").get(0).asInt()).isEqualTo(0);
            assertThat(p.path("index").get(9 * 64).asInt()).isEqualTo(1);
        }
        Reply adaptive = server.upload("/v1/tokenize/video", "swap.mp4", Files.readAllBytes(CLIPS.resolve("swap.mp4")),
                Map.of("k_min", "3", "k_max", "6", "backbone", "descriptor"));
        assertThat(adaptive.status()).as(adaptive.body()).isEqualTo(200);
        assertThat(adaptive.json().path("adaptive").asBoolean()).isTrue();
        // Two flat colours are at most a handful of distinct patch vectors: entries no patch uses are
        // dropped, so K may come out below k_min here (never above k_max).
        assertThat(adaptive.json().path("num_tokens").asInt()).isBetween(2, 6);
        assertThat(adaptive.json().has("codebook")).isFalse();
    }

    @Test
    void badVideosAndParametersGetProblemJson() throws Exception {
        byte[] mp4 = Files.readAllBytes(CLIPS.resolve("swap.mp4"));
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.txt", "just text".getBytes(), Map.of()), 415, "file");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", Arrays.copyOf(mp4, mp4.length / 3), Map.of()),
                422, "file");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.wav", wav(), Map.of()), 422, "file");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("fps", "0")), 400, "fps");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("max_frames", "100000")),
                400, "max_frames");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("num_tokens", "0")),
                400, "num_tokens");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("model", "sora")), 404, "model");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", new byte[0], Map.of()), 400, "file");
    }

    @Test
    void anInstalledVisionTowerIsTheAutoChoiceAndTiTokPatchStatesAreTheNext() throws Exception {
        byte[] mp4 = Files.readAllBytes(CLIPS.resolve("swap.mp4"));
        // The shared server has a vision tower installed (clip-tiny: 32 px, 8-px patches, 24-d, class token dropped).
        for (Map<String, String> fields : java.util.List.of(Map.of("fps", "5", "num_tokens", "2"),
                Map.of("fps", "5", "num_tokens", "2", "backbone", TesseraServer.VISION_TOWER))) {
            Reply r = server.upload("/v1/tokenize/video", "swap.mp4", mp4, fields);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("backbone").asString()).isEqualTo("vision-tower clip-tiny (onnx)");
            assertThat(r.json().path("positions").path("h").asInt()).isEqualTo(4);
            assertThat(r.json().path("positions").path("index").size()).isEqualTo(10 * 16);
            assertThat(r.json().path("tokens").size()).isEqualTo(2);
        }
        // An installed TiTok encoder by name (titok-tiny, 32 px, 4 × 4 patches).
        Reply titok = server.upload("/v1/tokenize/video", "swap.mp4", mp4,
                Map.of("fps", "5", "num_tokens", "2", "backbone", "titok-tiny"));
        assertThat(titok.status()).as(titok.body()).isEqualTo(200);
        assertThat(titok.json().path("backbone").asString()).isEqualTo("titok-patch-states (titok-tiny)");
        assertThat(titok.json().path("positions").path("index").size()).isEqualTo(10 * 16);
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("backbone", "clip-vit")),
                404, "backbone");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("backbone", "textok-tiny")),
                400, "backbone");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("backbone", "titok-truncated")),
                400, "backbone");
        BadInputTest.assertProblem(server.upload("/v1/tokenize/video", "x.mp4", mp4, Map.of("backbone", "tower-broken")),
                400, "backbone");
    }

    @Test
    void aClipRunAsAJobReportsProgressAndEndsWithTheSameAnswer() throws Exception {
        byte[] mp4 = Files.readAllBytes(CLIPS.resolve("swap.mp4"));
        Map<String, String> fields = Map.of("fps", "5", "num_tokens", "2", "backbone", "descriptor");
        JsonNode direct = server.upload("/v1/tokenize/video", "swap.mp4", mp4, fields).json();
        Map<String, String> async = new java.util.HashMap<>(fields);
        async.put("async", "true");
        Reply accepted = server.upload("/v1/tokenize/video", "swap.mp4", mp4, async);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).startsWith("/v1/jobs/video-");
        JsonNode job = accepted.json();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        while (!job.path("state").asString().equals("done") && !job.path("state").asString().equals("failed")
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            job = server.get(location).json();
        }
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("done");
        assertThat(job.path("kind").asString()).isEqualTo("video-tokenize");
        assertThat(job.path("frames_done").asInt()).isEqualTo(10);
        assertThat(job.path("frames_expected").asInt()).isEqualTo(10);
        assertThat(job.path("frames_per_second").asDouble()).isPositive();
        assertThat(job.path("eta_seconds").asDouble()).isZero();
        assertThat(job.path("result").path("positions").path("index")).isEqualTo(direct.path("positions").path("index"));

        // Bad bytes found only while the job runs end it as failed, with the reason.
        Reply broken = server.upload("/v1/tokenize/video", "x.mp4", Arrays.copyOf(mp4, mp4.length / 3), async);
        assertThat(broken.status()).isEqualTo(202);
        String brokenAt = broken.header("Location");
        JsonNode failed = broken.json();
        deadline = java.time.Instant.now().plusSeconds(60);
        while (!failed.path("state").asString().equals("failed") && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            failed = server.get(brokenAt).json();
        }
        assertThat(failed.path("state").asString()).isEqualTo("failed");
        assertThat(failed.path("message").asString()).contains("corrupt or truncated");
        BadInputTest.assertProblem(server.get("/v1/jobs/video-no-such-job"), 404, null);
    }

    @Test
    void modelsListTheVideoTokenizerAndTheVisionTowers() {
        JsonNode models = server.get("/v1/models").json().path("models");
        boolean found = false;
        for (JsonNode m : models) {
            if (m.path("name").asString().equals("vqtoken")) {
                found = true;
                assertThat(m.path("kind").asString()).isEqualTo("video-tokenizer");
                assertThat(m.path("status").asString()).isEqualTo("available");
            }
        }
        assertThat(found).isTrue();
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        models.forEach(m -> byName.put(m.path("name").asString(), m));
        JsonNode tower = byName.get(TesseraServer.VISION_TOWER);
        assertThat(tower.path("kind").asString()).isEqualTo("vision-tower");
        assertThat(tower.path("status").asString()).isEqualTo("available");
        assertThat(tower.path("dimension").asInt()).isEqualTo(24);
        assertThat(tower.path("image_size").asInt()).isEqualTo(32);
        assertThat(byName.get("tower-broken").path("status").asString()).isEqualTo("unavailable");
        assertThat(byName.get("tower-broken").path("problem").asString()).contains("model.onnx");
    }

    /** Half a second of a 440 Hz tone as 16-bit mono PCM WAV: audio only. */
    static byte[] wav() {
        return dev.tessera.tokenizers.audio.Wav.pcm16(dev.tessera.tokenizers.audio.Wav.tone(440, 0.5, 8000, 8000), 8000, 1);
    }
}
