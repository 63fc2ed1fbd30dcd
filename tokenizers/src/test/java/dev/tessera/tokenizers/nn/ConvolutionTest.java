package dev.tessera.tokenizers.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvolutionTest {

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** Forward of the recorded conv1d, and its gradients for x, weight, bias under the upstream gradient. */
    private record Pass(float[] y, float[] dx, float[] dw, float[] db) {}

    private static Pass conv1d(NDManager m, int batch, int in, int out, int kernel, int stride, int dilation, int length) {
        NDArray x = m.create(random(batch * in * length, 1), new Shape(batch, in, length));
        NDArray w = m.create(random(out * in * kernel, 2), new Shape(out, in, kernel));
        NDArray b = m.create(random(out, 3), new Shape(out));
        for (NDArray a : new NDArray[] {x, w, b}) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y = Convolution.conv1d(x, w, b, stride, dilation);
            NDArray upstream = m.create(random((int) y.size(), 4), y.getShape());
            collector.backward(y.mul(upstream).sum());
            return new Pass(y.toFloatArray(), x.getGradient().toFloatArray(), w.getGradient().toFloatArray(),
                    b.getGradient().toFloatArray());
        }
    }

    /** The forms a trainer may record convolutions in (ENGINE is the faulty baseline). */
    private static final List<Convolution.RecordedForm> RECORDED = List.of(Convolution.RecordedForm.PADDED,
            Convolution.RecordedForm.UNFOLDED);

    @AfterEach
    void restoreTheDefaultForm() {
        Convolution.recordedForm(Convolution.RecordedForm.PADDED);
    }

    /**
     * Shapes whose engine backward (oneDNN AVX-512, output channels padded to 16) returned
     * non-finite or changing input gradients: both recorded forms give the same finite gradients on
     * every call, equal to a float64 reference of the convolution's adjoint.
     */
    @ParameterizedTest
    @CsvSource({"4,16,8,3,1,1,602", "4,8,3,3,1,1,602", "4,16,4,7,1,1,602", "4,32,8,3,1,1,602", "2,4,8,4,2,1,96", "2,3,5,7,3,1,50",
            "3,6,5,3,1,3,64"})
    void recordedConv1dGradientsAreRepeatableAndMatchTheAdjoint(int batch, int in, int out, int kernel, int stride,
                                                               int dilation, int length) {
        for (Convolution.RecordedForm form : RECORDED) {
            Convolution.recordedForm(form);
            assertRepeatableAndExact(batch, in, out, kernel, stride, dilation, length);
        }
    }

    private static void assertRepeatableAndExact(int batch, int in, int out, int kernel, int stride, int dilation,
                                                 int length) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Pass first = conv1d(m, batch, in, out, kernel, stride, dilation, length);
            for (int repeat = 0; repeat < 40; repeat++) {
                Pass again = conv1d(m, batch, in, out, kernel, stride, dilation, length);
                assertThat(Arrays.equals(again.dx(), first.dx())).as("input gradient, call %d", repeat).isTrue();
                assertThat(Arrays.equals(again.dw(), first.dw())).as("weight gradient, call %d", repeat).isTrue();
                assertThat(Arrays.equals(again.y(), first.y())).as("output, call %d", repeat).isTrue();
            }
            float[] x = random(batch * in * length, 1);
            float[] w = random(out * in * kernel, 2);
            float[] b = random(out, 3);
            int frames = (length - dilation * (kernel - 1) - 1) / stride + 1;
            float[] up = random(batch * out * frames, 4);
            double[] y = new double[batch * out * frames];
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < out; o++) {
                    for (int t = 0; t < frames; t++) {
                        double sum = b[o];
                        double g = up[(n * out + o) * frames + t];
                        for (int c = 0; c < in; c++) {
                            for (int k = 0; k < kernel; k++) {
                                int xi = (n * in + c) * length + t * stride + k * dilation;
                                int wi = (o * in + c) * kernel + k;
                                sum += (double) w[wi] * x[xi];
                                dx[xi] += g * w[wi];
                                dw[wi] += g * x[xi];
                            }
                        }
                        y[(n * out + o) * frames + t] = sum;
                    }
                }
            }
            for (int i = 0; i < y.length; i++) {
                assertThat((double) first.y()[i]).isCloseTo(y[i], within(1e-4));
            }
            for (int i = 0; i < dx.length; i++) {
                assertThat(Float.isFinite(first.dx()[i])).isTrue();
                assertThat((double) first.dx()[i]).as("dx[%d]", i).isCloseTo(dx[i], within(1e-4));
            }
            for (int i = 0; i < dw.length; i++) {
                assertThat((double) first.dw()[i]).as("dw[%d]", i).isCloseTo(dw[i], within(1e-3 * Math.max(1, Math.abs(dw[i]))));
            }
        }
    }

    /** The recorded forms compute what the engine's kernels compute, to float rounding. */
    @ParameterizedTest
    @CsvSource({"2,3,16,4,4,0,32", "2,3,8,4,4,0,30", "2,16,3,3,1,1,8", "1,8,12,1,1,0,7", "2,4,6,3,2,1,9"})
    void recordedConv2dMatchesTheEngine(int batch, int in, int out, int kernel, int stride, int padding, int size) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.create(random(batch * in * size * size, 5), new Shape(batch, in, size, size));
            NDArray w = m.create(random(out * in * kernel * kernel, 6), new Shape(out, in, kernel, kernel));
            NDArray b = m.create(random(out, 7), new Shape(out));
            float[] engine = Convolution.conv2d(x, w, b, stride, padding).toFloatArray();
            assertThat(Convolution.form(x)).isEqualTo(Convolution.RecordedForm.ENGINE);
            for (Convolution.RecordedForm form : RECORDED) {
                Convolution.recordedForm(form);
                float[] recorded;
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    assertThat(Convolution.form(x)).isEqualTo(form);
                    recorded = Convolution.conv2d(x, w, b, stride, padding).toFloatArray();
                }
                assertThat(recorded).as("%s", form).hasSameSizeAs(engine);
                for (int i = 0; i < engine.length; i++) {
                    assertThat(recorded[i]).as("%s", form).isCloseTo(engine[i], within(1e-5f));
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2,16,8,3,1,1,40", "1,1,4,7,1,1,50", "2,4,8,8,4,1,64", "2,6,6,3,1,3,30", "2,3,5,7,3,1,50", "1,2,3,10,5,1,41"})
    void recordedConv1dMatchesTheEngine(int batch, int in, int out, int kernel, int stride, int dilation, int length) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.create(random(batch * in * length, 8), new Shape(batch, in, length));
            NDArray w = m.create(random(out * in * kernel, 9), new Shape(out, in, kernel));
            NDArray b = m.create(random(out, 10), new Shape(out));
            float[] engine = Convolution.conv1d(x, w, b, stride, dilation).toFloatArray();
            for (Convolution.RecordedForm form : RECORDED) {
                Convolution.recordedForm(form);
                float[] recorded;
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    recorded = Convolution.conv1d(x, w, b, stride, dilation).toFloatArray();
                }
                assertThat(recorded).as("%s", form).hasSameSizeAs(engine);
                for (int i = 0; i < engine.length; i++) {
                    assertThat(recorded[i]).as("%s", form).isCloseTo(engine[i], within(1e-5f));
                }
            }
        }
    }
}
