package dev.tessera.benchmarks.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioMetricsTest {

    @TempDir
    Path dir;

    static float[] tone(double hz, int n, int rate, double amplitude) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @Test
    void siSnrIgnoresScaleAndMeasuresTheNoise() {
        float[] x = tone(440, 24000, 24000, 0.5);
        float[] scaled = x.clone();
        for (int i = 0; i < x.length; i++) {
            scaled[i] *= 0.3f;
        }
        assertThat(AudioMetrics.siSnr(x, scaled)).isGreaterThan(100);
        Random random = new Random(1);
        float[] noisy = x.clone();
        double signalRms = 0.5 / Math.sqrt(2);
        for (int i = 0; i < x.length; i++) {
            noisy[i] += (float) (random.nextGaussian() * signalRms / 10);   // noise 20 dB below the signal
        }
        assertThat(AudioMetrics.siSnr(x, noisy)).isCloseTo(20.0, within(0.3));
    }

    @Test
    void logMelDistanceIsZeroForTheSameSoundAndGrowsWithTheDifference() {
        AudioMetrics metrics = new AudioMetrics(24000);
        float[] a = tone(440, 24000, 24000, 0.5);
        assertThat(metrics.logMelDistance(a, a)).isZero();
        double near = metrics.logMelDistance(a, tone(450, 24000, 24000, 0.5));
        double far = metrics.logMelDistance(a, tone(3000, 24000, 24000, 0.5));
        assertThat(near).isPositive();
        assertThat(far).isGreaterThan(near);
    }

    @Test
    void waveformBaselinesGetWorseAsTheBitrateDrops() throws Exception {
        float[] x = new float[24000];
        Random random = new Random(3);
        for (int i = 0; i < x.length; i++) {   // a chord plus a little noise: energy across the band
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 24000.0) + 0.2 * Math.sin(2 * Math.PI * 1500 * i / 24000.0)
                    + 0.1 * Math.sin(2 * Math.PI * 5000 * i / 24000.0) + 0.01 * random.nextGaussian());
        }
        for (WaveformCodecBaseline codec : WaveformCodecBaseline.values()) {
            float[] rich = codec.roundTrip(x, 24000, 96, dir);    // 12 kHz (μ-law) / 24 kHz (ADPCM) sampling
            float[] poor = codec.roundTrip(x, 24000, 6, dir);     // 750 Hz / 1.5 kHz sampling
            assertThat(rich.length).isEqualTo(x.length);
            double richSnr = AudioMetrics.siSnr(x, rich);
            double poorSnr = AudioMetrics.siSnr(x, poor);
            assertThat(richSnr).as(codec.label()).isGreaterThan(15);
            assertThat(poorSnr).as(codec.label()).isLessThan(richSnr - 5);
        }
    }
}
