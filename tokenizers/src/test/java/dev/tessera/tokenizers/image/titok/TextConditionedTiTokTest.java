package dev.tessera.tokenizers.image.titok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.tessera.tokenizers.image.CaptionEncoder;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.image.titok.train.TiTokTrainer;
import dev.tessera.tokenizers.weights.ModelConfigException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TexTok mode, the TA-TiTok decoder branch and the 2D-grid layout of the TiTok classes. */
class TextConditionedTiTokTest {

    private static final int SIZE = 32;
    private static final int TEXT_LENGTH = 4;
    private static final int TEXT_DIM = 8;
    private static final String[] COLOURS = {"red", "blue", "green", "yellow", "magenta", "cyan", "orange", "white"};
    private static final Color[] AWT = {Color.RED, Color.BLUE, Color.GREEN, Color.YELLOW, Color.MAGENTA, Color.CYAN,
            Color.ORANGE, Color.WHITE};

    /** A stand-in text model: one seeded vector per word, zero rows past the caption. */
    static final class WordVectors implements CaptionEncoder {
        private final int dimension;

        WordVectors(int dimension) {
            this.dimension = dimension;
        }

        @Override
        public String name() {
            return "word-vectors";
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public List<float[]> encode(List<String> captions, int length) {
            List<float[]> out = new ArrayList<>();
            for (String caption : captions) {
                float[] rows = new float[length * dimension];
                String[] words = caption.strip().split("\\s+");
                for (int t = 0; t < Math.min(length, words.length); t++) {
                    SplittableRandom r = new SplittableRandom(words[t].hashCode());
                    for (int d = 0; d < dimension; d++) {
                        rows[t * dimension + d] = (float) r.nextGaussian();
                    }
                }
                out.add(rows);
            }
            return out;
        }
    }

    private static final CaptionEncoder.Resolver WORDS = name -> "word-vectors".equals(name)
            ? Optional.of(new WordVectors(TEXT_DIM)) : Optional.empty();

    /** Image i: a solid background of colour i with a small dark square; its caption names the colour. */
    static List<float[]> images() {
        ImagePreprocessor pre = new ImagePreprocessor(Long.MAX_VALUE);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(AWT[i]);
            g.fillRect(0, 0, SIZE, SIZE);
            g.setColor(Color.DARK_GRAY);
            g.fillRect(4 + 2 * i, 6, 8, 8);
            g.dispose();
            out.add(pre.toModelInput(img, SIZE));
        }
        return out;
    }

    static List<String> captions() {
        List<String> out = new ArrayList<>();
        for (String c : COLOURS) {
            out.add("a " + c + " square");
        }
        return out;
    }

    static TiTokConfig config(TiTokConfig.TextBranch text, TiTokConfig.TokenLayout layout, int tokens) {
        TiTokConfig.Transformer vit = new TiTokConfig.Transformer(32, 2, 2, 128, 1e-5f);
        return new TiTokConfig(SIZE, 8, 8, tokens, vit, vit, TiTokConfig.QuantizeMode.VQ, 64, 8, false, false, null,
                text, layout);
    }

    private static float[] concat(List<float[]> parts) {
        int per = parts.getFirst().length;
        float[] all = new float[parts.size() * per];
        for (int i = 0; i < parts.size(); i++) {
            System.arraycopy(parts.get(i), 0, all, i * per, per);
        }
        return all;
    }

