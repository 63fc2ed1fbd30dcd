package dev.tessera.tokenizers.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepGuardTest {

    /** Two parameters whose gradients after backward of Σ c·p are the constants c. */
    private static List<NDArray> withGradients(NDManager m, float[] ga, float[] gb) {
        NDArray a = m.create(new float[ga.length]);
        NDArray b = m.create(new float[gb.length]);
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(a.mul(m.create(ga)).sum().add(b.mul(m.create(gb)).sum()));
        }
        return List.of(a, b);
    }

    @Test
    void gradientsAboveTheClipNormAreScaledToItAsTorchDoes() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            List<NDArray> params = withGradients(m, new float[] {3, 0}, new float[] {0, 4});   // norm 5
            StepGuard guard = new StepGuard(new StepGuard.Settings(1f, 3));
            StepGuard.Verdict verdict = guard.check(1, 0.5f, params);
            assertThat(verdict.accepted()).isTrue();
            assertThat(verdict.gradientNorm()).isCloseTo(5f, within(1e-6f));
            assertThat(verdict.clipped()).isTrue();
            assertThat(verdict.gradient()).isEqualTo("grad 5.000 (clipped)");
            assertThat(StepGuard.gradientNorm(params)).isCloseTo(1f, within(1e-5f));
            assertThat(params.get(0).getGradient().toFloatArray()).containsExactly(new float[] {0.6f, 0}, within(1e-6f));

            List<NDArray> small = withGradients(m, new float[] {0.3f, 0}, new float[] {0, 0.4f});
            StepGuard.Verdict untouched = guard.check(2, 0.5f, small);
            assertThat(untouched.clipped()).isFalse();
            assertThat(small.get(1).getGradient().toFloatArray()).containsExactly(0, 0.4f);
        }
    }

    @Test
    void aNonFiniteLossOrGradientIsRefusedAndItsGradientsCleared() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            StepGuard guard = new StepGuard(new StepGuard.Settings(0f, 5));
            List<NDArray> nanGradient = withGradients(m, new float[] {Float.NaN, 1}, new float[] {2, 2});
            StepGuard.Verdict verdict = guard.check(7, 1.25f, nanGradient);
            assertThat(verdict.accepted()).isFalse();
            assertThat(verdict.refused()).isEqualTo("gradient norm is NaN");
            assertThat(verdict.refusal(7, 100)).isEqualTo("step 7/100 refused: gradient norm is NaN; nothing updated");
            for (NDArray p : nanGradient) {
                assertThat(p.getGradient().toFloatArray()).containsOnly(0f);
            }
            List<NDArray> finite = withGradients(m, new float[] {1, 1}, new float[] {1, 1});
            assertThat(guard.check(8, Float.POSITIVE_INFINITY, finite).refused()).isEqualTo("loss is Infinity");
            assertThat(finite.get(0).getGradient().toFloatArray()).containsOnly(0f);
            assertThat(guard.refusedInARow()).isEqualTo(2);
            assertThat(guard.check(9, 1f, withGradients(m, new float[] {1, 1}, new float[] {1, 1})).accepted()).isTrue();
            assertThat(guard.refusedInARow()).isZero();
        }
    }

    @Test
    void theLimitOfRefusalsInARowStopsTheRun() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            StepGuard guard = new StepGuard(new StepGuard.Settings(0f, 2));
            List<NDArray> params = withGradients(m, new float[] {1}, new float[] {1});
            assertThat(guard.check(41, Float.NaN, params).accepted()).isFalse();
            assertThatThrownBy(() -> guard.check(42, Float.NaN, params)).isInstanceOf(StepGuard.Diverged.class)
                    .hasMessage("stopped at step 42: 2 steps in a row were refused (last: loss is NaN); the weights are those of step 40")
                    .extracting(e -> ((StepGuard.Diverged) e).lastStep()).isEqualTo(42L);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new StepGuard.Settings(-1f, 3)).hasMessageContaining("clip norm");
        assertThatThrownBy(() -> new StepGuard.Settings(Float.NaN, 3)).hasMessageContaining("clip norm");
        assertThatThrownBy(() -> new StepGuard.Settings(1f, 0)).hasMessageContaining("at least 1");
    }
}
