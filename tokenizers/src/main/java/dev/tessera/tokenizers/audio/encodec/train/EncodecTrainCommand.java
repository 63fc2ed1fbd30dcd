package dev.tessera.tokenizers.audio.encodec.train;

import ai.djl.Device;
import dev.tessera.tokenizers.audio.encodec.EncodecConfig;
import dev.tessera.tokenizers.nn.Devices;
import dev.tessera.tokenizers.nn.train.Progress;
import dev.tessera.tokenizers.nn.train.StepGuard;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code tessera train encodec --data DIR --out DIR [options]}: trains a 24 kHz mono EnCodec
 * ({@link EncodecTrainer}) on random segments of the audio files under DIR, with a progress line
 * on stderr, a resumable checkpoint in {@code OUT/checkpoint} every {@code --checkpoint-every}
 * steps and at the end, held-out quality per bandwidth when {@code --heldout} is given, and the
 * hub folder {@code OUT/config.json} + {@code preprocessor_config.json} + {@code model.safetensors}.
 */
public final class EncodecTrainCommand {

    static final String USAGE = """
            usage: train encodec --data DIR --out DIR [options]
              --heldout DIR        audio to report quality on (the first --eval-seconds of each file)
              --steps N            optimiser steps (default 2000)
              --segment-seconds S  training segment length (default 1.0; rounded down to whole frames)
              --batch B            segments per step (default 8)
              --gain-db LO,HI      scale each segment to an RMS level drawn in [LO, HI] dBFS (at most +30 dB;
                                   default -35,-15; none = as recorded)
              --filters F          SEANet base width (default 8; LSTM width F·16)
              --hidden H           latent and codebook width (default 32)
              --lstm-layers L      (default 2)
              --codebook-size C    rows per codebook (default 1024)
              --bandwidths LIST    target kbps, comma-separated (default 1.5,3,6); each step trains one,
                                   picked at random (quantizer dropout)
              --lr X               Adam learning rate (default 2e-3, constant)
              --commitment W       commitment loss weight (default 0.25)
              --betas B1,B2        Adam betas (default 0.9,0.999)
              --waveform-weight W  --mel-weight W   reconstruction terms (default 1, 1)
              --mel-floor E        ε of the log-mel term (default 1e-2)
              --dead-code-fraction F  replace rows used less than F × the mean (default 0.1)
              --init-segments N    segments whose encoder outputs seed the codebooks by k-means (default 64)
              --kmeans-iters N     (default 10)
              --clip-norm X        scale gradients to at most this global L2 norm (default 0: off)
              --max-refused N      stop after N steps in a row refused for a non-finite loss or gradient (default 10)
              --eval-seconds S     (default 2.0)  --eval-every N (default: --checkpoint-every)
              --checkpoint-every N (default 250)  --log-every N (default 10)
              --resume             continue from OUT/checkpoint (to more --steps)
              --device auto|cpu|gpu  --seed S (default 0)""";

