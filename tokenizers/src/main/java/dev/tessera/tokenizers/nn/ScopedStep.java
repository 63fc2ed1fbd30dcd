package dev.tessera.tokenizers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs one step of a forward pass in its own {@link NDScope}: every native tensor the step creates
 * is freed when it returns, except its result, which is handed to the enclosing scope. Keeps the
 * peak memory of deep stacks (transformer layers, the 256-px pixel decoder) to a few activations.
 */
public final class ScopedStep {

    private ScopedStep() {}

    public static NDArray run(Supplier<NDArray> step) {
        NDArray result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            result = step.get();
            NDScope.unregister(result);
        }
        NDScope.register(result);
        return result;
    }
}
