package dev.tessera.tokenizers.image.titok;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The port against the tensors the official PyTorch code produced for the two fixtures: token ids
 * exact, encoder side within 1e-4, decoder side within 5e-4 (fixture READMEs).
 */
class TiTokFixtureTest {

    static final String TWO_STAGE = "titok-tiny";
    static final String SINGLE_STAGE = "titok-tiny-single-stage";
    static final double ENCODER_TOLERANCE = 1e-4;
    static final double DECODER_TOLERANCE = 5e-4;

    private static final Map<String, TiTokTokenizer> MODELS = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        for (String fixture : List.of(TWO_STAGE, SINGLE_STAGE)) {
            MODELS.put(fixture, TiTokTokenizer.load(Fixtures.dir(fixture), "cpu"));
        }
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(TiTokTokenizer::close);
    }

    @ParameterizedTest
    @ValueSource(strings = {TWO_STAGE, SINGLE_STAGE})
    void encoderSideMatchesTheReference(String fixture) {
        TiTokTokenizer model = MODELS.get(fixture);
        TiTokTokenizer.Trace trace = model.encodeTrace(Fixtures.inputs(fixture));
        Map<String, Double> worst = new LinkedHashMap<>();
        for (int i = 0; i < Fixtures.IMAGES; i++) {
            assertThat(trace.tokens()[i]).as("tokens of image %d", i).containsExactly(Fixtures.expectedTokens(fixture, i));
            for (String stage : List.of("enc_ln_post", "latents", "quantized")) {
                double err = Fixtures.maxAbsDiff(trace.get(stage, i), Fixtures.expected(fixture, i, stage));
                worst.merge(stage, err, Math::max);
                assertThat(err).as("%s of image %d", stage, i).isLessThanOrEqualTo(ENCODER_TOLERANCE);
            }
        }
        System.out.printf("[%s] encoder max abs errors: %s%n", fixture, worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {TWO_STAGE, SINGLE_STAGE})
    void decoderSideMatchesTheReference(String fixture) {
        TiTokTokenizer model = MODELS.get(fixture);
        List<int[]> tokens = new ArrayList<>();
        for (int i = 0; i < Fixtures.IMAGES; i++) {
            tokens.add(Fixtures.expectedTokens(fixture, i));
        }
        TiTokTokenizer.Trace trace = model.decodeTrace(tokens);
        List<String> stages = fixture.equals(TWO_STAGE)
                ? List.of("decoder_logits", "pixel_latents", "decoded")
                : List.of("decoder_ffn_out", "decoded");
        Map<String, Double> worst = new LinkedHashMap<>();
        for (int i = 0; i < Fixtures.IMAGES; i++) {
            double q = Fixtures.maxAbsDiff(trace.get("quantized", i), Fixtures.expected(fixture, i, "quantized"));
            assertThat(q).as("quantized of image %d", i).isLessThanOrEqualTo(ENCODER_TOLERANCE);
            for (String stage : stages) {
                double err = Fixtures.maxAbsDiff(trace.get(stage, i), Fixtures.expected(fixture, i, stage));
                worst.merge(stage, err, Math::max);
                assertThat(err).as("%s of image %d", stage, i).isLessThanOrEqualTo(DECODER_TOLERANCE);
            }
        }
        System.out.printf("[%s] decoder max abs errors: %s%n", fixture, worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {TWO_STAGE, SINGLE_STAGE})
    void publicApiMatchesAndBatchOfFourEqualsOneAtATime(String fixture) {
        TiTokTokenizer model = MODELS.get(fixture);
        List<float[]> images = Fixtures.inputs(fixture);
        int[][] batched = model.tokenize(images);
        List<float[]> decodedBatch = model.detokenize(List.of(batched));
        double worst = 0;
        for (int i = 0; i < Fixtures.IMAGES; i++) {
            assertThat(batched[i]).containsExactly(Fixtures.expectedTokens(fixture, i));
            int[] single = model.tokenize(List.of(images.get(i)))[0];
            assertThat(single).as("image %d alone", i).containsExactly(batched[i]);
            float[] decodedSingle = model.detokenize(List.of(single)).getFirst();
            worst = Math.max(worst, Fixtures.maxAbsDiff(decodedSingle, decodedBatch.get(i)));
            assertThat(Fixtures.maxAbsDiff(decodedBatch.get(i), Fixtures.expected(fixture, i, "decoded")))
                    .isLessThanOrEqualTo(DECODER_TOLERANCE);
        }
        assertThat(worst).as("batch of 4 vs one at a time, decoded").isLessThanOrEqualTo(1e-5);
        System.out.printf("[%s] decoded, batch of 4 vs single: %.3g%n", fixture, worst);
    }

    @Test
    void describesItself() {
        TiTokTokenizer twoStage = MODELS.get(TWO_STAGE);
        assertThat(twoStage.name()).isEqualTo(TWO_STAGE);
        assertThat(twoStage.imageSize()).isEqualTo(32);
        assertThat(twoStage.numTokens()).isEqualTo(32);
        assertThat(twoStage.codebookSize()).isEqualTo(256);
        assertThat(twoStage.device()).isEqualTo("cpu()");
        assertThat(twoStage.config().twoStage()).isTrue();
        assertThat(twoStage.config().pixelDecoder().levelChannels()).containsExactly(32, 32, 64, 64);
        TiTokTokenizer single = MODELS.get(SINGLE_STAGE);
        assertThat(single.numTokens()).isEqualTo(16);
        assertThat(single.codebookSize()).isEqualTo(128);
        assertThat(single.config().twoStage()).isFalse();
        assertThat(single.config().legacy()).isFalse();
    }
}