    @Test
    void texTokModeTrainsOnCaptionsAndReloadsWithBothTextBranches(@TempDir Path dir) throws Exception {
        TiTokConfig config = config(new TiTokConfig.TextBranch(TEXT_LENGTH, TEXT_DIM, true, "word-vectors"),
                TiTokConfig.TokenLayout.LATENT_1D, 16);
        List<float[]> images = images();
        float[] pixels = concat(images);
        float[] states = concat(new WordVectors(TEXT_DIM).encode(captions(), TEXT_LENGTH));
        Path model = dir.resolve("textok");
        int[][] inMemory;
        try (TiTokTrainer trainer = TiTokTrainer.create(config, TiTokTrainer.Hyper.defaults(2e-3f, 10, 3), Device.cpu())) {
            float first = trainer.step(pixels, states, 8).reconstruction();
            float last = first;
            for (int i = 1; i < 30; i++) {
                last = trainer.step(pixels, states, 8).reconstruction();
            }
            assertThat(last).isLessThan(0.5f * first);
            assertThatThrownBy(() -> trainer.step(pixels, null, 8)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("caption states");
            trainer.saveModel(model);
            inMemory = trainer.tokenize(images, states);
        }
        assertThat(Files.readString(model.resolve("config.json"))).contains("\"text_encoder\" : \"word-vectors\"");
        try (TiTokTokenizer reloaded = TiTokTokenizer.load(model, "cpu", WORDS)) {
            assertThat(reloaded.captions()).isEqualTo(ImageTokenizer.Captions.ENCODER_AND_DECODER);
            assertThat(reloaded.captionEncoder()).isEqualTo("word-vectors");
            assertThat(reloaded.config().text()).isEqualTo(config.text());
            assertThat(reloaded.tokenize(images, captions())).isDeepEqualTo(inMemory);
            // The same tokens decoded under another caption: the decoder reads it (the forward pass is
            // deterministic, so any difference comes from the caption; after 30 steps it is still small).
            float[] asRed = reloaded.detokenize(List.of(inMemory[0]), List.of("a red square")).getFirst();
            float[] asBlue = reloaded.detokenize(List.of(inMemory[0]), List.of("a blue square")).getFirst();
            assertThat(maxAbsDifference(asRed, asBlue)).as("the decoder reads the caption").isPositive();
        }
    }

    @Test
    void aCaptionConditionedModelNeedsACaptionAndItsDecoderReadsIt(@TempDir Path dir) throws Exception {
        Path model = write(dir, config(new TiTokConfig.TextBranch(TEXT_LENGTH, TEXT_DIM, true, "word-vectors"),
                TiTokConfig.TokenLayout.LATENT_1D, 16));
        List<float[]> images = images().subList(0, 2);
        try (TiTokTokenizer t = TiTokTokenizer.load(model, "cpu", WORDS)) {
            assertThatThrownBy(() -> t.tokenize(images)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trained with captions");
            assertThatThrownBy(() -> t.tokenize(images, List.of("a red square", " ")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item 1");
            int[][] ids = t.tokenize(images, List.of("a red square", "a blue square"));
            assertThat(ids[0]).hasSize(16);
            assertThatThrownBy(() -> t.detokenize(List.of(ids[0]))).isInstanceOf(IllegalArgumentException.class);
            float[] asRed = t.detokenize(List.of(ids[0]), List.of("a red square")).getFirst();
            float[] asRedAgain = t.detokenize(List.of(ids[0]), List.of("a red square")).getFirst();
            assertThat(asRedAgain).containsExactly(asRed);
        }
    }

    @Test
    void aModelWithoutTextRefusesACaption(@TempDir Path dir) throws Exception {
        Path model = write(dir, config(null, TiTokConfig.TokenLayout.LATENT_1D, 16));
        try (TiTokTokenizer t = TiTokTokenizer.load(model, "cpu", WORDS)) {
            assertThat(t.captions()).isEqualTo(ImageTokenizer.Captions.NONE);
            assertThatThrownBy(() -> t.tokenize(images().subList(0, 1), List.of("a red square")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not trained with captions");
            assertThat(t.tokenize(images().subList(0, 1), null)[0]).hasSize(16);
        }
    }

    @Test
    void taTiTokShapedDecoderBranchNeedsCaptionsOnlyToDetokenize(@TempDir Path dir) throws Exception {
        Path model = write(dir, config(new TiTokConfig.TextBranch(7, TEXT_DIM, false, "word-vectors"),
                TiTokConfig.TokenLayout.LATENT_1D, 16));
        try (TiTokTokenizer t = TiTokTokenizer.load(model, "cpu", WORDS)) {
            assertThat(t.captions()).isEqualTo(ImageTokenizer.Captions.DECODER);
            int[][] ids = t.tokenize(images().subList(0, 1));
            assertThat(t.tokenize(images().subList(0, 1), List.of("ignored by the encoder"))).isDeepEqualTo(ids);
            assertThatThrownBy(() -> t.detokenize(List.of(ids[0]))).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.detokenize(List.of(ids[0]), List.of("a red square")).getFirst()).hasSize(3 * SIZE * SIZE);
        }
    }

    @Test
    void aMissingOrMismatchedTextModelMakesTheModelUnloadableWithTheReason(@TempDir Path dir) throws Exception {
        Path model = write(dir, config(new TiTokConfig.TextBranch(TEXT_LENGTH, TEXT_DIM, true, "word-vectors"),
                TiTokConfig.TokenLayout.LATENT_1D, 16));
        assertThatThrownBy(() -> TiTokTokenizer.load(model, "cpu", name -> Optional.empty()))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("'word-vectors', which is not available");
        assertThatThrownBy(() -> TiTokTokenizer.load(model, "cpu", name -> Optional.of(new WordVectors(16))))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("16-d token states");
        // A TA-TiTok checkpoint (CLIP text states, no text_encoder in its config) says what it needs.
        Path clip = write(dir.resolve("clip"), config(new TiTokConfig.TextBranch(77, 768, false, null),
                TiTokConfig.TokenLayout.LATENT_1D, 16));
        assertThatThrownBy(() -> TiTokTokenizer.load(clip, "cpu", WORDS))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("CLIP ViT-L/14-336");
    }

    @Test
    void gridLayoutHasOneTokenPerPatchAndReloads(@TempDir Path dir) throws Exception {
        TiTokConfig config = config(null, TiTokConfig.TokenLayout.GRID_2D, 16);
        Path model = write(dir, config);
        assertThat(Files.readString(model.resolve("config.json"))).contains("\"token_layout\" : \"grid\"");
        try (TiTokTokenizer t = TiTokTokenizer.load(model, "cpu")) {
            assertThat(t.config().grid2d()).isTrue();
            assertThat(t.numTokens()).isEqualTo(16);
            int[][] ids = t.tokenize(images());
            assertThat(t.detokenize(List.of(ids[0])).getFirst()).hasSize(3 * SIZE * SIZE);
        }
        assertThatThrownBy(() -> config(null, TiTokConfig.TokenLayout.GRID_2D, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grid² = 16");
    }

    /** A freshly initialised model of {@code config}, saved as a model folder. */
    private static Path write(Path dir, TiTokConfig config) throws Exception {
        try (TiTokTrainer trainer = TiTokTrainer.create(config, TiTokTrainer.Hyper.defaults(1e-3f, 0, 1), Device.cpu())) {
            trainer.saveModel(dir);
        }
        return dir;
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
