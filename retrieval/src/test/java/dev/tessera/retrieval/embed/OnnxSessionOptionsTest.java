package dev.tessera.retrieval.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session settings reach ONNX Runtime through DJL: read back from ONNX Runtime's own profile of a
 * forward pass (which operators ran, and on how many threads of the intra-op pool).
 */
class OnnxSessionOptionsTest {

    @TempDir
    Path dir;

    /** What the profile of one forward pass says. */
    record Profile(Set<String> operators, int poolThreads) {}

    private Profile profile(OnnxSessionOptions options) throws IOException {
        String prefix = dir.resolve(options.optimization() + "-" + options.intraOpThreads()).toString();
        try (DjlEmbedder model = DjlEmbedder.load(EmbeddingModelSpec.ALL_MINILM_L6_V2, "cpu", 1, 32,
                options.withProfile(prefix))) {
            model.embed(List.of("a wing in a propeller slipstream", "boundary layer"), Embedder.Role.DOCUMENT);
        } // ONNX Runtime writes the profile when the session closes
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(p -> p.toString().startsWith(prefix) && p.toString().endsWith(".json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ONNX Runtime profile at " + prefix));
        }
        Set<String> operators = new HashSet<>();
        int threads = 0;
        for (JsonNode event : JsonMapper.builder().build().readTree(file.toFile())) {
            JsonNode args = event.path("args");
            if ("Node".equals(event.path("cat").asString()) && args.has("op_name")) {
                operators.add(args.get("op_name").asString());
                // The calling thread plus the pool's own threads.
                threads = Math.max(threads, 1 + args.path("thread_scheduling_stats").path("sub_threads").size());
            }
        }
        return new Profile(operators, threads);
    }

    @Test
    void theOptimisationLevelDecidesWhichOperatorsRun() throws IOException {
        Profile plain = profile(OnnxSessionOptions.defaults().withOptimization("NO_OPT"));
        Profile optimised = profile(OnnxSessionOptions.defaults());
        // Unoptimised, layer norm runs as its parts (ReduceMean, Sub, ...) and GELU as Erf; optimised,
        // ONNX Runtime fuses them into LayerNormalization and BiasGelu.
        assertThat(plain.operators()).contains("ReduceMean", "Erf").doesNotContain("BiasGelu");
        assertThat(optimised.operators()).contains("LayerNormalization", "BiasGelu").doesNotContain("ReduceMean", "Erf");
    }

    @Test
    void intraOpThreadsSizeTheThreadPool() throws IOException {
        assertThat(profile(new OnnxSessionOptions("ALL_OPT", 1, 1, true, true, null)).poolThreads()).isEqualTo(1);
        assertThat(profile(new OnnxSessionOptions("ALL_OPT", 3, 1, true, true, null)).poolThreads()).isEqualTo(3);
    }

    @Test
    void defaultsUseEveryAvailableProcessorAndRefuseUnknownLevels() {
        assertThat(OnnxSessionOptions.defaults().intraOpThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(OnnxSessionOptions.defaults().criteriaOptions()).containsEntry("optLevel", "ALL_OPT")
                .containsEntry("executionMode", "SEQUENTIAL");
        assertThatThrownBy(() -> OnnxSessionOptions.defaults().withOptimization("FAST"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ALL_OPT");
    }
}
