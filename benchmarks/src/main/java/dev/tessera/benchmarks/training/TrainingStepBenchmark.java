package dev.tessera.benchmarks.training;

import ai.djl.Device;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.tokenizers.audio.encodec.train.EncodecTrainer;
import dev.tessera.tokenizers.image.titok.TiTokConfig;
import dev.tessera.tokenizers.image.titok.train.TiTokTrainer;
import dev.tessera.tokenizers.nn.Convolution;
import dev.tessera.tokenizers.nn.train.StepGuard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench training}: seconds per optimisation step of both trainers at the shipped models'
 * sizes ({@code encodec-tiny-music}: 8 one-second segments; {@code titok-tiny}: 32 images of 32 px),
 * in each form a recorded training convolution can take ({@link Convolution.RecordedForm}: the
 * engine's kernels as before — the same-run baseline —, the default with output channels padded to
 * 16, and the unfolded GEMM form): rounds alternate the forms on fresh trainers from one seed, so
 * drift on a shared machine hits all of them. Also counts the steps the guard refused in each form
 * (the engine's AVX-512 backward_data gives non-finite gradients on some calls) and the loss after
 * the last step.
 */
public final class TrainingStepBenchmark {

    private static final java.util.Map<Convolution.RecordedForm, String> DESCRIPTION = java.util.Map.of(
            Convolution.RecordedForm.ENGINE, "engine's kernels (before)",
            Convolution.RecordedForm.PADDED, "engine's, output channels padded to 16 (default)",
            Convolution.RecordedForm.UNFOLDED, "unfolded: slices + one GEMM");

    /** The guard as the trainers' (no clipping), but counting refusals instead of stopping after some in a row. */
    private static final StepGuard.Settings NEVER_STOP = new StepGuard.Settings(0, Integer.MAX_VALUE);

    private TrainingStepBenchmark() {}

    /** One form's timings over all rounds. */
    private record Tally(List<Double> secondsPerStep, int refused, int steps, float lastLoss) {}

    private interface Run {
        /** Runs {@code steps} steps on a fresh trainer; returns {seconds per step, refused, last loss}. */
        double[] steps(int steps) throws IOException;
    }

    public static void run(Args args) {
        args.allow("steps", "rounds");
        int steps = Integer.parseInt(args.get("steps", "10"));
        int rounds = Integer.parseInt(args.get("rounds", "3"));
        Convolution.RecordedForm before = Convolution.recordedForm();
        MarkdownTable table = new MarkdownTable("trainer (shipped size)", "convolutions when training", ">s/step (median)",
                ">× engine", ">steps refused", ">loss after last step");
        try {
            measure("EnCodec: 8 × 1 s, filters 8, 1,024 × 8 codebooks", TrainingStepBenchmark::encodec, steps, rounds, table);
            measure("TiTok: 32 × 32 px, width 128, 32 tokens", TrainingStepBenchmark::titok, steps, rounds, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Convolution.recordedForm(before);
        }
        System.out.println();
        System.out.println("CPU: " + cpu() + "; " + Runtime.getRuntime().availableProcessors() + " cores, PyTorch "
                + System.getProperty("ai.djl.pytorch.num_threads", "default") + " intra-op threads; " + steps
                + " steps per round (after one untimed), " + rounds + " rounds per form, alternating");
        System.out.println(table);
    }

    private static void measure(String name, Run run, int steps, int rounds, MarkdownTable table) throws IOException {
        List<Tally> tallies = new ArrayList<>();
        Convolution.RecordedForm[] forms = Convolution.RecordedForm.values();
        List<List<Double>> times = new ArrayList<>();
        for (int f = 0; f < forms.length; f++) {
            times.add(new ArrayList<>());
        }
        int[] refused = new int[forms.length];
        float[] last = new float[forms.length];
        for (int round = 0; round < rounds; round++) {
            for (int f = 0; f < forms.length; f++) {
                Convolution.recordedForm(forms[f]);
                double[] r = run.steps(steps);
                times.get(f).add(r[0]);
                refused[f] += (int) r[1];
                last[f] = (float) r[2];
                System.err.printf(Locale.ROOT, "%s, %s, round %d: %.3f s/step, %d refused%n", name, forms[f], round + 1,
                        r[0], (int) r[1]);
            }
        }
        double engine = median(times.get(Convolution.RecordedForm.ENGINE.ordinal()));
        for (int f = 0; f < forms.length; f++) {
            double m = median(times.get(f));
            table.row(name, DESCRIPTION.get(forms[f]),
                    String.format(Locale.ROOT, "%.3f", m), String.format(Locale.ROOT, "%.2f", m / engine),
                    refused[f] + " of " + steps * rounds, String.format(Locale.ROOT, "%.4f", last[f]));
        }
    }

    private static double[] encodec(int steps) {
        EncodecTrainer.Hyper hyper = EncodecTrainer.Hyper.defaults(2e-3f, 0).withGuard(NEVER_STOP);
        try (EncodecTrainer trainer = EncodecTrainer.create(EncodecTrainer.smallConfig(8, 32, 2, 1024, List.of(1.5, 3.0, 6.0)),
                hyper, Device.cpu())) {
            int batch = 8;
            int length = 24000;
            float[] audio = tones(batch, length, new SplittableRandom(1));
            trainer.initCodebooks(tones(64, length, new SplittableRandom(2)), 64, batch * length / 320);
            int[] choices = trainer.codebookChoices();
            trainer.step(audio, batch, choices[0]);
            int refused = 0;
            float loss = Float.NaN;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                EncodecTrainer.StepLoss s = trainer.step(audio, batch, choices[i % choices.length]);
                refused += s.verdict().accepted() ? 0 : 1;
                loss = s.total();
            }
            return new double[] {(System.nanoTime() - t0) / 1e9 / steps, refused, loss};
        }
    }

    private static double[] titok(int steps) throws IOException {
        TiTokConfig.Transformer vit = new TiTokConfig.Transformer(128, 4, 4, 512, 1e-5f);
        TiTokConfig config = new TiTokConfig(32, 8, 8, 32, vit, vit, TiTokConfig.QuantizeMode.VQ, 1024, 16, false, false, null);
        TiTokTrainer.Hyper hyper = TiTokTrainer.Hyper.defaults(3e-4f, 100, 0).withGuard(NEVER_STOP);
        try (TiTokTrainer trainer = TiTokTrainer.create(config, hyper, Device.cpu())) {
            int batch = 32;
            float[] pixels = new float[batch * 3 * 32 * 32];
            SplittableRandom random = new SplittableRandom(3);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) (0.5 + 0.5 * Math.sin(i * 0.01 + random.nextDouble()));
            }
            trainer.step(pixels, batch);
            int refused = 0;
            float loss = Float.NaN;
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                TiTokTrainer.StepLoss s = trainer.step(pixels, batch);
                refused += s.verdict().accepted() ? 0 : 1;
                loss = s.total();
            }
            return new double[] {(System.nanoTime() - t0) / 1e9 / steps, refused, loss};
        }
    }

    /** Segments of decaying tones with a harmonic at random pitches and levels. */
    private static float[] tones(int count, int length, SplittableRandom random) {
        float[] out = new float[count * length];
        for (int i = 0; i < count; i++) {
            double f = 110 * Math.pow(2, random.nextDouble() * 4);
            double amplitude = 0.05 + 0.3 * random.nextDouble();
            for (int t = 0; t < length; t++) {
                double s = t / 24000.0;
                out[i * length + t] = (float) (amplitude * Math.exp(-2 * s) * (Math.sin(2 * Math.PI * f * s)
                        + 0.3 * Math.sin(4 * Math.PI * f * s)));
            }
        }
        return out;
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String cpu() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            List<String> lines = Files.readAllLines(cpuinfo);
            String model = lines.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
            String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            boolean avx512 = Arrays.asList(flags.split("\\s+")).contains("avx512f");
            return model + (avx512 ? " with AVX-512" : " without AVX-512");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
