package dev.tessera.benchmarks.audio;

import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.tokenizers.audio.AudioDecoder;
import dev.tessera.tokenizers.audio.BundledAudioModels;
import dev.tessera.tokenizers.audio.Wav;
import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code bench audio [--seconds 10] [--repeat 3] [--data DIR] [--models NAME=DIR,...]}: real-time
 * factor (compute seconds per second of audio; below 1 is faster than real time) of EnCodec
 * tokenize (encode) and detokenize (decode), for the tiny conformance fixture, the bundled codecs,
 * and the full-size 24 kHz model with random weights of the real shapes. Audio: held-out clips
 * under DIR (default data/audio/instruments/heldout) joined to the length, else a synthetic chord.
 * Baseline in the same run: FFmpeg decoding the same audio from a WAV file (what every request
 * pays before the codec runs). Median of the repeats, after one warm-up pass.
 */
public final class AudioBenchmark {

    private AudioBenchmark() {}

    static final Path FIXTURE = Path.of("tokenizers/src/test/resources/fixtures/encodec-tiny");

    public static void run(Args args) {
        try {
            benchmark(args);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void benchmark(Args args) throws Exception {
        args.allow("seconds", "repeat", "data", "models");
        double seconds = Double.parseDouble(args.get("seconds", "10"));
        int repeat = args.getInt("repeat", 3);
        Path data = Path.of(args.get("data", "data/audio/instruments/heldout"));
        try (TempDir scratch = new TempDir("tessera-bench-audio")) {
            Map<String, Path> models = new LinkedHashMap<>();
            if (Files.isDirectory(FIXTURE)) {
                models.put("encodec-tiny fixture (random weights)", FIXTURE);
            }
            for (String name : BundledAudioModels.names()) {
                models.put(name + " (bundled, trained here)", BundledAudioModels.extract(name, scratch.path()));
            }
            if (Files.isRegularFile(FIXTURE.resolve("config.json"))) {
                System.err.println("writing the full-size random-weight checkpoint...");
                models.put("EnCodec 24 kHz full size (random weights)", RandomEncodecCheckpoint.write(
                        scratch.path().resolve("encodec-24khz-random"), FIXTURE.resolve("config.json"), 7));
            }
            for (String spec : args.get("models", "").split(",")) {
                if (!spec.isBlank()) {
                    String[] kv = spec.split("=", 2);
                    if (kv.length != 2) {
                        throw new UsageException("--models takes NAME=DIR,...");
                    }
                    models.put(kv[0], Path.of(kv[1]));
                }
            }
            if (models.isEmpty()) {
                throw new UsageException("no models: run from the repository root, or give --models NAME=DIR");
            }
            float[] audio = audio(data, seconds, 24000);
            String source = Files.isDirectory(data) ? "held-out clips under " + data : "a synthetic chord";
            Path wav = scratch.path().resolve("bench.wav");
            Files.write(wav, Wav.pcm16(audio, 24000));
            AudioDecoder.decode(wav, 24000, 0);
            double ffmpeg = median(repeat, () -> AudioDecoder.decode(wav, 24000, 0));
            MarkdownTable table = new MarkdownTable("model", ">parameters", ">kbps", ">codebooks",
                    ">tokenize RTF", ">detokenize RTF", ">tokenize × FFmpeg decode", ">x real time (tokenize)");
            table.row("FFmpeg decode of the WAV (baseline)", "—", "—", "—", fmt(ffmpeg / seconds), "—", "1.0",
                    String.format(Locale.ROOT, "%.0f", seconds / ffmpeg));
            for (var entry : models.entrySet()) {
                try (EncodecModel model = EncodecModel.load(entry.getValue(), "auto")) {
                    float[] x = model.sampleRate() == 24000 ? audio : AudioDecoder.decode(wav, model.sampleRate(), 0).samples();
                    List<Double> bandwidths = model.targetBandwidths();
                    for (double kbps : List.of(bandwidths.get(0), bandwidths.get(bandwidths.size() - 1))) {
                        int nq = model.numCodebooks(kbps);
                        int[][] codes = model.encode(Arrays.copyOf(x, model.sampleRate()), nq);   // warm-up
                        model.decode(codes);
                        int[][][] kept = new int[1][][];
                        double encode = median(repeat, () -> kept[0] = model.encode(x, nq));
                        double decode = median(repeat, () -> model.decode(kept[0]));
                        double audioSeconds = x.length / (double) model.sampleRate();
                        table.row(entry.getKey(), String.format(Locale.ROOT, "%,d", model.parameterCount()),
                                fmt(kbps), nq, fmt(encode / audioSeconds), fmt(decode / audioSeconds),
                                String.format(Locale.ROOT, "%.1f", encode / ffmpeg),
                                String.format(Locale.ROOT, "%.1f", audioSeconds / encode));
                        System.err.printf(Locale.ROOT, "%s at %.2f kbps: encode %.3f s, decode %.3f s%n", entry.getKey(),
                                kbps, encode, decode);
                        if (bandwidths.size() == 1) {
                            break;
                        }
                    }
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%.1f s of audio (%s), 24 kHz mono; median of %d runs after a warm-up; "
                    + "windowed (5 s) encode and decode; DJL PyTorch on CPU, %d cores%n", seconds, source, repeat,
                    Runtime.getRuntime().availableProcessors());
            System.out.println(table);
        }
    }

    /** Held-out clips joined until {@code seconds}, else a deterministic chord with a little noise. */
    static float[] audio(Path dir, double seconds, int rate) throws Exception {
        int n = (int) (seconds * rate);
        float[] out = new float[n];
        int at = 0;
        if (Files.isDirectory(dir)) {
            List<Path> clips;
            try (Stream<Path> files = Files.list(dir)) {
                clips = files.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
            }
            for (Path clip : clips) {
                if (at >= n) {
                    break;
                }
                float[] x = AudioDecoder.decode(clip, rate, 0).samples();
                int take = Math.min(x.length, n - at);
                System.arraycopy(x, 0, out, at, take);
                at += take;
            }
        }
        java.util.Random random = new java.util.Random(5);
        for (int i = at; i < n; i++) {
            out[i] = (float) (0.2 * Math.sin(2 * Math.PI * 220 * i / rate) + 0.1 * Math.sin(2 * Math.PI * 660 * i / rate)
                    + 0.01 * random.nextGaussian());
        }
        return out;
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double median(int repeat, Work work) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            work.run();
            times.add((System.nanoTime() - t0) / 1e9);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v < 0.1 ? "%.4f" : "%.3f", v);
    }
}
