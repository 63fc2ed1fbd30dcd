package dev.tessera.tokenizers.image.titok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tokenizers.weights.ModelConfigException;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class TiTokConfigTest {

    @TempDir
    Path dir;

    @Test
    void officialSizeTable() {
        assertThat(TiTokConfig.MODEL_SIZES.get("small")).isEqualTo(new TiTokConfig.Transformer(512, 8, 8, 2048, 1e-5f));
        assertThat(TiTokConfig.MODEL_SIZES.get("base")).isEqualTo(new TiTokConfig.Transformer(768, 12, 12, 3072, 1e-5f));
        assertThat(TiTokConfig.MODEL_SIZES.get("large")).isEqualTo(new TiTokConfig.Transformer(1024, 24, 16, 4096, 1e-5f));
    }

    /**
     * Hub-schema config.json over the exact tensor shapes of released models. The weights file is
     * sparse (header + zero-length holes), so reading shapes of an 84M-parameter model costs nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"s128", "l32", "bl64_vq8k", "sl256_vq8k", "bl64_vae_c16"})
    void hubSchemaOfReleasedModelsIsReadAndReconciled(String variant) throws IOException {
        TiTokRandomCheckpoint.Variant v = TiTokRandomCheckpoint.VARIANTS.get(variant);
        TiTokConfig expected = TiTokRandomCheckpoint.config(v);
        Path config = dir.resolve("config.json");
        Files.writeString(config, TiTokRandomCheckpoint.hubConfigJson(v));
        Path weights = sparseSafetensors(TiTokRandomCheckpoint.tensorShapes(expected));
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            TiTokConfig read = TiTokConfig.read(config, file);
            assertThat(read).isEqualTo(expected);
        }
    }

    @Test
    void s128HasTheDocumentedParameterCount() {
        long total = TiTokRandomCheckpoint.tensorShapes(TiTokRandomCheckpoint.config(TiTokRandomCheckpoint.VARIANTS.get("s128")))
                .values().stream().mapToLong(s -> {
                    long n = 1;
                    for (long d : s) {
                        n *= d;
                    }
                    return n;
                }).sum();
        assertThat(total).isBetween(83_600_000L, 83_800_000L);   // 83.7 M (tokenizers.md §1.5)
    }

    @Test
    void explicitFixtureSchemaIsRead() throws IOException {
        Path fixture = Fixtures.dir(TiTokFixtureTest.TWO_STAGE);
        try (SafetensorsFile file = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            TiTokConfig c = TiTokConfig.read(fixture.resolve("config.json"), file);
            assertThat(c.imageSize()).isEqualTo(32);
            assertThat(c.encoderPatchSize()).isEqualTo(8);
            assertThat(c.encoder()).isEqualTo(new TiTokConfig.Transformer(64, 2, 2, 256, 1e-5f));
            assertThat(c.codebookSize()).isEqualTo(256);
            assertThat(c.useL2Norm()).isTrue();
            assertThat(c.legacy()).isTrue();
            assertThat(c.pixelDecoder()).isEqualTo(new TiTokConfig.PixelDecoder(1024, 64, java.util.List.of(32, 32, 64, 64),
                    2, 2, 32, 1e-6f));
        }
    }

    @Test
    void configThatDisagreesWithTheWeightsIsRefusedWithTheReason() throws IOException {
        assertMismatch(json -> json.replace("\"num_latent_tokens\": 32", "\"num_latent_tokens\": 16"),
                "num_latent_tokens is 16 in the config but 32 in the weights");
        assertMismatch(json -> json.replaceFirst("\"num_layers\": 2", "\"num_layers\": 3"),
                "encoder has 3 layers but the weights hold 2");
        assertMismatch(json -> json.replaceFirst("\"width\": 64", "\"width\": 128"),
                "encoder has width 128 but encoder.class_embedding is [1, 64]");
        assertMismatch(json -> json.replace("\"is_legacy\": true", "\"is_legacy\": false"),
                "is_legacy is false but the weights have a two-stage decoder head");
        assertMismatch(json -> json.replace("\"codebook_size\": 256", "\"codebook_size\": 4096"),
                "codebook_size is 4096 in the config but 256 in the weights");
        assertMismatch(json -> json.replace("\"image_size\": 32", "\"image_size\": 256"), "grid_size 4 × patch_size 8 is not image_size 256");
        assertMismatch(json -> json.replace("\"hidden_channels\": 32", "\"hidden_channels\": 64"),
                "pixel_decoder channels per level [64, 64, 128, 128]");
        assertMismatch(json -> json.replaceFirst("\"num_heads\": 2", "\"num_heads\": 3"), "not divisible by 3 heads");
    }

    @Test
    void hubSchemaOverWeightsOfAnotherSizeIsRefused() throws IOException {
        Path fixture = Fixtures.dir(TiTokFixtureTest.TWO_STAGE);
        String hub = TiTokRandomCheckpoint.hubConfigJson(TiTokRandomCheckpoint.VARIANTS.get("s128"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, hub);
        try (SafetensorsFile file = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            assertThatThrownBy(() -> TiTokConfig.read(config, file))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("num_latent_tokens is 128 in the config but 32 in the weights");
            Files.writeString(config, hub.replace("\"num_latent_tokens\" : 128", "\"num_latent_tokens\" : 32"));
            assertThatThrownBy(() -> TiTokConfig.read(config, file))
                    .hasMessageContaining("encoder size 'small' has width 512 but encoder.class_embedding is [1, 64]");
            Files.writeString(config, hub.replace("\"small\"", "\"tiny\""));
            assertThatThrownBy(() -> TiTokConfig.read(config, file))
                    .hasMessageContaining("model.vq_model.vit_enc_model_size 'tiny' is not an official size (small|base|large)");
            Files.writeString(config, "{\"model\": {}}");
            assertThatThrownBy(() -> TiTokConfig.read(config, file)).hasMessageContaining("model.vq_model is missing");
            Files.writeString(config, "{not json");
            assertThatThrownBy(() -> TiTokConfig.read(config, file)).hasMessageContaining("not valid JSON");
        }
    }

    private void assertMismatch(java.util.function.UnaryOperator<String> edit, String message) throws IOException {
        Path fixture = Fixtures.dir(TiTokFixtureTest.TWO_STAGE);
        String original = Files.readString(fixture.resolve("config.json"));
        String edited = edit.apply(original);
        assertThat(edited).as("edit applies").isNotEqualTo(original);
        Path config = dir.resolve("config.json");
        Files.writeString(config, edited);
        try (SafetensorsFile file = SafetensorsFile.open(fixture.resolve("model.safetensors"))) {
            assertThatThrownBy(() -> TiTokConfig.read(config, file))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining(config.toString())
                    .hasMessageContaining(message);
        }
    }

    /** A valid safetensors header with all data left as a sparse hole of zeros. */
    private Path sparseSafetensors(Map<String, long[]> shapes) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long count = 1;
            for (long d : e.getValue()) {
                count *= d;
            }
            header.put(e.getKey(), Map.of("dtype", "F32", "shape", e.getValue(),
                    "data_offsets", new long[] {offset, offset + 4 * count}));
            offset += 4 * count;
        }
        byte[] json = JsonMapper.builder().build().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            raf.write(json);
            raf.setLength(8 + json.length + offset);
        }
        return file;
    }
}
