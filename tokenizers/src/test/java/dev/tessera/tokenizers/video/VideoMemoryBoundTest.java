package dev.tessera.tokenizers.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sampling streams: a 300 s clip (1,500 frames at 5 fps) is sampled at 1 fps up to 100 frames in a
 * child JVM whose heap is 48 MB. The bound: the kept samples take 100 × 3 × 128² × 4 B = 19.7 MB,
 * plus one decoded frame at a time; holding the decoded clip would need 1,500 × 3 × 128² × 4 B =
 * 295 MB as floats (74 MB even as RGB bytes) and fail with OutOfMemoryError.
 */
class VideoMemoryBoundTest {

    @Test
    void aFiveMinuteClipIsSampledWithinA48MbHeap(@TempDir Path dir) throws Exception {
        Path clip = SyntheticClips.write(dir.resolve("long.mp4"), 1500, 5, i -> SyntheticClips.movingSquare(i % 150, 150));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx48m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SampleInSmallHeap.class.getName(),
                clip.toString(), "1", "100", "128")).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("frames=100").contains("last_ms=99000");
    }
}
