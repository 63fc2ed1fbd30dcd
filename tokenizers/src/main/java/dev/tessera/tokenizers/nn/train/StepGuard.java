package dev.tessera.tokenizers.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;
import java.util.Locale;

/**
 * What stands between a step's gradients and the weights. A step whose loss or gradient norm is
 * not finite is refused: its gradients are cleared and the caller updates nothing (weights, Adam
 * moments, EMA buffers, counters), so one bad batch cannot poison the model. An accepted step's
 * gradients are scaled to at most {@code clipNorm} in global L2 norm, as
 * {@code torch.nn.utils.clip_grad_norm_}. After {@code maxRefusedInARow} refusals in a row the run
 * cannot be making progress: {@link #check} throws {@link Diverged} so the command stops with the
 * last good checkpoint instead of training on.
 */
public final class StepGuard {

    /**
     * @param clipNorm          largest global gradient norm an update uses (0: no clipping)
     * @param maxRefusedInARow  refused steps in a row that stop the run (at least 1)
     */
    public record Settings(float clipNorm, int maxRefusedInARow) {
        public Settings {
            if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
                throw new IllegalArgumentException("the gradient clip norm must be a finite number ≥ 0 (0: off), got " + clipNorm);
            }
            if (maxRefusedInARow < 1) {
                throw new IllegalArgumentException("the refused-steps limit must be at least 1, got " + maxRefusedInARow);
            }
        }
    }

    /**
     * The outcome for one step: the global gradient norm before clipping (NaN or ∞ when refused for
     * it), whether the gradients were scaled down, and for a refused step the reason (else null).
     */
    public record Verdict(float gradientNorm, boolean clipped, String refused) {
        public boolean accepted() {
            return refused == null;
        }

        /** For a progress line: "grad 0.412", with " (clipped)" when it was scaled down. */
        public String gradient() {
            return String.format(Locale.ROOT, "grad %.3f%s", gradientNorm, clipped ? " (clipped)" : "");
        }

        /** The line a command prints for a refused step. */
        public String refusal(long step, long totalSteps) {
            return String.format(Locale.ROOT, "step %d/%d refused: %s; nothing updated", step, totalSteps, refused);
        }
    }

    /** The run stopped: {@code Settings.maxRefusedInARow} steps in a row were refused. */
    public static final class Diverged extends RuntimeException {
        private final long lastStep;

        Diverged(String message, long lastStep) {
            super(message);
            this.lastStep = lastStep;
        }

        /** The number of the last refused step. */
        public long lastStep() {
            return lastStep;
        }

        /** The line a command prints when it stops, naming the checkpoint it leaves as it was. */
        public String stopLine(java.nio.file.Path checkpoint) {
            return getMessage() + "; the checkpoint in " + checkpoint + " is the last good one (lower --lr or set --clip-norm)";
        }
    }

    private final Settings settings;
    private int refusedInARow;

    public StepGuard(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Refused steps since the last accepted one. */
    public int refusedInARow() {
        return refusedInARow;
    }

    /**
     * Judges step {@code step} from its loss and the gradients of {@code parameters} (after backward,
     * before the update): refuses it (gradients cleared) or clips its gradients in place.
     *
     * @throws Diverged when this refusal is the {@code maxRefusedInARow}-th in a row
     */
    public Verdict check(long step, float loss, Collection<NDArray> parameters) {
        float norm = gradientNorm(parameters);
        String reason = !Float.isFinite(loss) ? "loss is " + loss
                : !Float.isFinite(norm) ? "gradient norm is " + norm : null;
        if (reason != null) {
            for (NDArray p : parameters) {
                clearGradient(p);
            }
            refusedInARow++;
            if (refusedInARow >= settings.maxRefusedInARow()) {
                throw new Diverged(String.format(Locale.ROOT,
                        "stopped at step %d: %d steps in a row were refused (last: %s); the weights are those of step %d",
                        step, refusedInARow, reason, step - refusedInARow), step);
            }
            return new Verdict(norm, false, reason);
        }
        refusedInARow = 0;
        boolean clipped = settings.clipNorm() > 0 && norm > settings.clipNorm();
        if (clipped) {
            float scale = settings.clipNorm() / (norm + 1e-6f);
            for (NDArray p : parameters) {
                p.getGradient().muli(scale);
            }
        }
        return new Verdict(norm, clipped, null);
    }

    /** √(Σ over parameters of Σ g²), accumulated in double on the host, one reduction per parameter. */
    static float gradientNorm(Collection<NDArray> parameters) {
        double sum = 0;
        for (NDArray p : parameters) {
            NDArray g = p.getGradient();
            sum += g.square().sum().getFloat();
        }
        return (float) Math.sqrt(sum);
    }

    /**
     * Sets a parameter's gradient to zeros in place. ({@code g.subi(g)} or {@code g.muli(0)}, the
     * usual idioms, keep a NaN or ∞ where there was one.)
     */
    public static void clearGradient(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }
}
