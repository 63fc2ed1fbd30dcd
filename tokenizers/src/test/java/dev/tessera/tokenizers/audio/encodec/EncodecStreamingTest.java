package dev.tessera.tokenizers.audio.encodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Windowed and incremental (streaming) encode / decode against the one-pass run on a 2-second
 * signal (the fixture clips end to end, 48 210 samples = 150.66 frames, so the last frame is
 * partial): codes identical, decoded waveform within 1e-5 (float rounding of differently sized
 * matrix products; the LSTM state and the convolutions' left context are carried exactly).
 */
class EncodecStreamingTest {

    static final double WAVEFORM_TOLERANCE = 1e-5;
    private static EncodecModel model;
    private static float[] signal;

    @BeforeAll
    static void load() throws Exception {
        model = EncodecModel.load(EncodecFixture.dir(), "cpu");
        float[] a = EncodecFixture.input(2);
        float[] b = EncodecFixture.input(0);
        float[] c = EncodecFixture.input(1);
        signal = new float[2 * a.length + b.length + c.length];
        int at = 0;
        for (float[] part : new float[][] {a, b, c, a}) {
            System.arraycopy(part, 0, signal, at, part.length);
            at += part.length;
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void windowedEncodeGivesTheOnePassCodes() {
        int[][] onePass = model.encode(signal, 4, 0);
        assertThat(onePass[0]).hasSize(151);
        for (int window : new int[] {1, 10, 37, model.defaultWindowFrames()}) {
            assertThat(model.encode(signal, 4, window)).as("windows of %d frames", window).isDeepEqualTo(onePass);
        }
        // The one-pass codes of a prefix are the first frames of the whole (causal encoder).
        int[][] prefix = model.encode(Arrays.copyOf(signal, 320 * 40), 4, 0);
        for (int q = 0; q < 4; q++) {
            assertThat(prefix[q]).containsExactly(Arrays.copyOf(onePass[q], 40));
        }
    }

    @Test
    void windowedDecodeGivesTheOnePassWaveform() {
        int[][] codes = model.encode(signal, 4, 0);
        float[] onePass = model.decode(codes, 0);
        assertThat(onePass).hasSize(151 * 320);
        double worst = 0;
        for (int window : new int[] {1, 10, 37, model.defaultWindowFrames()}) {
            float[] windowed = model.decode(codes, window);
            double err = EncodecFixture.maxAbsDiff(windowed, onePass);
            worst = Math.max(worst, err);
            assertThat(err).as("windows of %d frames", window).isLessThanOrEqualTo(WAVEFORM_TOLERANCE);
        }
        System.out.printf("[encodec-tiny] windowed vs one-pass decode, max abs diff %.3g%n", worst);
    }

    @Test
    void streamsFedInIrregularPiecesEqualTheOnePassRun() {
        int[][] onePassCodes = model.encode(signal, 2, 0);
        float[] onePassAudio = model.decode(onePassCodes, 0);
        Random random = new Random(7);

        EncodecModel.EncodeStream encoder = model.encodeStream(2, 12);
        int[][] streamed = new int[2][0];
        int at = 0;
        while (at < signal.length) {
            int n = Math.min(signal.length - at, 1 + random.nextInt(1500));
            streamed = append(streamed, encoder.push(Arrays.copyOfRange(signal, at, at + n)));
            at += n;
            // Causal: every complete hop has its codes once the first window is in.
            if (at >= model.minFirstWindowFrames() * 320) {
                assertThat(streamed[0]).hasSize(at / 320);
            }
        }
        streamed = append(streamed, encoder.finish());
        assertThat(streamed).isDeepEqualTo(onePassCodes);

        EncodecModel.DecodeStream decoder = model.decodeStream(12);
        float[] audio = new float[0];
        int frame = 0;
        int frames = onePassCodes[0].length;
        while (frame < frames) {
            int n = Math.min(frames - frame, 1 + random.nextInt(9));
            int[][] piece = {Arrays.copyOfRange(onePassCodes[0], frame, frame + n),
                    Arrays.copyOfRange(onePassCodes[1], frame, frame + n)};
            audio = concat(audio, decoder.push(piece));
            frame += n;
        }
        audio = concat(audio, decoder.finish());
        double err = EncodecFixture.maxAbsDiff(audio, onePassAudio);
        assertThat(err).isLessThanOrEqualTo(WAVEFORM_TOLERANCE);
        System.out.printf("[encodec-tiny] streamed vs one-pass decode, max abs diff %.3g%n", err);
    }

    @Test
    void shortInputsAndEmptyInputAreOnePass() {
        float[] shortClip = EncodecFixture.input(3);
        assertThat(model.encode(shortClip, 4, 1)).isDeepEqualTo(EncodecFixture.codes(3, 4));
        EncodecModel.EncodeStream stream = model.encodeStream(4, 1);
        assertThat(stream.push(shortClip)[0]).isEmpty();
        assertThat(stream.finish()).isDeepEqualTo(EncodecFixture.codes(3, 4));
        assertThat(model.encode(new float[0], 2)).isDeepEqualTo(new int[2][0]);
        assertThat(model.decode(new int[][] {{}, {}})).isEmpty();
    }

    private static int[][] append(int[][] a, int[][] b) {
        int[][] out = new int[a.length][];
        for (int q = 0; q < a.length; q++) {
            out[q] = Arrays.copyOf(a[q], a[q].length + b[q].length);
            System.arraycopy(b[q], 0, out[q], a[q].length, b[q].length);
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
