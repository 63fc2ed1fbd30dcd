package dev.tessera.benchmarks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's CPU half, on the tiny fixtures, in every build: each model loads, runs and is
 * timed; on a machine with CUDA the GPU half runs too and its outputs must match the CPU's.
 */
class GpuCheckTest {

    private static final Path FIXTURES = Path.of("../tokenizers/src/test/resources/fixtures");

    @Test
    void everyModelRunsOnTheCpuAndOnAGpuWhereThereIsOne() throws IOException {
        List<GpuCheck.Row> rows = GpuCheck.check(FIXTURES.resolve("titok-tiny").toString(),
                FIXTURES.resolve("encodec-tiny").toString(), "all-MiniLM-L6-v2", 2);
        assertThat(rows).hasSize(3);
        for (GpuCheck.Row row : rows) {
            assertThat(row.cpuMs()).as(row.model()).isFinite().isPositive();
            if (row.gpuRan()) {
                // float32 kernels differ between devices in summation order only
                assertThat(row.maxAbsDiff()).as(row.model()).isLessThan(1e-2);
                assertThat(row.gpuMs()).isFinite().isPositive();
            } else {
                assertThat(row.maxAbsDiff()).isNaN();
            }
        }
    }
}
