package dev.tessera.tokenizers.audio.encodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import dev.tessera.tokenizers.weights.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loading: the hub folder as it is, the original package's names, the torch ≥ 2.1
 * parametrization spelling, and clear {@link IllegalArgumentException}s (never a native crash)
 * for missing, corrupt or mismatched files and for invalid codes, bandwidths and audio.
 */
class EncodecLoadingTest {

    private static EncodecModel model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        model = EncodecModel.load(EncodecFixture.dir(), "cpu");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private Path hubFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("encodec_24khz-tiny"));
        for (String f : List.of("config.json", "preprocessor_config.json", "model.safetensors")) {
            Files.copy(EncodecFixture.dir().resolve(f), dir.resolve(f));
        }
        return dir;
    }

    @Test
    void theHubFolderLoadsAsItIsAndDescribesTheModel() throws Exception {
        try (EncodecModel hub = EncodecModel.load(hubFolder(), "auto")) {
            assertThat(hub.name()).isEqualTo("encodec_24khz-tiny");
            assertThat(hub.weightLayout()).isEqualTo("transformers");
            assertThat(hub.sampleRate()).isEqualTo(24000);
            assertThat(hub.hopLength()).isEqualTo(320);
            assertThat(hub.frameRate()).isEqualTo(75.0);
            assertThat(hub.codebookSize()).isEqualTo(64);
            assertThat(hub.maxCodebooks()).isEqualTo(4);
            assertThat(hub.targetBandwidths()).containsExactly(0.9, 1.8);
            assertThat(hub.numCodebooks(0.9)).isEqualTo(2);
            assertThat(hub.numCodebooks(1.8)).isEqualTo(4);
            assertThat(hub.defaultBandwidth()).isEqualTo(0.9);
            assertThat(hub.streamable()).isTrue();
            assertThat(hub.parameterCount()).isPositive();
            assertThat(hub.encode(EncodecFixture.input(0), 4)).isDeepEqualTo(EncodecFixture.codes(0, 4));
        }
        assertThat(model.device()).isEqualTo("cpu()");
    }

    @Test
    void theOriginalPackageNamesGiveIdenticalResults() throws Exception {
        Path dir = EncodecFixture.dir();
        try (EncodecModel original = EncodecModel.load(dir.resolve("config.json"),
                dir.resolve("model-original-names.safetensors"), "cpu")) {
            assertThat(original.weightLayout()).isEqualTo("original");
            assertIdenticalTo(original);
        }
    }

    @Test
    void theParametrizationSpellingOfWeightNormGivesIdenticalResults() throws Exception {
        Path dir = hubFolder();
        rewrite(dir.resolve("model.safetensors"), dir.resolve("model.safetensors"),
                name -> name.replace(".weight_g", ".parametrizations.weight.original0")
                        .replace(".weight_v", ".parametrizations.weight.original1"), Map.of());
        try (EncodecModel renamed = EncodecModel.load(dir, "cpu")) {
            assertIdenticalTo(renamed);
        }
    }

    private static void assertIdenticalTo(EncodecModel other) {
        for (int clip = 0; clip < EncodecFixture.CLIPS; clip++) {
            float[] audio = EncodecFixture.input(clip);
            for (int k : EncodecFixture.CODEBOOKS) {
                int[][] codes = other.encode(audio, k);
                assertThat(codes).as("clip %d, %d codebooks", clip, k).isDeepEqualTo(EncodecFixture.codes(clip, k));
                assertThat(other.decode(codes)).isEqualTo(model.decode(codes));
            }
        }
    }

    @Test
    void missingFilesAreIllegalArguments() throws Exception {
        Path dir = hubFolder();
        Files.delete(dir.resolve("model.safetensors"));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("no EnCodec weights");
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {1});
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pytorch_model.bin").hasMessageContaining("neither a torch.save zip");
        Path noConfig = Files.createDirectories(tmp.resolve("no-config"));
        Files.copy(EncodecFixture.dir().resolve("model.safetensors"), noConfig.resolve("model.safetensors"));
        assertThatThrownBy(() -> EncodecModel.load(noConfig, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void corruptWeightsAreIllegalArgumentsNamingTheFile() throws Exception {
        Path dir = hubFolder();
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(weights.toString()).hasMessageContaining("truncated");
        Files.write(weights, "this is not a safetensors file at all".getBytes());
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(weights.toString());
        Files.write(weights, new byte[0]);
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void weightsThatDoNotFitAreIllegalArgumentsNamingTheTensor() throws Exception {
        Path dir = hubFolder();
        Path weights = dir.resolve("model.safetensors");
        Path original = tmp.resolve("original.safetensors");
        Files.copy(weights, original);

        rewrite(original, weights, n -> n.equals("decoder.layers.6.conv.weight_v") ? null : n, Map.of());
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing tensor decoder.layers.6.conv.weight_v");

        rewrite(original, weights, UnaryOperator.identity(), Map.of("encoder.layers.13.lstm.bias_ih_l1", Float.NaN));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder.layers.13.lstm.bias_ih_l1").hasMessageContaining("non-finite");

        rewrite(original, weights, n -> n.replace("encoder.layers.0.conv.bias", "encoder.model.0.conv.conv.bias"), Map.of());
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");

        Files.copy(original, weights, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        editConfig(dir, c -> c.put("num_filters", 8));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder.layers.0.conv.weight_v").hasMessageContaining("has shape");

        editConfig(dir, c -> c.put("num_filters", 4).put("use_conv_shortcut", false));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use_conv_shortcut");

        editConfig(dir, c -> c.put("use_conv_shortcut", true).putArray("target_bandwidths").add(0.9).add(3.6));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 8 codebooks but the weights hold 4");
    }

    @Test
    void configurationsOutsideThe24kHzFamilyAreRefused() throws Exception {
        Path dir = hubFolder();
        editConfig(dir, c -> c.put("normalize", true).put("chunk_length_s", 1.0).put("overlap", 0.01));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("48 kHz family");
        editConfig(dir, c -> c.put("normalize", false).putNull("chunk_length_s").putNull("overlap")
                .put("norm_type", "time_group_norm"));
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time_group_norm");
        editConfig(dir, c -> c.put("norm_type", "weight_norm"));
        Files.writeString(dir.resolve("preprocessor_config.json"), "{\"sampling_rate\": 16000, \"feature_size\": 1}");
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("preprocessor_config.json").hasMessageContaining("16000 Hz");
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThatThrownBy(() -> EncodecModel.load(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.json").hasMessageContaining("JSON");
    }

    @Test
    void missingConfigFieldsTakeTheTransformersDefaults() throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, "{\"model_type\": \"encodec\"}");
        EncodecConfig config = EncodecConfig.read(file);
        assertThat(config).isEqualTo(EncodecConfig.defaults24k());
        assertThat(config.hopLength()).isEqualTo(320);
        assertThat(config.frameRate()).isEqualTo(75.0);
        // facebook/encodec_24khz: 1.5/3/6/12/24 kbps = 2/4/8/16/32 codebooks of 1024 entries.
        assertThat(config.targetBandwidths().stream().map(config::codebooksForBandwidth).toList())
                .containsExactly(2, 4, 8, 16, 32);
        assertThat(config.lstmWidth()).isEqualTo(512);
    }

    @Test
    void outOfRangeCodesAreIllegalArgumentsNamingThePosition() {
        int[][] codes = EncodecFixture.codes(0, 2);
        codes[1][3] = 64;
        assertThatThrownBy(() -> model.decode(codes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codebook 1, frame 3").hasMessageContaining("outside [0, 64)");
        codes[1][3] = -1;
        assertThatThrownBy(() -> model.quantizedEmbedding(codes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codebook 1, frame 3");
        assertThatThrownBy(() -> model.decode(new int[][] {{1, 2}, {3}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1 has 1 frames");
        assertThatThrownBy(() -> model.decode(new int[5][3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 4]");
        EncodecModel.DecodeStream stream = model.decodeStream(4);
        stream.push(EncodecFixture.codes(0, 2));
        int[][] bad = {{0, 0}, {0, 99}};
        assertThatThrownBy(() -> stream.push(bad)).hasMessageContaining("codebook 1, frame 39");
    }

    @Test
    void invalidBandwidthsCodebookCountsAndAudioAreIllegalArguments() {
        assertThatThrownBy(() -> model.numCodebooks(3.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0.9, 1.8]");
        assertThatThrownBy(() -> model.encode(new float[320], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.encode(new float[320], 5)).isInstanceOf(IllegalArgumentException.class);
        float[] audio = new float[1000];
        audio[17] = Float.NaN;
        assertThatThrownBy(() -> model.encode(audio, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 17");
    }

    @Test
    void aClosedModelRefusesWork() throws Exception {
        EncodecModel m = EncodecModel.load(EncodecFixture.dir(), "cpu");
        m.close();
        assertThatThrownBy(() -> m.encode(new float[640], 2)).isInstanceOf(IllegalStateException.class);
    }

    /** Copies a safetensors file, renaming (null = drop) tensors and setting element 0 of some to a value. */
    private static void rewrite(Path from, Path to, UnaryOperator<String> rename, Map<String, Float> firstValue)
            throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        try (SafetensorsFile file = SafetensorsFile.open(from)) {
            for (TensorInfo info : file.tensors().values()) {
                String name = rename.apply(info.name());
                if (name == null) {
                    continue;
                }
                float[] values = file.floats(info.name());
                if (firstValue.containsKey(info.name())) {
                    values[0] = firstValue.get(info.name());
                }
                writer.add(name, info.shape(), values);
            }
        }
        writer.write(to);
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode config = (ObjectNode) json.readTree(Files.readString(dir.resolve("config.json")));
        edit.accept(config);
        Files.writeString(dir.resolve("config.json"), json.writeValueAsString(config));
    }
}
