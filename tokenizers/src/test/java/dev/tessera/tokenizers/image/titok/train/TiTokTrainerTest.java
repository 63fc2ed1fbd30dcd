package dev.tessera.tokenizers.image.titok.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.titok.TiTokConfig;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import dev.tessera.tokenizers.nn.train.TrainingRuns;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiTokTrainerTest {

    private static final int SIZE = 32;

    /** 8 images: gradients and solid shapes on coloured backgrounds. */
    static List<BufferedImage> images() {
        List<BufferedImage> out = new ArrayList<>();
        Color[] colours = {Color.RED, Color.BLUE, Color.GREEN, Color.YELLOW, Color.MAGENTA, Color.CYAN, Color.ORANGE,
                Color.WHITE};
        for (int i = 0; i < 8; i++) {
            BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setPaint(new GradientPaint(0, 0, colours[i], SIZE, SIZE * (i % 2), colours[(i + 3) % 8]));
            g.fillRect(0, 0, SIZE, SIZE);
            g.setColor(colours[(i + 5) % 8]);
            if (i % 3 == 0) {
                g.fillOval(4 + i, 6, 14, 14);
            } else if (i % 3 == 1) {
                g.fillRect(8, 2 + i, 12, 10);
            }
            g.dispose();
            out.add(img);
        }
        return out;
    }

    static TiTokConfig tinyConfig() {
        TiTokConfig.Transformer vit = new TiTokConfig.Transformer(32, 2, 2, 128, 1e-5f);
        return new TiTokConfig(SIZE, 8, 8, 16, vit, vit, TiTokConfig.QuantizeMode.VQ, 64, 8, false, false, null);
    }

    @Test
    void lossFallsAndTheSavedFolderReloadsToTheSameTokens(@TempDir Path dir) throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(Long.MAX_VALUE);
        List<float[]> inputs = images().stream().map(i -> pre.toModelInput(i, SIZE)).toList();
        float[] batch = new float[8 * 3 * SIZE * SIZE];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(inputs.get(i), 0, batch, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
        }
        TiTokTrainer.Hyper hyper = TiTokTrainer.Hyper.defaults(2e-3f, 10, 7);
        try (TiTokTrainer trainer = TiTokTrainer.create(tinyConfig(), hyper, Device.cpu())) {
            List<Float> losses = new ArrayList<>();
            long t0 = System.nanoTime();
            int replaced = 0;
            for (int i = 0; i < 40; i++) {
                TiTokTrainer.StepLoss loss = trainer.step(batch, 8);
                losses.add(loss.reconstruction());
                replaced += loss.deadCodesReplaced();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[train] 40 steps of 8 images in %.2f s (%.1f img/s); rec loss %.4f -> %.4f; %d dead codes re-initialised%n",
                    seconds, 320 / seconds, losses.get(0), losses.get(39), replaced);
            float start = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
            float end = (losses.get(37) + losses.get(38) + losses.get(39)) / 3;
            assertThat(end).isLessThan(0.5f * start);
            assertThat(replaced).isPositive();

            Path model = dir.resolve("model");
            trainer.saveModel(model);
            int[][] inMemory = trainer.tokenize(inputs);
            try (TiTokTokenizer reloaded = TiTokTokenizer.load(model, "cpu")) {
                assertThat(reloaded.tokenize(inputs)).isDeepEqualTo(inMemory);
                assertThat(reloaded.numTokens()).isEqualTo(16);
                assertThat(reloaded.codebookSize()).isEqualTo(64);
            }
        }
    }

    private static float[] batchOf(List<float[]> inputs) {
        float[] batch = new float[inputs.size() * 3 * SIZE * SIZE];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(inputs.get(i), 0, batch, i * 3 * SIZE * SIZE, 3 * SIZE * SIZE);
        }
        return batch;
    }

    /** One seed, one build, one machine: two runs in one JVM give bit-identical losses and weights. */
    @Test
    void oneSeedGivesBitIdenticalLossesAndWeights() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(Long.MAX_VALUE);
        float[] batch = batchOf(images().stream().map(i -> pre.toModelInput(i, SIZE)).toList());
        TrainingRuns.assertRepeatable(() -> {
            try (TiTokTrainer trainer = TiTokTrainer.create(tinyConfig(), TiTokTrainer.Hyper.defaults(2e-3f, 5, 9), Device.cpu())) {
                TrainingRuns.Steps steps = new TrainingRuns.Steps();
                for (int i = 0; i < 15; i++) {
                    TiTokTrainer.StepLoss loss = trainer.step(batch, 8);
                    steps.add(loss.total(), loss.verdict(), loss.deadCodesReplaced());
                }
                return steps.then(trainer.fullState());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * A batch with a NaN pixel makes the loss non-finite: the step is refused, and the weights, Adam
     * moments and codebook usage stay bit-identical; the next good batch trains as usual.
     */
    @Test
    void aStepWithANonFiniteLossIsRefusedAndChangesNothing() throws Exception {
        ImagePreprocessor pre = new ImagePreprocessor(Long.MAX_VALUE);
        float[] good = batchOf(images().stream().map(i -> pre.toModelInput(i, SIZE)).toList());
        float[] bad = good.clone();
        bad[100] = Float.NaN;
        try (TiTokTrainer trainer = TiTokTrainer.create(tinyConfig(), TiTokTrainer.Hyper.defaults(2e-3f, 0, 4), Device.cpu())) {
            trainer.step(good, 8);
            trainer.step(good, 8);
            Map<String, float[]> before = trainer.fullState();
            TiTokTrainer.StepLoss refused = trainer.step(bad, 8);
            assertThat(refused.verdict().accepted()).isFalse();
            assertThat(refused.verdict().refused()).isEqualTo("loss is NaN");
            TrainingRuns.assertBitIdentical(before, trainer.fullState());
            TiTokTrainer.StepLoss next = trainer.step(good, 8);
            assertThat(next.verdict().accepted()).isTrue();
            assertThat(Float.isFinite(next.total())).isTrue();
        }
    }

    @Test
    void commandWritesAModelFolderAndResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/sub"));
        List<BufferedImage> imgs = images();
        for (int i = 0; i < imgs.size(); i++) {
            ImageIO.write(imgs.get(i), "png", (i % 2 == 0 ? data : data.getParent()).resolve("img" + i + ".png").toFile());
        }
        Path out = dir.resolve("run");
        String[] common = {"--data", data.getParent().toString(), "--image-size", "32", "--tokens", "16", "--out",
                out.toString(), "--batch", "4", "--width", "32", "--layers", "2", "--heads", "2", "--codebook", "64",
                "--token-size", "8", "--lr", "2e-3", "--reinit-every", "5", "--checkpoint-every", "6",
                "--log-every", "5", "--device", "cpu"};
        String first = run(concat(new String[] {"titok", "--steps", "12"}, common));
        assertThat(first).containsPattern("step 10/12 loss \\d+\\.\\d{4} \\(rec \\d+\\.\\d{4}\\) grad \\d+\\.\\d{3}( \\(clipped\\))? \\d+\\.\\d img/s ETA \\d+s");
        assertThat(out.resolve("config.json")).exists();
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(Files.readString(out.resolve("checkpoint/trainer.json"))).contains("\"step\" : 12");

        String second = run(concat(new String[] {"titok", "--steps", "18"}, common));
        assertThat(second).contains("resuming from step 12").contains("step 15/18").doesNotContain("step 5/18");
        assertThat(Files.readString(out.resolve("checkpoint/trainer.json"))).contains("\"step\" : 18");

        // An uninterrupted 18-step run ends with the same weights as 12 + 6 resumed.
        Path straight = dir.resolve("straight");
        String[] straightArgs = concat(new String[] {"titok", "--steps", "18"}, common);
        straightArgs[java.util.Arrays.asList(straightArgs).indexOf(out.toString())] = straight.toString();
        run(straightArgs);
        assertThat(java.util.Arrays.equals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")))).as("resumed == uninterrupted weights").isTrue();
        try (TiTokTokenizer reloaded = TiTokTokenizer.load(out, "cpu")) {
            assertThat(reloaded.imageSize()).isEqualTo(32);
        }
    }

    private static String run(String[] args) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = TrainCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(rc).as(text).isZero();
        return text;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