    private EncodecTrainCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 0 || !args[0].equals("encodec")) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--resume")) {
                o.put("resume", "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                o.put(a.substring(2), args[++i]);
            } else {
                err.println("unexpected argument " + a + "\n" + USAGE);
                return 2;
            }
        }
        for (String required : List.of("data", "out")) {
            if (!o.containsKey(required)) {
                err.println("--" + required + " is required\n" + USAGE);
                return 2;
            }
        }
        Path outDir = Path.of(o.get("out"));
        Path checkpoint = outDir.resolve("checkpoint");
        boolean resume = o.containsKey("resume");
        boolean hasCheckpoint = Files.isRegularFile(checkpoint.resolve("trainer.json"));
        if (resume && !hasCheckpoint) {
            err.println("--resume: there is no checkpoint in " + checkpoint);
            return 2;
        }
        if (!resume && hasCheckpoint) {
            err.println(outDir + " holds a checkpoint; add --resume to continue it, or choose another --out");
            return 2;
        }
        long totalSteps = Long.parseLong(o.getOrDefault("steps", "2000"));
        int batch = integer(o, "batch", 8);
        int logEvery = integer(o, "log-every", 10);
        int checkpointEvery = integer(o, "checkpoint-every", 250);
        int evalEvery = integer(o, "eval-every", checkpointEvery);
        float lr = Float.parseFloat(o.getOrDefault("lr", "2e-3"));
        long seed = Long.parseLong(o.getOrDefault("seed", "0"));
        EncodecTrainer.Hyper d = EncodecTrainer.Hyper.defaults(lr, seed);
        String[] betas = o.getOrDefault("betas", d.beta1() + "," + d.beta2()).split(",");
        EncodecTrainer.Hyper hyper = new EncodecTrainer.Hyper(lr, Float.parseFloat(betas[0]), Float.parseFloat(betas[1]),
                d.eps(), number(o, "commitment", d.commitment()), number(o, "waveform-weight", d.waveformWeight()),
                number(o, "mel-weight", d.melWeight()), number(o, "mel-floor", d.melFloor()), d.emaDecay(),
                number(o, "dead-code-fraction", d.deadCodeFraction()), integer(o, "kmeans-iters", d.kmeansIterations()),
                new StepGuard.Settings(number(o, "clip-norm", d.guard().clipNorm()),
                        integer(o, "max-refused", d.guard().maxRefusedInARow())), seed);
        Device device = Devices.choose(o.getOrDefault("device", "auto"));

        EncodecTrainer trainer;
        if (resume) {
            trainer = EncodecTrainer.resume(checkpoint, hyper, device);
        } else {
            List<Double> bandwidths = new ArrayList<>();
            for (String b : o.getOrDefault("bandwidths", "1.5,3,6").split(",")) {
                bandwidths.add(Double.parseDouble(b.trim()));
            }
            EncodecConfig config = EncodecTrainer.smallConfig(integer(o, "filters", 8), integer(o, "hidden", 32),
                    integer(o, "lstm-layers", 2), integer(o, "codebook-size", 1024), bandwidths);
            try {
                config.validate(Path.of("(command line)"));
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 2;
            }
            trainer = EncodecTrainer.create(config, hyper, device);
        }
        try (trainer) {
            EncodecConfig config = trainer.config();
            int hop = config.hopLength();
            int rate = config.samplingRate();
            int length = (int) (Double.parseDouble(o.getOrDefault("segment-seconds", "1.0")) * rate) / hop * hop;
            if (length < 2048) {
                err.println("--segment-seconds must give at least 2048 samples (" + 2048.0 / rate + " s)");
                return 2;
            }
            List<Path> files = AudioClips.audioFiles(Path.of(o.get("data")));
            if (files.isEmpty()) {
                err.println("no audio files (wav, flac, mp3, ogg, opus, m4a) under " + o.get("data"));
                return 1;
            }
            AudioClips clips = AudioClips.load(files, rate, length, err);
            if (clips.size() == 0) {
                err.println("none of the audio files under " + o.get("data") + " can be used");
                return 1;
            }
            int evalLength = (int) (Double.parseDouble(o.getOrDefault("eval-seconds", "2.0")) * rate) / hop * hop;
            AudioClips heldout = null;
            if (o.containsKey("heldout")) {
                heldout = AudioClips.load(AudioClips.audioFiles(Path.of(o.get("heldout"))), rate, evalLength, err);
                if (heldout.size() == 0) {
                    err.println("none of the audio files under " + o.get("heldout") + " can be used");
                    return 1;
                }
            }
            AudioClips.Gain gain = null;
            String gainOption = o.getOrDefault("gain-db", "-35,-15");
            if (!gainOption.equals("none")) {
                String[] range = gainOption.split(",");
                gain = new AudioClips.Gain(Double.parseDouble(range[0]), Double.parseDouble(range[1]));
            }
            int frames = length / hop;
            int[] choices = trainer.codebookChoices();
            if (resume) {
                err.printf(Locale.ROOT, "resuming from step %d (%s)%n", trainer.step(), checkpoint);
            }
            err.printf(Locale.ROOT, "training EnCodec %d Hz, hop %d, filters %d, hidden %d, %d × %d codebooks "
                            + "(bandwidths %s kbps), %d parameters on %s: %d clips (%.1f min), segments %.2f s, batch %d, %d steps%n",
                    rate, hop, config.numFilters(), config.hiddenSize(), trainer.levels(), config.codebookSize(),
                    config.targetBandwidths(), trainer.parameterCount(), trainer.device(), clips.size(),
                    clips.seconds(rate) / 60, length / (double) rate, batch, totalSteps);
            if (!trainer.codebooksInitialised()) {
                long t0 = System.nanoTime();
                int segments = integer(o, "init-segments", 64);
                trainer.initCodebooks(clips.segments(new SplittableRandom(EncodecTrainer.mix(seed, -1, 1)), segments,
                        length, gain), segments, batch * frames);
                err.printf(Locale.ROOT, "codebooks initialised by k-means on %d encoder outputs (%s)%n",
                        segments * frames, Progress.duration((System.nanoTime() - t0) / 1e9));
            }
            long firstStep = trainer.step();
            Progress progress = new Progress(firstStep, totalSteps);
            while (trainer.step() < totalSteps) {
                long step = trainer.step();
                SplittableRandom random = new SplittableRandom(EncodecTrainer.mix(seed, step, 1));
                int codebooks = choices[random.nextInt(choices.length)];
                float[] audio = clips.segments(random, batch, length, gain);
                EncodecTrainer.StepLoss loss;
                try {
                    loss = trainer.step(audio, batch, codebooks);
                } catch (StepGuard.Diverged e) {
                    err.println(e.stopLine(checkpoint));
                    return 1;
                }
                long done = trainer.step();
                if (!loss.verdict().accepted()) {
                    err.println(loss.verdict().refusal(done, totalSteps));
                    continue;
                }
                if (done % logEvery == 0 || done == totalSteps || done == firstStep + 1) {
                    err.printf(Locale.ROOT, "step %d/%d loss %.4f (wave %.4f mel %.4f commit %.4f, %d cb) %s %.1f seg/s ETA %s%s%n",
                            done, totalSteps, loss.total(), loss.waveform(), loss.mel(), loss.commitment(),
                            loss.codebooks(), loss.verdict().gradient(),
                            progress.rate(done, batch), progress.eta(done),
                            loss.deadCodesReplaced() > 0 ? " (" + loss.deadCodesReplaced() + " dead codes resampled)" : "");
                }
                if (checkpointEvery > 0 && done % checkpointEvery == 0 && done < totalSteps) {
                    trainer.saveCheckpoint(checkpoint);
                }
                if (heldout != null && evalEvery > 0 && done % evalEvery == 0 && done < totalSteps) {
                    evaluate(trainer, heldout, evalLength, done, err);
                }
            }
            trainer.saveCheckpoint(checkpoint);
            trainer.saveModel(outDir);
            double seconds = progress.elapsedSeconds();
            long ran = progress.ran(trainer.step());
            if (heldout != null) {
                evaluate(trainer, heldout, evalLength, trainer.step(), err);
            }
            if (ran > 0) {
                err.printf(Locale.ROOT, "done: %d steps in %s (%.1f seg/s)%n", ran, Progress.duration(seconds),
                        ran * batch / seconds);
            }
            out.println("model written to " + outDir.toAbsolutePath()
                    + " (config.json, preprocessor_config.json, model.safetensors), step " + trainer.step());
        }
        return 0;
    }

    /** Held-out line: per target bandwidth, mean |x̂ − x|, the mel term and the SNR over all clips' heads. */
    private static void evaluate(EncodecTrainer trainer, AudioClips heldout, int length, long step, PrintStream err) {
        long t0 = System.nanoTime();
        List<Double> bandwidths = trainer.config().targetBandwidths();
        int[] choices = trainer.codebookChoices();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "held-out (%d clips × %.1f s) at step %d:",
                heldout.size(), length / (double) trainer.config().samplingRate(), step));
        for (int i = 0; i < choices.length; i++) {
            double wave = 0;
            double mel = 0;
            double signal = 0;
            double error = 0;
            for (int from = 0; from < heldout.size(); from += 8) {
                int to = Math.min(heldout.size(), from + 8);
                EncodecTrainer.Quality q = trainer.evaluate(heldout.heads(from, to, length), to - from, choices[i]);
                wave += q.waveform() * (to - from);
                mel += q.mel() * (to - from);
                signal += q.signal();
                error += q.error();
            }
            line.append(String.format(Locale.ROOT, " %s kbps: wave %.4f mel %.4f SNR %.2f dB;", bandwidths.get(i),
                    wave / heldout.size(), mel / heldout.size(), 10 * Math.log10(signal / Math.max(error, 1e-20))));
        }
        line.setLength(line.length() - 1);
        err.println(line + " (" + Progress.duration((System.nanoTime() - t0) / 1e9) + ")");
    }

    private static int integer(Map<String, String> o, String key, int fallback) {
        String v = o.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static float number(Map<String, String> o, String key, float fallback) {
        String v = o.get(key);
        return v == null ? fallback : Float.parseFloat(v);
    }
}
