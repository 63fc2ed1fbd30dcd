package dev.tessera.benchmarks.audio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomEncodecCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void theFullSizeRandomCheckpointLoadsWithTheRealShapesAndRunsAtEveryBandwidth() throws Exception {
        Path model = RandomEncodecCheckpoint.write(dir.resolve("full"),
                Path.of("..", AudioBenchmark.FIXTURE.toString(), "config.json"), 7);
        try (EncodecModel m = EncodecModel.load(model, "cpu")) {
            assertThat(m.sampleRate()).isEqualTo(24000);
            assertThat(m.frameRate()).isEqualTo(75.0);
            assertThat(m.maxCodebooks()).isEqualTo(32);
            assertThat(m.codebookSize()).isEqualTo(1024);
            assertThat(m.targetBandwidths()).containsExactly(1.5, 3.0, 6.0, 12.0, 24.0);
            assertThat(m.parameterCount()).isBetween(18_000_000L, 20_000_000L);   // facebook/encodec_24khz: ~19 M with codebooks
            float[] x = AudioBenchmark.audio(dir.resolve("none"), 0.5, 24000);
            int[][] codes = m.encode(x, m.numCodebooks(6.0));
            assertThat(codes).hasNumberOfRows(8);
            assertThat(codes[0]).hasSize(38);
            float[] y = m.decode(codes);
            assertThat(y).hasSize(38 * 320);
            for (float v : y) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }
}
