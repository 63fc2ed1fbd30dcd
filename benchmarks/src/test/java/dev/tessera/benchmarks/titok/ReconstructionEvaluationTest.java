package dev.tessera.benchmarks.titok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructionEvaluationTest {

    static final int SIZE = 32;

    static float[] randomImage(long seed) {
        Random r = new Random(seed);
        float[] img = new float[3 * SIZE * SIZE];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextFloat();
        }
        return img;
    }

    @Test
    void psnrFollowsTheMeanSquaredErrorAndSsimIsOneOnlyForTheSameImage() {
        float[] a = new float[3 * SIZE * SIZE];
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.5f;
            b[i] = 0.6f;   // uniform offset 0.1: MSE 0.01, PSNR 20 dB
        }
        ReconstructionEvaluation.Scores offset = ReconstructionEvaluation.score(a, b, SIZE);
        assertThat(offset.mse()).isCloseTo(0.01, within(1e-6));
        assertThat(offset.psnr()).isCloseTo(20.0, within(1e-3));

        float[] x = randomImage(1);
        ReconstructionEvaluation.Scores same = ReconstructionEvaluation.score(x, x.clone(), SIZE);
        assertThat(same.psnr()).isEqualTo(100);
        assertThat(same.ssim()).isCloseTo(1.0, within(1e-9));
        // Unrelated noise images share no structure: SSIM near 0, far below a mildly noisy copy.
        float[] noisy = x.clone();
        Random r = new Random(2);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = Math.max(0, Math.min(1, noisy[i] + (float) (0.05 * r.nextGaussian())));
        }
        double unrelated = ReconstructionEvaluation.score(x, randomImage(3), SIZE).ssim();
        double close = ReconstructionEvaluation.score(x, noisy, SIZE).ssim();
        assertThat(unrelated).isLessThan(0.1);
        assertThat(close).isGreaterThan(0.8).isLessThan(1.0);
    }

    @Test
    void figureHasARowPerImageAndAColumnPerModelBesideTheOriginal(@TempDir Path dir) throws Exception {
        Map<String, List<float[]>> rows = new LinkedHashMap<>();
        rows.put("a", List.of(randomImage(4), randomImage(5)));
        rows.put("b", List.of(randomImage(6), randomImage(7)));
        Path png = dir.resolve("figure.png");
        ReconstructionEvaluation.writeFigure(png, List.of(randomImage(8), randomImage(9)), rows, SIZE);
        BufferedImage image = ImageIO.read(png.toFile());
        int cell = SIZE * 4;
        assertThat(image.getWidth()).isEqualTo(3 * (cell + 6) + 6);
        assertThat(image.getHeight()).isEqualTo(22 + 2 * (cell + 6) + 6);
    }
}
