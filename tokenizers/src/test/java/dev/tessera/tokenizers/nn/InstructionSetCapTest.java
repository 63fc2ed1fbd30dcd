package dev.tessera.tokenizers.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The capped-instruction-set run of the training tests (the {@code capped-isa} surefire execution)
 * only proves something if libtorch honours the caps: this starts {@link InstructionSetReport} in a
 * JVM with the caps of that execution and in one without, and compares what oneDNN says it
 * dispatches to and how ATen's vectorised softmax rounds. (MKL_ENABLE_INSTRUCTIONS is set too, for
 * Intel CPUs; on the AMD EPYC these tests were written on it changed no result, so it is not checked.)
 */
class InstructionSetCapTest {

    private static final List<String> CAPS = List.of("ATEN_CPU_CAPABILITY", "DNNL_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS");

    record Report(String onednnIsa, String softmaxHash, String output) {}

    static Report report(Map<String, String> caps) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), InstructionSetReport.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        CAPS.forEach(builder.environment()::remove);
        builder.environment().putAll(caps);
        builder.environment().put("ONEDNN_VERBOSE", "1");
        Process process = builder.start();
        byte[] bytes = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(bytes, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        String isa = output.lines().filter(l -> l.startsWith("onednn_verbose") && l.contains(",isa:"))
                .map(l -> l.substring(l.indexOf(",isa:") + 5)).findFirst().orElse("");
        String softmax = output.lines().filter(l -> l.startsWith("aten-softmax-hash=")).map(l -> l.substring(18)).findFirst().orElse("");
        return new Report(isa, softmax, output);
    }

    /** The caps the capped execution runs under (its system properties), or AVX2 when run on its own. */
    static Map<String, String> cappedExecutionCaps() {
        return Map.of("ATEN_CPU_CAPABILITY", System.getProperty("tessera.capped-isa.aten", "avx2"),
                "DNNL_MAX_CPU_ISA", System.getProperty("tessera.capped-isa.dnnl", "AVX2"),
                "MKL_ENABLE_INSTRUCTIONS", System.getProperty("tessera.capped-isa.mkl", "AVX2"));
    }

    static boolean cpuHas(String flag) throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).lines()
                .anyMatch(l -> l.startsWith("flags") && List.of(l.split("\\s+")).contains(flag));
    }

    @Test
    void libtorchHonoursTheCapsOfTheCappedRun() throws Exception {
        Map<String, String> caps = cappedExecutionCaps();
        Report free = report(Map.of());
        Report capped = report(caps);
        System.out.printf("[isa] uncapped: oneDNN %s, ATen softmax %s; capped %s: oneDNN %s, ATen softmax %s%n", free.onednnIsa(),
                free.softmaxHash(), caps, capped.onednnIsa(), capped.softmaxHash());
        assertThat(free.onednnIsa()).as(free.output()).isNotEmpty();
        assertThat(capped.onednnIsa()).as(capped.output()).isNotEmpty();
        String dnnl = caps.get("DNNL_MAX_CPU_ISA");
        if (dnnl.equals("AVX2")) {
            assertThat(capped.onednnIsa()).contains("AVX2").doesNotContain("AVX-512");
        } else if (dnnl.startsWith("SSE4")) {
            assertThat(capped.onednnIsa()).contains("SSE4").doesNotContain("AVX");
        }
        boolean above = cpuHas("avx512f") || (!caps.get("ATEN_CPU_CAPABILITY").startsWith("avx") && cpuHas("avx2"));
        if (above) {
            // The machine's own vector width is wider than the cap, so the rounding must change.
            assertThat(capped.softmaxHash()).as("ATen softmax under %s", caps.get("ATEN_CPU_CAPABILITY")).isNotEqualTo(free.softmaxHash());
            assertThat(capped.onednnIsa()).isNotEqualTo(free.onednnIsa());
        }
    }
}
