package dev.tessera.tokenizers.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The element-wise pieces against plain-Java definitions (the fixtures cover the rest end to end). */
class BuildingBlocksTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void geluIsTheExactErfForm() {
        float[] x = {-3f, -1.5f, -0.5f, 0f, 0.3f, 1f, 2.5f};
        float[] y = Activations.gelu(manager.create(x)).toFloatArray();
        for (int i = 0; i < x.length; i++) {
            double exact = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
            // the tanh approximation is off by up to ~5e-4 here; the exact form agrees to float precision
            assertThat((double) y[i]).isCloseTo(exact, within(2e-6));
        }
    }

    @Test
    void siluAndNearestUpsampling() {
        float[] x = {-2f, 0f, 1.5f};
        float[] y = Activations.silu(manager.create(x)).toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertThat((double) y[i]).isCloseTo(x[i] / (1 + Math.exp(-x[i])), within(1e-6));
        }
        NDArray img = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
        assertThat(Activations.upsampleNearest2x(img).toFloatArray())
                .containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
    }

    @Test
    void groupNormMatchesPerGroupStatistics() {
        int b = 2, c = 4, h = 3, w = 3, groups = 2;
        float eps = 1e-6f;
        Random random = new Random(3);
        float[] x = new float[b * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 2 + 1);
        }
        float[] gamma = {1f, 0.5f, -1f, 2f};
        float[] beta = {0f, 0.1f, 0.2f, -0.3f};
        GroupNorm norm = new GroupNorm(groups, manager.create(gamma).reshape(c, 1, 1),
                manager.create(beta).reshape(c, 1, 1), eps);
        float[] y = norm.apply(manager.create(x, new Shape(b, c, h, w))).toFloatArray();
        int perGroup = c / groups * h * w;
        for (int n = 0; n < b; n++) {
            for (int g = 0; g < groups; g++) {
                int start = (n * c + g * (c / groups)) * h * w;
                double mean = 0, var = 0;
                for (int i = 0; i < perGroup; i++) {
                    mean += x[start + i];
                }
                mean /= perGroup;
                for (int i = 0; i < perGroup; i++) {
                    var += (x[start + i] - mean) * (x[start + i] - mean);
                }
                var /= perGroup;
                for (int i = 0; i < perGroup; i++) {
                    int channel = g * (c / groups) + i / (h * w);
                    double expected = (x[start + i] - mean) / Math.sqrt(var + eps) * gamma[channel] + beta[channel];
                    assertThat((double) y[start + i]).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse; a series/continued-fraction erf accurate to ~1e-12. */
    private static double erf(double x) {
        double ax = Math.abs(x);
        double result;
        if (ax < 2.5) {
            double sum = 0, term = ax;
            for (int n = 0; n < 60; n++) {
                sum += term / (2 * n + 1);
                term *= -ax * ax / (n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return Math.copySign(result, x);
    }
}
