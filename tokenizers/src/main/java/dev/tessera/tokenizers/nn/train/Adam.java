package dev.tessera.tokenizers.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tokenizers.weights.SafetensorsFile;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam ({@code torch.optim.Adam}: bias-corrected, no weight decay) written out over NDArrays, so
 * that its moments can be checkpointed next to the weights ({@code m.NAME}, {@code v.NAME} in a
 * safetensors file) and a resumed run continues exactly. Updates the parameters in place from
 * their gradients and zeroes the gradients; call it with autograd recording off.
 */
public final class Adam {

    /** Learning rate and torch's {@code betas}, {@code eps}. */
    public record Settings(float learningRate, float beta1, float beta2, float eps) {}

    private final Settings settings;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();

    /**
     * @param parameters the arrays to update (their order is the file order)
     * @param moments    a file written by {@link #write} to continue from, or null for zero moments
     */
    public Adam(Settings settings, Map<String, NDArray> parameters, NDManager manager, SafetensorsFile moments) {
        this.settings = settings;
        this.parameters = parameters;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            Shape shape = e.getValue().getShape();
            firstMoments.put(e.getKey(), moment(manager, moments, "m." + e.getKey(), shape));
            secondMoments.put(e.getKey(), moment(manager, moments, "v." + e.getKey(), shape));
        }
    }

    private static NDArray moment(NDManager manager, SafetensorsFile moments, String name, Shape shape) {
        if (moments == null) {
            return manager.zeros(shape);
        }
        if (!moments.contains(name)) {
            throw new IllegalStateException("optimizer state has no " + name);
        }
        return manager.create(moments.floats(name), shape);
    }

    public Settings settings() {
        return settings;
    }

    /** Update number {@code step} (1 for the first) at the configured learning rate. */
    public void update(long step) {
        update(step, settings.learningRate());
    }

    /** Update number {@code step} (1 for the first) at {@code learningRate}, in place; gradients zeroed afterwards. */
    public void update(long step, float learningRate) {
        float b1 = settings.beta1();
        float b2 = settings.beta2();
        double correction1 = 1 - Math.pow(b1, step);
        double correction2 = 1 - Math.pow(b2, step);
        float stepSize = (float) (learningRate / correction1);
        float rootCorrection2 = (float) Math.sqrt(correction2);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient();
            NDArray m = firstMoments.get(e.getKey()).muli(b1).addi(g.mul(1 - b1));
            NDArray v = secondMoments.get(e.getKey()).muli(b2).addi(g.square().mul(1 - b2));
            // torch.optim.Adam: p -= lr/c1 · m / (sqrt(v)/sqrt(c2) + eps)
            p.subi(m.div(v.sqrt().div(rootCorrection2).add(settings.eps())).mul(stepSize));
            StepGuard.clearGradient(p);
        }
    }

    /** Multiplies both moments of {@code name} by {@code mask} (broadcast; 0 restarts those entries). */
    public void scaleMoments(String name, NDArray mask) {
        firstMoments.get(name).muli(mask);
        secondMoments.get(name).muli(mask);
    }

    /** A copy of the moments, {@code m.NAME} and {@code v.NAME}, in parameter order. */
    public Map<String, float[]> moments() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : parameters.keySet()) {
            out.put("m." + name, firstMoments.get(name).toFloatArray());
            out.put("v." + name, secondMoments.get(name).toFloatArray());
        }
        return out;
    }

    /** The moments as {@code m.NAME}, {@code v.NAME} float32 tensors. */
    public void write(Path file) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (String name : parameters.keySet()) {
            long[] shape = parameters.get(name).getShape().getShape();
            writer.add("m." + name, shape, firstMoments.get(name).toFloatArray());
            writer.add("v." + name, shape, secondMoments.get(name).toFloatArray());
        }
        writer.write(file);
    }
}
