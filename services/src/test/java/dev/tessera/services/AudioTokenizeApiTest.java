package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/tokenize/audio} and {@code /v1/detokenize/audio} over HTTP with the EnCodec conformance
 * fixture installed as a model: a WAV and an MP3 of the same clip, the fixture's codes back to the
 * official waveform, and every bad input.
 */
class AudioTokenizeApiTest {

    static final Path FIXTURE = TesseraServer.FIXTURES.resolve("encodec-tiny");
    static TesseraServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TesseraServer.shared();
    }

    static int[] ints(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    static float[] floats(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** Expected codes of a clip as [K][T]. */
    static int[][] expectedCodes(int clip, int k) throws Exception {
        int[] flat = ints(FIXTURE.resolve("expected/clip_" + clip + ".nq" + k + ".codes.i32"));
        int frames = flat.length / k;
        int[][] codes = new int[k][frames];
        for (int q = 0; q < k; q++) {
            System.arraycopy(flat, q * frames, codes[q], 0, frames);
        }
        return codes;
    }

    static int[][] codes(JsonNode j) {
        int[][] out = new int[j.size()][];
        for (int q = 0; q < j.size(); q++) {
            out[q] = new int[j.get(q).size()];
            for (int t = 0; t < out[q].length; t++) {
                out[q][t] = j.get(q).get(t).asInt();
            }
        }
        return out;
    }

    private static Reply tokenize(String name, byte[] content, Map<String, String> fields) {
        Map<String, String> all = new HashMap<>(fields);
        all.putIfAbsent("model", TesseraServer.AUDIO_MODEL);
        return server.upload("/v1/tokenize/audio", name, content, all);
    }

    @Test
    void aWavOfTheFixtureClipGivesTheOfficialCodesAtBothBandwidths() throws Exception {
        byte[] wav = Files.readAllBytes(FIXTURE.resolve("inputs/clip_2.wav"));
        for (var c : List.of(Map.of("bandwidth_kbps", "0.9", "k", "2"), Map.of("bandwidth_kbps", "1.8", "k", "4"),
                Map.of("num_codebooks", "4", "k", "4"))) {
            Map<String, String> fields = new HashMap<>(c);
            int k = Integer.parseInt(fields.remove("k"));
            Reply r = tokenize("clip_2.wav", wav, fields);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode j = r.json();
            assertThat(j.path("model").asString()).isEqualTo(TesseraServer.AUDIO_MODEL);
            assertThat(j.path("sample_rate").asInt()).isEqualTo(24000);
            assertThat(j.path("frame_rate").asDouble()).isEqualTo(75.0);
            assertThat(j.path("num_codebooks").asInt()).isEqualTo(k);
            assertThat(j.path("codebook_size").asInt()).isEqualTo(64);
            assertThat(codes(j.path("codebooks"))).isDeepEqualTo(expectedCodes(2, k));
        }
        // No bandwidth: the smallest target bandwidth, as transformers' encode does.
        assertThat(tokenize("clip_2.wav", wav, Map.of()).json().path("num_codebooks").asInt()).isEqualTo(2);
    }

    @Test
    void anMp3OfTheSameClipTokenizesToTheSameShape() throws Exception {
        float[] samples = floats(FIXTURE.resolve("inputs/clip_2.f32"));
        short[] pcm = new short[samples.length];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(samples[i] * 32768);
        }
        Path mp3 = dir.resolve("clip_2.mp3");
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(mp3.toFile(), 1)) {
            r.setFormat("mp3");
            r.setAudioCodec(avcodec.AV_CODEC_ID_MP3);
            r.setSampleRate(24000);
            r.setAudioBitrate(128_000);
            r.start();
            r.recordSamples(24000, 1, ShortBuffer.wrap(pcm));
            r.stop();
        }
        Reply r = tokenize("clip_2.mp3", Files.readAllBytes(mp3), Map.of("bandwidth_kbps", "1.8"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int[][] codes = codes(r.json().path("codebooks"));
        assertThat(codes).hasNumberOfRows(4);
        // MP3 adds encoder delay and padding (about a frame at each end): within 3 frames of the WAV's 39.
        assertThat(codes[0].length).isBetween(39, 42);
        assertThat(r.json().path("duration_ms").asLong()).isBetween(500L, 560L);
    }

    @Test
    void theFixtureCodesDetokenizeToTheOfficialWaveformAfter16BitRounding() throws Exception {
        for (int clip = 0; clip < 4; clip++) {
            int[][] codes = expectedCodes(clip, 4);
            HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(server.base() + "/v1/detokenize/audio"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(TesseraServer.JSON.writeValueAsString(
                            Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", codes))))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("audio/wav");
            byte[] wav = r.body();
            assertThat(new String(wav, 0, 4)).isEqualTo("RIFF");
            assertThat(ByteBuffer.wrap(wav, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(24000);
            float[] expected = floats(FIXTURE.resolve("expected/clip_" + clip + ".nq4.decoded.f32"));
            ShortBuffer pcm = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            assertThat(pcm.remaining()).isEqualTo(expected.length);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(pcm.get(i) / 32767.0 - expected[i]));
            }
            // 5e-4 for the port (the tolerance) plus half a 16-bit step for the rounding.
            assertThat(worst).as("clip %d", clip).isLessThan(5e-4 + 0.5 / 32767);
        }
    }

    @Test
    void aTokenizeAnswerPostedAsItIsDecodesToTheOriginalLength() throws Exception {
        byte[] wav = Files.readAllBytes(FIXTURE.resolve("inputs/clip_2.wav"));
        Reply answer = tokenize("clip_2.wav", wav, Map.of("bandwidth_kbps", "1.8"));
        JsonNode j = answer.json();
        HttpResponse<byte[]> back = postForBytes(j);
        assertThat(back.statusCode()).as(new String(back.body())).isEqualTo(200);
        long samples = (back.body().length - 44) / 2;
        assertThat(samples).as("duration_ms trims the decoder's whole frames to the original length")
                .isEqualTo(Math.round(j.path("duration_ms").asLong() * 24000 / 1000.0))
                .isLessThan(j.path("frames").asLong() * 320);

        var untrimmed = (tools.jackson.databind.node.ObjectNode) j.deepCopy();
        untrimmed.remove("duration_ms");
        assertThat((postForBytes(untrimmed).body().length - 44) / 2).isEqualTo(j.path("frames").asLong() * 320);
    }

    @Test
    void aTokenizeAnswerThatDoesNotFitTheModelOrItsCodesIs422NamingTheField() throws Exception {
        JsonNode j = tokenize("clip_2.wav", Files.readAllBytes(FIXTURE.resolve("inputs/clip_2.wav")),
                Map.of("bandwidth_kbps", "0.9")).json();
        for (var edit : List.of(Map.entry("sample_rate", 16000), Map.entry("frame_rate", 50.0),
                Map.entry("codebook_size", 1024), Map.entry("num_codebooks", 4), Map.entry("bandwidth_kbps", 1.8),
                Map.entry("frames", 1), Map.entry("duration_ms", 10_000))) {
            var edited = (tools.jackson.databind.node.ObjectNode) j.deepCopy();
            edited.set(edit.getKey(), TesseraServer.JSON.valueToTree(edit.getValue()));
            Reply r = server.postJson("/v1/detokenize/audio", edited);
            BadInputTest.assertProblem(r, 422, edit.getKey());
            assertThat(r.json().path("detail").asString()).startsWith(edit.getKey() + " is " + edit.getValue());
        }
    }

    private static HttpResponse<byte[]> postForBytes(JsonNode body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.base() + "/v1/detokenize/audio"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void badAudioAndCodesGetProblemJson() throws Exception {
        byte[] wav = Files.readAllBytes(FIXTURE.resolve("inputs/clip_0.wav"));
        BadInputTest.assertProblem(tokenize("x.txt", "plain text, no audio".getBytes(), Map.of()), 415, "file");
        BadInputTest.assertProblem(tokenize("x.wav", java.util.Arrays.copyOf(wav, 20), Map.of()), 422, "file");
        byte[] corrupt = new byte[4096];   // a FLAC signature followed by noise
        new java.util.Random(9).nextBytes(corrupt);
        System.arraycopy("fLaC".getBytes(), 0, corrupt, 0, 4);
        BadInputTest.assertProblem(tokenize("x.flac", corrupt, Map.of()), 422, "file");
        BadInputTest.assertProblem(tokenize("x.wav", dev.tessera.tokenizers.audio.Wav.pcm16(new short[0], 24000, 1),
                Map.of()), 422, "file");
        byte[] silentVideo = Files.readAllBytes(Path.of("src/test/resources/video/swap.mp4"));
        BadInputTest.assertProblem(tokenize("x.mp4", silentVideo, Map.of()), 422, "file");
        BadInputTest.assertProblem(tokenize("x.wav", new byte[0], Map.of()), 400, "file");
        BadInputTest.assertProblem(tokenize("x.wav", wav, Map.of("bandwidth_kbps", "6")), 400, "bandwidth_kbps");
        BadInputTest.assertProblem(tokenize("x.wav", wav, Map.of("num_codebooks", "5")), 400, "num_codebooks");
        BadInputTest.assertProblem(tokenize("x.wav", wav, Map.of("num_codebooks", "2", "bandwidth_kbps", "0.9")), 400,
                "num_codebooks");
        BadInputTest.assertProblem(tokenize("x.wav", wav, Map.of("model", "encodec-48k")), 404, "model");
        BadInputTest.assertProblem(tokenize("x.wav", wav, Map.of("model", "encodec-no-weights")), 503, "model");

        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", List.of(List.of(1, 64)))), 422, "codebooks");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", List.of(List.of(1, -1)))), 422, "codebooks");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio", Map.of("model", TesseraServer.AUDIO_MODEL,
                "codebooks", List.of(List.of(1), List.of(1), List.of(1), List.of(1), List.of(1)))), 422, "codebooks");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", List.of(List.of(1, 2), List.of(3)))), 400, "codebooks");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", List.of())), 400, "codebooks");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", "nope", "codebooks", List.of(List.of(1)))), 404, "model");
        BadInputTest.assertProblem(server.postJson("/v1/detokenize/audio",
                Map.of("model", TesseraServer.AUDIO_MODEL, "codebooks", "abc")), 400, null);
    }

    @Test
    void modelsListTheAudioTokenizers() {
        Map<String, JsonNode> byName = new HashMap<>();
        server.get("/v1/models").json().path("models").forEach(m -> byName.put(m.path("name").asString(), m));
        JsonNode m = byName.get(TesseraServer.AUDIO_MODEL);
        assertThat(m.path("kind").asString()).isEqualTo("audio-tokenizer");
        assertThat(m.path("status").asString()).isEqualTo("available");
        assertThat(m.path("sample_rate").asInt()).isEqualTo(24000);
        assertThat(m.path("num_codebooks").asInt()).isEqualTo(4);
        assertThat(m.path("bandwidths_kbps").toString()).isEqualTo("[0.9,1.8]");
        assertThat(byName.get("encodec-no-weights").path("status").asString()).isEqualTo("unavailable");
        assertThat(byName.get("encodec-no-weights").path("problem").asString()).contains("model.safetensors");
    }
}
