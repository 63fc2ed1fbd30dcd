package dev.tessera.benchmarks.gpu;

import ai.djl.engine.Engine;
import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.embed.OnnxSessionOptions;
import dev.tessera.tokenizers.audio.encodec.EncodecConfig;
import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import dev.tessera.tokenizers.audio.encodec.train.EncodecTrainer;
import dev.tessera.tokenizers.image.titok.TiTokRandomCheckpoint;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code bench gpu-check}: each model on CPU and, where the engine sees CUDA, on GPU — the largest
 * absolute difference between the two outputs (parity) and the speed ratio. Models: TiTok-S-128
 * (random weights of the released shapes), EnCodec 24 kHz (random weights of the released shapes,
 * codebooks fitted to noise) and bge-small-en-v1.5. Without a GPU only the CPU half runs, and the
 * table says so. {@code --titok DIR --encodec DIR --embedder NAME} swap in other (e.g. tiny) models.
 */
public final class GpuCheck {

    private GpuCheck() {}

    /** One model's check: the CPU half always, the GPU half where a GPU was seen. */
    public record Row(String model, String output, double cpuMs, double gpuMs, double maxAbsDiff) {

        public boolean gpuRan() {
            return !Double.isNaN(gpuMs);
        }
    }

    /** A model loaded on one device, run on a fixed input: its output flattened to floats. */
    private interface Loaded extends AutoCloseable {
        float[] run();

        @Override
        void close();
    }

