package dev.tessera.tokenizers.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checkpoints written by Debian's PyTorch (scripts/make-torch-checkpoint-fixture.py) read back as the
 * values PyTorch itself reported, and pickles that would run code or build objects are refused.
 */
class TorchCheckpointFileTest {

    private static final Path DIR = fixtures();
    private static final Path MARKER = Path.of("/tmp/tessera-hostile-pickle-ran");

    private static Path fixtures() {
        try {
            return Path.of(TorchCheckpointFileTest.class.getResource("/fixtures/torch-checkpoints").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode expected(String file) throws Exception {
        return JsonMapper.builder().build().readTree(Files.readString(DIR.resolve("expected.json"))).get(file);
    }

    /** Every tensor with the shape and row-major values PyTorch printed, in the file's order. */
    private static void assertMatches(WeightsFile weights, JsonNode expected) {
        assertThat(weights.tensors().keySet()).containsExactlyElementsOf(expected.propertyNames());
        for (Map.Entry<String, JsonNode> e : expected.properties()) {
            TensorInfo info = weights.info(e.getKey());
            long[] shape = new long[e.getValue().get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get("shape").get(i).asLong();
            }
            assertThat(info.shape()).as(e.getKey()).containsExactly(shape);
            float[] values = weights.floats(e.getKey());
            JsonNode want = e.getValue().get("values");
            assertThat(values).as(e.getKey()).hasSize(want.size());
            for (int i = 0; i < values.length; i++) {
                // exact: each value is representable in float32 except f64's, which PyTorch rounds the same way
                assertThat(values[i]).as(e.getKey() + "[" + i + "]").isEqualTo((float) want.get(i).asDouble());
            }
        }
    }

    @Test
    void everyDtypeViewAndSharedStorageReadsAsPyTorchWroteIt() throws Exception {
        try (WeightsFile weights = WeightsFile.open(DIR.resolve("dtypes.pt"))) {
            assertThat(weights).isInstanceOf(TorchCheckpointFile.class);
            assertMatches(weights, expected("dtypes.pt"));
            assertThat(weights.info("f16").dtype()).isEqualTo(DType.F16);
            assertThat(weights.info("bf16").dtype()).isEqualTo(DType.BF16);
            assertThat(weights.info("bool").dtype()).isEqualTo(DType.BOOL);
            assertThat(weights.longs("i64")).containsExactly(-3, 0, 1L << 40);
            assertThat(weights.longs("u8")).containsExactly(0, 255);
            assertThatThrownBy(() -> weights.longs("f32")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an integer tensor");
        }
    }

    @Test
    void aTrainingCheckpointYieldsTheStateDictItNests() throws Exception {
        try (WeightsFile weights = WeightsFile.open(DIR.resolve("nested.pt"))) {
            assertMatches(weights, expected("nested.pt"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostile-os-system.pt", "hostile-eval.pt", "hostile-object.pt"})
    void picklesThatWouldRunCodeOrBuildObjectsAreRefusedAndNothingRuns(String file) throws Exception {
        Files.deleteIfExists(MARKER);
        assertThatThrownBy(() -> WeightsFile.open(DIR.resolve(file)))
                .isInstanceOf(MalformedWeightsException.class)
                .hasMessageContaining(file)
                .hasMessageContaining("refuses the global")
                .hasMessageContaining("weights_only");
        assertThat(MARKER).doesNotExist();
    }

    @Test
    void theRefusalNamesTheGlobal() {
        assertThatThrownBy(() -> WeightsFile.open(DIR.resolve("hostile-os-system.pt")))
                .hasMessageMatching("(?s).*refuses the global (os|posix)\\.system.*");
        assertThatThrownBy(() -> WeightsFile.open(DIR.resolve("hostile-eval.pt")))
                .hasMessageMatching("(?s).*refuses the global (__builtin__|builtins)\\.eval.*");
    }

    @Test
    void aTruncatedCheckpointIsRefusedNamingTheFile() {
        assertThatThrownBy(() -> WeightsFile.open(DIR.resolve("truncated.pt")))
                .isInstanceOf(MalformedWeightsException.class)
                .hasMessageContaining("truncated.pt");
    }

    @Test
    void theLegacyFormatIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> WeightsFile.open(DIR.resolve("legacy.pt")))
                .isInstanceOf(MalformedWeightsException.class)
                .hasMessageContaining("before PyTorch 1.6").hasMessageContaining("torch.save(torch.load(f), f)");
    }

    @Test
    void safetensorsIsPreferredWhenAFolderHasBoth(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assertThat(WeightsFile.find(tmp)).isEmpty();
        Files.copy(DIR.resolve("dtypes.pt"), tmp.resolve("pytorch_model.bin"));
        assertThat(WeightsFile.find(tmp)).contains(tmp.resolve("pytorch_model.bin"));
        new SafetensorsWriter().add("w", new long[] {1}, new float[] {1f}).write(tmp.resolve("model.safetensors"));
        assertThat(WeightsFile.find(tmp)).contains(tmp.resolve("model.safetensors"));
    }
}
