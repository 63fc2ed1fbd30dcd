package dev.tessera.tokenizers.video.vqtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixtures are tiny random-weight towers made by scripts/make-vision-tower-fixture.py (see
 * fixtures/vision-tower/README.md): 32 px, patch 8 → 4×4 grid, 24-d; expected.f32 is numpy's
 * forward pass for the two images in inputs.f32.
 */
class VisionTowerPatchesTest {

    static final int SIZE = 32;
    static final int GRID = 4;
    static final int DIM = 24;

    static Path fixture(String name) {
        try {
            return Path.of(VisionTowerPatchesTest.class.getResource("/fixtures/vision-tower/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] readF32(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }

    /** The two test images, CHW in [0, 1]. */
    static List<float[]> inputs() throws IOException {
        float[] all = readF32(fixture("inputs.f32"));
        int n = 3 * SIZE * SIZE;
        assertThat(all).hasSize(2 * n);
        return List.of(Arrays.copyOfRange(all, 0, n), Arrays.copyOfRange(all, n, 2 * n));
    }

    static List<float[]> expected(Path folder) throws IOException {
        float[] all = readF32(folder.resolve("expected.f32"));
        int n = GRID * GRID * DIM;
        assertThat(all).hasSize(2 * n);
        return List.of(Arrays.copyOfRange(all, 0, n), Arrays.copyOfRange(all, n, 2 * n));
    }

    static void assertMatches(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).as("image %d", i).hasSize(expected.get(i).length);
            for (int j = 0; j < actual.get(i).length; j++) {
                assertThat(Math.abs(actual.get(i)[j] - expected.get(i)[j]))
                        .as("image %d, token %d, channel %d", i, j / DIM, j % DIM).isLessThan(1e-4f);
            }
        }
    }

    static Path copyOf(Path fixture, Path into, String... files) throws IOException {
        for (String f : files) {
            Files.copy(fixture.resolve(f), into.resolve(f));
        }
        return into;
    }

    @Test
    void clipLikeTowerDropsTheClassTokenAndMatchesNumpy() throws Exception {
        try (VisionTowerPatches tower = VisionTowerPatches.load("clip-tiny", fixture("clip-tiny"))) {
            assertThat(tower.name()).isEqualTo("vision-tower clip-tiny (onnx)");
            assertThat(tower.engine()).isEqualTo("OnnxRuntime");
            assertThat(tower.device()).isEqualTo("cpu()");
            assertThat(tower.frameSize()).isEqualTo(SIZE);
            assertThat(tower.grid()).isEqualTo(GRID);
            assertThat(tower.dimension()).isEqualTo(DIM);
            assertThat(tower.hasClassToken()).isTrue();
            assertMatches(tower.embed(inputs()), expected(fixture("clip-tiny")));
        }
    }

    @Test
    void siglipLikeTowerKeepsEveryTokenAndMatchesNumpy() throws Exception {
        try (VisionTowerPatches tower = VisionTowerPatches.load("siglip-tiny", fixture("siglip-tiny"))) {
            assertThat(tower.frameSize()).isEqualTo(SIZE);
            assertThat(tower.grid()).isEqualTo(GRID);
            assertThat(tower.dimension()).isEqualTo(DIM);
            assertThat(tower.hasClassToken()).isFalse();
            assertMatches(tower.embed(inputs()), expected(fixture("siglip-tiny")));
        }
    }

    @Test
    void moreFramesThanOneBatchComeBackInOrder() throws Exception {
        List<float[]> images = inputs();
        List<float[]> want = expected(fixture("clip-tiny"));
        List<float[]> frames = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 2 * VisionTowerPatches.BATCH + 3; i++) {
            frames.add(images.get(i % 3 == 0 ? 1 : 0));
            expected.add(want.get(i % 3 == 0 ? 1 : 0));
        }
        try (VisionTowerPatches tower = VisionTowerPatches.load("clip-tiny", fixture("clip-tiny"))) {
            assertMatches(tower.embed(frames), expected);
            assertThat(tower.embed(List.of())).isEmpty();
        }
    }

    @Test
    void withoutConfigJsonThePatchGridComesFromTheTokenCount(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"clip-tiny", "siglip-tiny"}) {
            Path folder = copyOf(fixture(name), Files.createDirectory(dir.resolve(name)),
                    "model.onnx", "preprocessor_config.json");
            assertThat(VisionTowerPatches.isVisionTower(folder)).as(name).isTrue();
            try (VisionTowerPatches tower = VisionTowerPatches.load(name, folder)) {
                assertThat(tower.grid()).as(name).isEqualTo(GRID);
                assertThat(tower.hasClassToken()).as(name).isEqualTo(name.startsWith("clip"));
                assertMatches(tower.embed(inputs()), expected(fixture(name)));
            }
        }
    }

    @Test
    void aClipConfigJsonWithoutPreprocessorConfigUsesClipStatistics(@TempDir Path dir) throws Exception {
        Path folder = copyOf(fixture("clip-tiny"), dir, "model.onnx", "config.json");
        assertThat(VisionTowerPatches.isVisionTower(folder)).isTrue();
        try (VisionTowerPatches tower = VisionTowerPatches.load("clip-tiny", folder)) {
            assertThat(tower.frameSize()).isEqualTo(SIZE);
            assertMatches(tower.embed(inputs()), expected(fixture("clip-tiny")));
        }
    }

    @Test
    void theModelMayLiveUnderOnnxSlash(@TempDir Path dir) throws Exception {
        copyOf(fixture("siglip-tiny"), dir, "preprocessor_config.json");
        Files.createDirectory(dir.resolve("onnx"));
        Files.copy(fixture("siglip-tiny").resolve("model.onnx"), dir.resolve("onnx/model.onnx"));
        assertThat(VisionTowerPatches.isVisionTower(dir)).isTrue();
        try (VisionTowerPatches tower = VisionTowerPatches.load("siglip-tiny", dir)) {
            assertMatches(tower.embed(inputs()), expected(fixture("siglip-tiny")));
        }
    }

    @Test
    void torchScriptTowerRunsOnThePyTorchEngineAndMatchesNumpy(@TempDir Path dir) throws Exception {
        Path folder = fixture("siglip-tiny-torchscript");
        assertThat(VisionTowerPatches.isVisionTower(folder)).isTrue();
        try (VisionTowerPatches tower = VisionTowerPatches.load("siglip-ts", folder)) {
            assertThat(tower.name()).isEqualTo("vision-tower siglip-ts (torchscript)");
            assertThat(tower.engine()).isEqualTo("PyTorch");
            assertThat(tower.grid()).isEqualTo(GRID);
            assertThat(tower.dimension()).isEqualTo(DIM);
            assertThat(tower.hasClassToken()).isFalse();
            // The module returns (pooler_output [B, 24], last_hidden_state [B, 16, 24]) unnamed: the rank-3 one is used.
            assertMatches(tower.embed(inputs()), expected(folder));
        }
        // Any *.torchscript name works too.
        copyOf(folder, dir, "preprocessor_config.json", "config.json");
        Files.copy(folder.resolve("model.pt"), dir.resolve("siglip.torchscript"));
        assertThat(VisionTowerPatches.isVisionTower(dir)).isTrue();
        try (VisionTowerPatches tower = VisionTowerPatches.load("siglip-ts", dir)) {
            assertMatches(tower.embed(inputs()), expected(folder));
        }
    }

    @Test
    void isVisionTowerOnlyForImageEncoderFolders(@TempDir Path dir) throws Exception {
        assertThat(VisionTowerPatches.isVisionTower(fixture("clip-tiny"))).isTrue();
        assertThat(VisionTowerPatches.isVisionTower(fixture("siglip-tiny"))).isTrue();

        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(VisionTowerPatches.isVisionTower(empty)).isFalse();
        assertThat(VisionTowerPatches.isVisionTower(dir.resolve("missing"))).isFalse();
        assertThat(VisionTowerPatches.isVisionTower(null)).isFalse();

        Path text = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("text")),
                "model.onnx", "config.json", "preprocessor_config.json");
        Files.writeString(text.resolve("tokenizer.json"), "{}");
        assertThat(VisionTowerPatches.isVisionTower(text)).as("a tokenizer.json marks a text embedder").isFalse();

        Path noModel = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("configs-only")),
                "config.json", "preprocessor_config.json");
        assertThat(VisionTowerPatches.isVisionTower(noModel)).isFalse();

        Path otherType = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("bert")), "model.onnx");
        Files.writeString(otherType.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertThat(VisionTowerPatches.isVisionTower(otherType)).isFalse();

        Path fullClip = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("clip")), "model.onnx");
        Files.writeString(fullClip.resolve("config.json"),
                "{\"model_type\": \"clip\", \"vision_config\": {\"image_size\": 32, \"patch_size\": 8}}");
        assertThat(VisionTowerPatches.isVisionTower(fullClip)).isTrue();
        try (VisionTowerPatches tower = VisionTowerPatches.load("clip", fullClip)) {
            assertThat(tower.grid()).isEqualTo(GRID);
            assertMatches(tower.embed(inputs()), expected(fixture("clip-tiny")));
        }

        Path brokenConfig = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("broken")), "model.onnx");
        Files.writeString(brokenConfig.resolve("config.json"), "{not json");
        assertThat(VisionTowerPatches.isVisionTower(brokenConfig)).isFalse();
    }

    @Test
    void aCorruptModelFileIsAClearIllegalArgument(@TempDir Path dir) throws Exception {
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);

        Path onnx = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("onnx")),
                "config.json", "preprocessor_config.json");
        Files.write(onnx.resolve("model.onnx"), noise);
        assertThatThrownBy(() -> VisionTowerPatches.load("broken", onnx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vision tower broken")
                .hasMessageContaining("cannot load model.onnx with OnnxRuntime");

        Path ts = copyOf(fixture("siglip-tiny-torchscript"), Files.createDirectory(dir.resolve("ts")),
                "config.json", "preprocessor_config.json");
        Files.write(ts.resolve("model.pt"), noise);
        assertThatThrownBy(() -> VisionTowerPatches.load("broken", ts))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load model.pt with PyTorch");

        Path empty = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("empty")), "preprocessor_config.json");
        Files.write(empty.resolve("model.onnx"), new byte[0]);
        assertThatThrownBy(() -> VisionTowerPatches.load("broken", empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");

        Path none = copyOf(fixture("clip-tiny"), Files.createDirectory(dir.resolve("none")), "preprocessor_config.json");
        assertThatThrownBy(() -> VisionTowerPatches.load("broken", none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no model.onnx");
    }

    @Test
    void aBadPreprocessorConfigIsAClearIllegalArgument(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"{not json", "not valid JSON"},
                {"[1, 2]", "not a JSON object"},
                {"{\"size\": {\"height\": 32, \"width\": 48}, \"image_mean\": [0.5,0.5,0.5], \"image_std\": [0.5,0.5,0.5]}",
                        "only square inputs"},
                {"{\"size\": \"big\", \"image_mean\": [0.5,0.5,0.5], \"image_std\": [0.5,0.5,0.5]}", "size must be"},
                {"{\"size\": 32, \"image_std\": [0.5,0.5,0.5]}", "has no image_mean"},
                {"{\"size\": 32, \"image_mean\": [0.5,0.5], \"image_std\": [0.5,0.5,0.5]}", "image_mean must be 3 numbers"},
                {"{\"size\": 32, \"image_mean\": [0.5,0.5,0.5], \"image_std\": [0.5,0,0.5]}", "image_std must be positive"},
                {"{\"image_mean\": [0.5,0.5,0.5], \"image_std\": [0.5,0.5,0.5]}", "gives no image size"},
                {"{\"size\": 64, \"image_mean\": [0.5,0.5,0.5], \"image_std\": [0.5,0.5,0.5]}", "64×64"},
        };
        int i = 0;
        for (String[] c : cases) {
            Path folder = copyOf(fixture("siglip-tiny"), Files.createDirectory(dir.resolve("case" + i++)), "model.onnx");
            Files.writeString(folder.resolve("preprocessor_config.json"), c[0]);
            assertThatThrownBy(() -> VisionTowerPatches.load("bad", folder)).as(c[0])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vision tower bad")
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void aPatchSizeThatDoesNotFitTheTokenCountIsRejectedAtLoad(@TempDir Path dir) throws Exception {
        Path folder = copyOf(fixture("clip-tiny"), dir, "model.onnx", "preprocessor_config.json");
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"clip_vision_model\", \"patch_size\": 16}");
        assertThatThrownBy(() -> VisionTowerPatches.load("clip-tiny", folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gives 17 tokens")
                .hasMessageContaining("2×2 grid");
    }

    @Test
    void autoPicksTheCpuWithoutAUsableGpuAndAGpuRequestThatCannotRunIsClear() throws Exception {
        assertThat(VisionTowerPatches.chooseDevice(fixture("clip-tiny"), "cpu")).isEqualTo(Device.cpu());
        assertThat(VisionTowerPatches.chooseDevice(fixture("clip-tiny"), "gpu:1")).isEqualTo(Device.gpu(1));
        assertThat(VisionTowerPatches.chooseDevice(fixture("clip-tiny"), "cuda")).isEqualTo(Device.gpu());
        assertThatThrownBy(() -> VisionTowerPatches.chooseDevice(fixture("clip-tiny"), "tpu"))
                .isInstanceOf(IllegalArgumentException.class);
        // The test build has ONNX Runtime's CPU build and PyTorch's CPU natives only.
        for (String name : new String[] {"clip-tiny", "siglip-tiny-torchscript"}) {
            Device auto = VisionTowerPatches.chooseDevice(fixture(name), "auto");
            try (VisionTowerPatches tower = VisionTowerPatches.load(name, fixture(name), auto)) {
                assertThat(tower.device()).isEqualTo(auto.toString());
            }
            if (!auto.isGpu()) {
                assertThatThrownBy(() -> VisionTowerPatches.load(name, fixture(name), Device.gpu()))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("gpu(0) requested but");
            }
        }
    }

    @Test
    void framesOfTheWrongSizeAreRejected() throws Exception {
        try (VisionTowerPatches tower = VisionTowerPatches.load("siglip-tiny", fixture("siglip-tiny"))) {
            assertThatThrownBy(() -> tower.embed(List.of(new float[3 * 16 * 16])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3 × 32 × 32");
        }
    }

    static float[] solid(float r, float g, float b) {
        float[] frame = new float[3 * SIZE * SIZE];
        Arrays.fill(frame, 0, SIZE * SIZE, r);
        Arrays.fill(frame, SIZE * SIZE, 2 * SIZE * SIZE, g);
        Arrays.fill(frame, 2 * SIZE * SIZE, 3 * SIZE * SIZE, b);
        return frame;
    }

    @Test
    void vqTokenRunsEndToEndOverTheTowersPatchVectors() throws Exception {
        List<float[]> frames = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            frames.add(t < 3 ? solid(0.9f, 0.1f, 0.1f) : solid(0.1f, 0.2f, 0.9f));
        }
        for (String name : new String[] {"clip-tiny", "siglip-tiny"}) {
            try (VisionTowerPatches tower = VisionTowerPatches.load(name, fixture(name))) {
                List<float[]> patches = tower.embed(frames);
                assertThat(patches).hasSize(6).allSatisfy(p -> assertThat(p).hasSize(GRID * GRID * DIM));
                VQToken.Result r = VQToken.tokenize(patches, tower.grid(), tower.grid(), VQToken.Options.fixed(3));
                assertThat(r.k()).as(name).isEqualTo(3);
                assertThat(r.tokens()).containsExactly(0, 1, 2);
                assertThat(r.frames()).isEqualTo(6);
                assertThat(r.height()).isEqualTo(GRID);
                assertThat(r.width()).isEqualTo(GRID);
                assertThat(r.index()).hasSize(6 * GRID * GRID);
                assertThat(Arrays.stream(r.index()).min().orElseThrow()).isEqualTo(0);
                assertThat(Arrays.stream(r.index()).max().orElseThrow()).isEqualTo(2);
                assertThat(r.codebook()).hasNumberOfRows(3);
                assertThat(r.codebook()[0]).hasSize(DIM);
                // Identical frames get identical position maps.
                int perFrame = GRID * GRID;
                for (int t = 1; t < 6; t++) {
                    int same = t < 3 ? 0 : 3;
                    assertThat(Arrays.copyOfRange(r.index(), t * perFrame, (t + 1) * perFrame)).as(name + " frame " + t)
                            .containsExactly(Arrays.copyOfRange(r.index(), same * perFrame, (same + 1) * perFrame));
                }
                assertThat(r.fidelity()).isGreaterThan(0).isLessThanOrEqualTo(1.0001);
                VQToken.Result adaptive = VQToken.tokenize(patches, tower.grid(), tower.grid(), VQToken.Options.adaptive());
                assertThat(adaptive.k()).isBetween(1, 32);
            }
        }
    }
}