    public static void run(Args args) {
        args.allow("titok", "encodec", "embedder", "repeat");
        int repeat = args.getInt("repeat", 5);
        List<Row> rows;
        try {
            rows = check(args.get("titok", "s128"), args.get("encodec", "24khz"), args.get("embedder", Models.DEFAULT), repeat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MarkdownTable table = new MarkdownTable("model", "output compared", ">CPU ms/call", ">GPU ms/call", ">CPU ÷ GPU",
                ">max abs difference");
        for (Row r : rows) {
            table.row(r.model(), r.output(), fmt(r.cpuMs(), 1), r.gpuRan() ? fmt(r.gpuMs(), 1) : "no GPU",
                    r.gpuRan() ? fmt(r.cpuMs() / r.gpuMs(), 2) : "–", r.gpuRan() ? "%.3g".formatted(r.maxAbsDiff()) : "–");
        }
        System.out.printf("%n### GPU check: PyTorch sees %d GPU(s), ONNX Runtime %d; %d cores; median of %d calls%n%n",
                gpus("PyTorch"), gpus("OnnxRuntime"), Runtime.getRuntime().availableProcessors(), repeat);
        System.out.print(table);
    }

    /**
     * @param titok   a TiTok model folder, or a released variant name for random weights of its shapes
     * @param encodec an EnCodec model folder, or {@code 24khz} for random weights of that shape
     */
    public static List<Row> check(String titok, String encodec, String embedder, int repeat) throws IOException {
        List<Row> rows = new ArrayList<>();
        Path scratch = Files.createTempDirectory("tessera-gpu-check-");
        try {
            Path titokDir = Files.isDirectory(Path.of(titok)) ? Path.of(titok) : randomTiTok(scratch, titok);
            rows.add(compare("TiTok " + titok, "pixels of a 1-image round trip (tokenize, detokenize)", repeat,
                    device -> titokOn(titokDir, device)));
            Path encodecDir = Files.isDirectory(Path.of(encodec)) ? Path.of(encodec) : randomEncodec(scratch);
            rows.add(compare("EnCodec " + encodec, "encoder output of 1 s of audio", repeat,
                    device -> encodecOn(encodecDir, device)));
            rows.add(compare(embedder, "vectors of 16 passages", repeat, device -> embedderOn(embedder, device)));
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return rows;
    }

    private static Row compare(String model, String output, int repeat, Function<String, Loaded> load) {
        System.err.printf("%s on CPU...%n", model);
        float[] cpu;
        double cpuMs;
        try (Loaded l = load.apply("cpu")) {
            cpu = l.run();
            cpuMs = medianMs(l, repeat);
        }
        boolean gpu = model.startsWith("TiTok") || model.startsWith("EnCodec") ? gpus("PyTorch") > 0 : gpus("OnnxRuntime") > 0;
        if (!gpu) {
            return new Row(model, output, cpuMs, Double.NaN, Double.NaN);
        }
        System.err.printf("%s on GPU...%n", model);
        try (Loaded l = load.apply("gpu")) {
            float[] out = l.run();
            double gpuMs = medianMs(l, repeat);
            double diff = 0;
            for (int i = 0; i < Math.min(cpu.length, out.length); i++) {
                diff = Math.max(diff, Math.abs(cpu[i] - out[i]));
            }
            if (cpu.length != out.length) {
                diff = Double.POSITIVE_INFINITY;
            }
            return new Row(model, output, cpuMs, gpuMs, diff);
        }
    }

    private static double medianMs(Loaded l, int repeat) {
        double[] ms = new double[Math.max(1, repeat)];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            l.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static int gpus(String engine) {
        try {
            return Engine.getEngine(engine).getGpuCount();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static Path randomTiTok(Path scratch, String variant) throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("titok-" + variant));
        System.err.printf("writing TiTok %s with random weights of the released shapes...%n", variant);
        TiTokRandomCheckpoint.write(dir, variant, 42);
        return dir;
    }

    private static Path randomEncodec(Path scratch) throws IOException {
        Path dir = Files.createDirectories(scratch.resolve("encodec-24khz"));
        System.err.println("writing EnCodec 24 kHz with random weights of the released shapes...");
        EncodecConfig config = EncodecConfig.defaults24k();
        try (EncodecTrainer trainer = EncodecTrainer.create(config, EncodecTrainer.Hyper.defaults(1e-4f, 42),
                ai.djl.Device.cpu())) {
            trainer.initCodebooks(noise(config.samplingRate() * 4, 3), 4, 256);
            trainer.saveModel(dir);
        }
        return dir;
    }

    private static float[] noise(int samples, long seed) {
        Random random = new Random(seed);
        float[] out = new float[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (float) (0.1 * random.nextGaussian() + 0.2 * Math.sin(i * 0.05));
        }
        return out;
    }

    private static Loaded titokOn(Path dir, String device) {
        try {
            TiTokTokenizer t = TiTokTokenizer.load(dir, device);
            int size = t.imageSize();
            float[] image = new float[3 * size * size];
            Random random = new Random(11);
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextFloat();
            }
            return new Loaded() {
                @Override
                public float[] run() {
                    return t.detokenize(List.of(t.tokenize(List.of(image))[0])).getFirst();
                }

                @Override
                public void close() {
                    t.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Loaded encodecOn(Path dir, String device) {
        try {
            EncodecModel m = EncodecModel.load(dir, device);
            float[] audio = noise(m.sampleRate(), 5);
            return new Loaded() {
                @Override
                public float[] run() {
                    return m.encoderOutput(audio);
                }

                @Override
                public void close() {
                    m.close();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Loaded embedderOn(String name, String device) {
        DjlEmbedder e = DjlEmbedder.load(Models.spec(name), device, 1, Models.BATCH, OnnxSessionOptions.defaults());
        List<String> passages = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            passages.add("Passage " + i + " about the boundary layer of a wing in a propeller slipstream, at Mach "
                    + (0.3 + i * 0.1) + " and an angle of attack of " + i + " degrees.");
        }
        return new Loaded() {
            @Override
            public float[] run() {
                List<float[]> vectors = e.embed(passages, Role.DOCUMENT);
                float[] flat = new float[vectors.size() * e.dimension()];
                for (int i = 0; i < vectors.size(); i++) {
                    System.arraycopy(vectors.get(i), 0, flat, i * e.dimension(), e.dimension());
                }
                return flat;
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
