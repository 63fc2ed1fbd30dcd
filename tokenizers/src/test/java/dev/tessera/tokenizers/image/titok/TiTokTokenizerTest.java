package dev.tessera.tokenizers.image.titok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input validation, load failures and the VAE path. */
class TiTokTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void wrongTokenCountOrOutOfRangeIdsAreIllegalArguments() throws IOException {
        try (TiTokTokenizer model = TiTokTokenizer.load(Fixtures.dir(TiTokFixtureTest.SINGLE_STAGE), "cpu")) {
            int n = model.numTokens();
            assertThatThrownBy(() -> model.detokenize(List.of(new int[n - 1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected exactly 16");
            assertThatThrownBy(() -> model.detokenize(List.of(new int[n + 1])))
                    .isInstanceOf(IllegalArgumentException.class);
            int[] tooBig = new int[n];
            tooBig[3] = model.codebookSize();
            assertThatThrownBy(() -> model.detokenize(List.of(new int[n], tooBig)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token list 1, position 3: id 128 is outside [0, 128)");
            int[] negative = new int[n];
            negative[0] = -1;
            assertThatThrownBy(() -> model.detokenize(List.of(negative))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.tokenize(List.of(new float[3 * 31 * 31])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3072");
            assertThat(model.tokenize(List.of())).isEmpty();
            assertThat(model.detokenize(List.of())).isEmpty();
            model.close();
            assertThatThrownBy(() -> model.tokenize(List.of(new float[3 * 32 * 32])))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void deviceChoice() {
        assertThat(TiTokTokenizer.chooseDevice("cpu").toString()).isEqualTo("cpu()");
        assertThat(TiTokTokenizer.chooseDevice("auto")).isNotNull();
        assertThatThrownBy(() -> TiTokTokenizer.chooseDevice("tpu")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTorchSaveCheckpointServesTheSameTokensAsItsSafetensorsCopy() throws Exception {
        // The titok-tiny weights saved by Debian's PyTorch (scripts/make-torch-checkpoint-fixture.py).
        Path pickled = Files.createDirectories(dir.resolve("titok-tiny-pt"));
        Files.copy(Fixtures.dir(TiTokFixtureTest.TWO_STAGE).resolve("config.json"), pickled.resolve("config.json"));
        Files.copy(Fixtures.dir("torch-checkpoints").resolve("titok-tiny.pytorch_model.bin"),
                pickled.resolve("pytorch_model.bin"));
        List<float[]> images = Fixtures.inputs(TiTokFixtureTest.TWO_STAGE);
        try (TiTokTokenizer fromSafetensors = TiTokTokenizer.load(Fixtures.dir(TiTokFixtureTest.TWO_STAGE), "cpu");
             TiTokTokenizer fromPickle = TiTokTokenizer.load(pickled, "cpu")) {
            assertThat(fromPickle.parameterCount()).isEqualTo(fromSafetensors.parameterCount());
            assertThat(fromPickle.tokenize(images)).isDeepEqualTo(fromSafetensors.tokenize(images));
        }
    }

    @Test
    void missingFilesAndUnknownTensorsAreReported() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> TiTokTokenizer.load(empty, "cpu"))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("model.safetensors, pytorch_model.bin");
        Files.copy(Fixtures.dir(TiTokFixtureTest.TWO_STAGE).resolve("config.json"), empty.resolve("config.json"));
        Files.write(empty.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, ']', 'q'});
        assertThatThrownBy(() -> TiTokTokenizer.load(empty, "cpu"))
                .isInstanceOf(MalformedWeightsException.class).hasMessageContaining("before PyTorch 1.6");

        // The single-stage fixture plus one tensor this architecture does not have.
        Path fixture = Fixtures.dir(TiTokFixtureTest.SINGLE_STAGE);
        Path extra = Files.createDirectories(dir.resolve("extra"));
        Files.copy(fixture.resolve("config.json"), extra.resolve("config.json"));
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsFile file = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            for (var e : file.tensors().entrySet()) {
                writer.add(e.getKey(), e.getValue().shape(), file.floats(e.getKey()));
            }
        }
        writer.add("quantize.embed_prob", new long[] {128}, new float[128]);   // training buffer: ignored
        writer.write(extra.resolve("model.safetensors"));
        try (TiTokTokenizer ok = TiTokTokenizer.load(extra, "cpu")) {
            assertThat(ok.parameterCount()).isEqualTo(loadParameters(fixture));
        }
        writer.add("decoder.style_adapter.weight", new long[] {64, 8}, new float[512]);
        writer.write(extra.resolve("model.safetensors"));
        assertThatThrownBy(() -> TiTokTokenizer.load(extra, "cpu"))
                .isInstanceOf(MalformedWeightsException.class)
                .hasMessageContaining("not used by this architecture")
                .hasMessageContaining("decoder.style_adapter.weight");
    }

    private static long loadParameters(Path fixture) throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            return file.tensors().values().stream().mapToLong(t -> t.elementCount()).sum();
        }
    }

    /** A tiny single-stage VAE (explicit schema, random weights of the official names): continuous tokens only. */
    @Test
    void vaeModelEncodesToThePosteriorMeanAndDecodesContinuousTokens() throws IOException {
        TiTokConfig.Transformer tiny = new TiTokConfig.Transformer(32, 1, 2, 128, 1e-5f);
        TiTokConfig config = new TiTokConfig(16, 8, 8, 4, tiny, tiny, TiTokConfig.QuantizeMode.VAE, 0, 6, false, false, null);
        Path model = Files.createDirectories(dir.resolve("vae"));
        Files.writeString(model.resolve("config.json"), """
                {"image_size": 16, "patch_size": 8, "num_latent_tokens": 4,
                 "encoder": {"width": 32, "num_layers": 1, "num_heads": 2},
                 "decoder": {"width": 32, "num_layers": 1, "num_heads": 2},
                 "quantizer": {"quantize_mode": "vae", "token_size": 6},
                 "is_legacy": false, "finetune_decoder": false}
                """);
        Random random = new Random(5);
        SafetensorsWriter writer = new SafetensorsWriter();
        for (Map.Entry<String, long[]> e : TiTokRandomCheckpoint.tensorShapes(config).entrySet()) {
            long count = 1;
            for (long d : e.getValue()) {
                count *= d;
            }
            float[] v = new float[(int) count];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * 0.3);
            }
            writer.add(e.getKey(), e.getValue(), v);
        }
        writer.write(model.resolve("model.safetensors"));

        try (TiTokTokenizer vae = TiTokTokenizer.load(model, "cpu")) {
            assertThat(vae.config()).isEqualTo(config);
            assertThat(vae.codebookSize()).isZero();
            float[] image = new float[3 * 16 * 16];
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
            assertThatThrownBy(() -> vae.tokenize(List.of(image))).isInstanceOf(UnsupportedOperationException.class);
            float[] mean = vae.encodeContinuous(List.of(image)).getFirst();
            float[] both = vae.encodeTrace(List.of(image)).get("latents", 0);   // [2C, 1, N]: mean then log-variance
            assertThat(both).hasSize(2 * 6 * 4);
            assertThat(mean).containsExactly(java.util.Arrays.copyOf(both, 6 * 4));
            float[] decoded = vae.decodeContinuous(List.of(mean)).getFirst();
            assertThat(decoded).hasSize(3 * 16 * 16);
            for (float x : decoded) {
                assertThat(Float.isFinite(x)).isTrue();
            }
        }
    }
}
