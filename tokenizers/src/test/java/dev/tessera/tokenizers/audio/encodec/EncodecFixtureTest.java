package dev.tessera.tokenizers.audio.encodec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The port against the tensors the official facebookresearch/encodec code produced for the
 * encodec-tiny fixture (four clips, 0.9 and 1.8 kbps): codes exact, encoder side within 1e-4,
 * quantized within 1e-5, decoder LSTM and decoded waveform within 1e-4 (the fixture README's
 * thresholds; measured errors are printed and are some 20 to 300 times smaller).
 */
class EncodecFixtureTest {

    static final double ENCODER_TOLERANCE = 1e-4;
    static final double QUANTIZED_TOLERANCE = 1e-5;
    static final double DECODER_LSTM_TOLERANCE = 1e-4;
    static final double DECODED_TOLERANCE = 1e-4;

    private static EncodecModel model;

    @BeforeAll
    static void load() throws Exception {
        model = EncodecModel.load(EncodecFixture.dir(), "cpu");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyClipEncodesToTheReferenceCodesAtBothBandwidths() {
        for (int clip = 0; clip < EncodecFixture.CLIPS; clip++) {
            float[] audio = EncodecFixture.input(clip);
            for (double kbps : List.of(0.9, 1.8)) {
                int k = model.numCodebooks(kbps);
                int[][] codes = model.encode(audio, k);
                assertThat(codes).as("codes of clip %d at %s kbps", clip, kbps)
                        .isDeepEqualTo(EncodecFixture.codes(clip, k));
                assertThat(codes[0]).hasSize((audio.length + 319) / 320);
            }
        }
    }

    @Test
    void encoderSideMatchesTheReference() {
        Map<String, Double> worst = new LinkedHashMap<>();
        for (int clip = 0; clip < EncodecFixture.CLIPS; clip++) {
            for (int k : EncodecFixture.CODEBOOKS) {
                EncodecModel.Trace trace = model.encodeTrace(EncodecFixture.input(clip), k);
                assertThat(trace.codes()).as("codes of clip %d, %d codebooks", clip, k)
                        .isDeepEqualTo(EncodecFixture.codes(clip, k));
                for (String stage : List.of("encoder_lstm_in", "encoder_lstm_out", "encoder_out")) {
                    double err = EncodecFixture.maxAbsDiff(trace.get(stage), EncodecFixture.expected(clip, stage));
                    worst.merge(stage, err, Math::max);
                    assertThat(err).as("%s of clip %d", stage, clip).isLessThanOrEqualTo(ENCODER_TOLERANCE);
                }
            }
            double err = EncodecFixture.maxAbsDiff(model.encoderOutput(EncodecFixture.input(clip)),
                    EncodecFixture.expected(clip, "encoder_out"));
            assertThat(err).as("encoderOutput of clip %d", clip).isLessThanOrEqualTo(ENCODER_TOLERANCE);
        }
        System.out.printf("[encodec-tiny] encoder max abs errors: %s%n", worst);
    }

    @Test
    void decoderSideMatchesTheReference() {
        Map<String, Double> worst = new LinkedHashMap<>();
        for (int clip = 0; clip < EncodecFixture.CLIPS; clip++) {
            for (int k : EncodecFixture.CODEBOOKS) {
                int[][] codes = EncodecFixture.codes(clip, k);
                EncodecModel.Trace trace = model.decodeTrace(codes);
                Map<String, Double> tolerance = Map.of("quantized", QUANTIZED_TOLERANCE,
                        "decoder_lstm_out", DECODER_LSTM_TOLERANCE, "decoded", DECODED_TOLERANCE);
                for (String stage : List.of("quantized", "decoder_lstm_out", "decoded")) {
                    double err = EncodecFixture.maxAbsDiff(trace.get(stage), EncodecFixture.expected(clip, k, stage));
                    worst.merge(stage, err, Math::max);
                    assertThat(err).as("%s of clip %d, %d codebooks", stage, clip, k)
                            .isLessThanOrEqualTo(tolerance.get(stage));
                }
                double q = EncodecFixture.maxAbsDiff(model.quantizedEmbedding(codes),
                        EncodecFixture.expected(clip, k, "quantized"));
                assertThat(q).isLessThanOrEqualTo(QUANTIZED_TOLERANCE);
                double d = EncodecFixture.maxAbsDiff(model.decode(codes), EncodecFixture.expected(clip, k, "decoded"));
                assertThat(d).as("decode() of clip %d, %d codebooks", clip, k).isLessThanOrEqualTo(DECODED_TOLERANCE);
            }
        }
        System.out.printf("[encodec-tiny] decoder max abs errors: %s%n", worst);
    }
}
