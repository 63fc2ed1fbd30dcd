package dev.tessera.tokenizers.nn.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What the trainers' tests compare between runs: each step's figures as bits, and the final state. */
public final class TrainingRuns {

    /** One training run: per step its loss and gradient-norm bits and dead codes replaced; then every tensor a step may change. */
    public record Run(List<Integer> steps, Map<String, float[]> state) {}

    /** Collects a run's step figures. */
    public static final class Steps {
        private final List<Integer> bits = new ArrayList<>();

        public void add(float loss, StepGuard.Verdict verdict, int deadCodesReplaced) {
            bits.add(Float.floatToRawIntBits(loss));
            bits.add(Float.floatToRawIntBits(verdict.gradientNorm()));
            bits.add(deadCodesReplaced);
        }

        public Run then(Map<String, float[]> state) {
            return new Run(List.copyOf(bits), state);
        }
    }

    private TrainingRuns() {}

    /** Runs {@code training} twice: the step figures and the final tensors must be bit-identical. */
    public static void assertRepeatable(Supplier<Run> training) {
        Run first = training.get();
        Run second = training.get();
        assertThat(second.steps()).isEqualTo(first.steps());
        assertBitIdentical(first.state(), second.state());
    }

    /** The same names, and bit for bit the same values under each. */
    public static void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, values) -> assertThat(Arrays.equals(actual.get(name), values)).as(name).isTrue());
    }
}
