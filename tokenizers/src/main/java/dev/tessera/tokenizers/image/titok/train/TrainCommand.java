package dev.tessera.tokenizers.image.titok.train;

import ai.djl.Device;
import dev.tessera.tokenizers.image.CaptionEncoder;
import dev.tessera.tokenizers.image.CaptionsTsv;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.titok.TiTokConfig;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import dev.tessera.tokenizers.nn.train.Progress;
import dev.tessera.tokenizers.nn.train.StepGuard;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code tessera train titok --data DIR --image-size 32|64 --tokens N --out DIR [options]}: trains
 * a single-stage VQ TiTok on the PNG/JPEG files under DIR (recursively), with a progress line on
 * stderr, a resumable checkpoint in {@code OUT/checkpoint} every {@code --checkpoint-every} steps
 * and at the end, and the model folder {@code OUT/config.json} + {@code OUT/model.safetensors}.
 * A run whose OUT holds a checkpoint continues from it.
 */
public final class TrainCommand {

    static final String USAGE = """
            usage: train titok --data DIR --image-size 32|64 --tokens N --out DIR [options]
              --epochs E           passes over the data (default 10); --steps S overrides
              --batch B            images per step (default 32)
              --lr X               Adam learning rate (default 3e-4)
              --width W --layers L --heads H   encoder and decoder ViT (default 128, 4, 4)
              --patch P            patch size (default 8)
              --codebook K         codebook rows (default 1024)
              --token-size C       channels per token (default 16)
              --l2-norm            l2-normalised codebook lookup
              --captions           condition encoder and decoder on each image's caption (TexTok mode),
                                   read from captions.tsv beside the images ("<file>\t<caption>")
              --text-encoder NAME  text model for captions (default bge-small-en-v1.5)
              --text-length L      caption token states kept, padded with zero rows (default 16)
              --layout grid        the 2D-grid baseline: one token per patch, (image/patch)² tokens
              --reinit-every N     replace codebook rows unused over N steps (default 100, 0 = never)
              --clip-norm X        scale gradients to at most this global L2 norm (default 0: off)
              --max-refused N      stop after N steps in a row refused for a non-finite loss or gradient (default 10)
              --checkpoint-every N (default 500)  --log-every N (default 10)
              --device auto|cpu|gpu  --seed S (default 0)""";

    private TrainCommand() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 0 || !args[0].equals("titok")) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--l2-norm") || a.equals("--captions")) {
                o.put(a.substring(2), "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                o.put(a.substring(2), args[++i]);
            } else {
                err.println("unexpected argument " + a + "\n" + USAGE);
                return 2;
            }
        }
        for (String required : List.of("data", "image-size", "tokens", "out")) {
            if (!o.containsKey(required)) {
                err.println("--" + required + " is required\n" + USAGE);
                return 2;
            }
        }
        Path data = Path.of(o.get("data"));
        Path outDir = Path.of(o.get("out"));
        int imageSize = integer(o, "image-size", 0);
        int batch = integer(o, "batch", 32);
        int logEvery = integer(o, "log-every", 10);
        int checkpointEvery = integer(o, "checkpoint-every", 500);
        TiTokTrainer.Hyper d = TiTokTrainer.Hyper.defaults(Float.parseFloat(o.getOrDefault("lr", "3e-4")),
                integer(o, "reinit-every", 100), Long.parseLong(o.getOrDefault("seed", "0")));
        TiTokTrainer.Hyper hyper = d.withGuard(new StepGuard.Settings(
                Float.parseFloat(o.getOrDefault("clip-norm", String.valueOf(d.guard().clipNorm()))),
                integer(o, "max-refused", d.guard().maxRefusedInARow())));
        Device device = TiTokTokenizer.chooseDevice(o.getOrDefault("device", "auto"));

        List<Path> files = imageFiles(data);
        if (files.isEmpty()) {
            err.println("no PNG or JPEG files under " + data);
            return 1;
        }
        Dataset dataset = Dataset.load(files, imageSize, hyper.seed(), err);
        if (dataset.size() == 0) {
            err.println("none of the images under " + data + " can be read");
            return 1;
        }
        batch = Math.min(batch, dataset.size());
        boolean captions = o.containsKey("captions");
        if (captions) {
            try {
                dataset.readCaptions();
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return 1;
            }
        }
        int stepsPerEpoch = (dataset.size() + batch - 1) / batch;
        long totalSteps = o.containsKey("steps") ? Long.parseLong(o.get("steps"))
                : (long) integer(o, "epochs", 10) * stepsPerEpoch;

        Path checkpoint = outDir.resolve("checkpoint");
        TiTokTrainer trainer;
        if (Files.isRegularFile(checkpoint.resolve("trainer.json"))) {
            trainer = TiTokTrainer.resume(checkpoint, hyper, device);
            if (trainer.config().imageSize() != imageSize) {
                err.println("the checkpoint in " + checkpoint + " is for " + trainer.config().imageSize()
                        + " px, not " + imageSize);
                trainer.close();
                return 2;
            }
            err.printf(Locale.ROOT, "resuming from step %d (%s)%n", trainer.step(), checkpoint);
        } else {
            int width = integer(o, "width", 128);
            int heads = integer(o, "heads", 4);
            TiTokConfig.Transformer vit = new TiTokConfig.Transformer(width, integer(o, "layers", 4), heads,
                    4 * width, 1e-5f);
            int patch = integer(o, "patch", 8);
            boolean grid = o.getOrDefault("layout", "1d").equals("grid");
            if (grid && captions) {
                err.println("--layout grid is the text-free 2D baseline; drop --captions");
                return 2;
            }
            CaptionEncoder textModel = captions ? textEncoder(o) : null;
            TiTokConfig.TextBranch text = captions ? new TiTokConfig.TextBranch(integer(o, "text-length", 16),
                    textModel.dimension(), true, textModel.name()) : null;
            TiTokConfig config = new TiTokConfig(imageSize, patch, patch, integer(o, "tokens", 0), vit, vit,
                    TiTokConfig.QuantizeMode.VQ, integer(o, "codebook", 1024), integer(o, "token-size", 16),
                    o.containsKey("l2-norm"), false, null, text,
                    grid ? TiTokConfig.TokenLayout.GRID_2D : TiTokConfig.TokenLayout.LATENT_1D);
            trainer = TiTokTrainer.create(config, hyper, device);
        }
        if (trainer.config().textConditioned() != captions) {
            err.println("the checkpoint " + (captions ? "has no text branch; drop --captions" : "reads captions; add --captions"));
            trainer.close();
            return 2;
        }
        if (captions) {
            TiTokConfig.TextBranch t = trainer.config().text();
            CaptionEncoder encoder = CaptionEncoder.Resolver.serviceLoader().resolve(t.textEncoder()).orElse(null);
            if (encoder == null || encoder.dimension() != t.embedDim()) {
                err.println("text model " + t.textEncoder() + " (" + t.embedDim() + "-d) is not available");
                trainer.close();
                return 1;
            }
            dataset.encodeCaptions(encoder, t.contextLength());
        }
        try (trainer) {
            err.printf(Locale.ROOT, "training %s %d px, %d tokens, codebook %d on %s: %d images, batch %d, %d steps%n",
                    trainer.config().grid2d() ? "2D-grid VQ" : trainer.config().textConditioned()
                            ? "TiTok (TexTok mode, captions by " + trainer.config().text().textEncoder() + ")" : "TiTok",
                    trainer.config().imageSize(), trainer.config().numLatentTokens(), trainer.config().codebookSize(),
                    trainer.device(), dataset.size(), batch, totalSteps);
            long firstStep = trainer.step();
            Progress progress = new Progress(firstStep, totalSteps);
            int s = imageSize;
            while (trainer.step() < totalSteps) {
                long step = trainer.step();
                int[] picks = dataset.batch(step, batch);
                float[] pixels = new float[picks.length * 3 * s * s];
                for (int i = 0; i < picks.length; i++) {
                    System.arraycopy(dataset.image(picks[i]), 0, pixels, i * 3 * s * s, 3 * s * s);
                }
                TiTokTrainer.StepLoss loss;
                try {
                    loss = trainer.step(pixels, captions ? dataset.captionStates(picks) : null, picks.length);
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
                    err.printf(Locale.ROOT, "step %d/%d loss %.4f (rec %.4f) %s %.1f img/s ETA %s%s%n", done, totalSteps,
                            loss.total(), loss.reconstruction(), loss.verdict().gradient(), progress.rate(done, batch), progress.eta(done),
                            loss.deadCodesReplaced() > 0 ? " (" + loss.deadCodesReplaced() + " dead codes re-initialised)" : "");
                }
                if (checkpointEvery > 0 && done % checkpointEvery == 0 && done < totalSteps) {
                    trainer.saveCheckpoint(checkpoint);
                }
            }
            trainer.saveCheckpoint(checkpoint);
            trainer.saveModel(outDir);
            double seconds = progress.elapsedSeconds();
            long ran = progress.ran(trainer.step());
            if (ran > 0) {
                err.printf(Locale.ROOT, "done: %d steps in %s (%.1f img/s)%n", ran, Progress.duration(seconds),
                        ran * batch / seconds);
            }
            out.println("model written to " + outDir.toAbsolutePath() + " (config.json, model.safetensors), step "
                    + trainer.step());
        }
        return 0;
    }

    private static CaptionEncoder textEncoder(Map<String, String> o) {
        String name = o.getOrDefault("text-encoder", "bge-small-en-v1.5");
        return CaptionEncoder.Resolver.serviceLoader().resolve(name).orElseThrow(
                () -> new IllegalArgumentException("text model '" + name + "' is not available"));
    }

    private static int integer(Map<String, String> o, String key, int fallback) {
        String v = o.get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }

    static List<Path> imageFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Files in a fixed-seed order per epoch, so step s always reads the same batch (resuming
     * continues the same sequence). Decoded images are cached while the cache stays under 256 MB.
     */
    static final class Dataset {
        private final List<Path> files;
        private final int size;
        private final long seed;
        private final ImagePreprocessor preprocessor = new ImagePreprocessor(100_000_000L);
        private final Map<Integer, float[]> cache;
        private final boolean caching;
        private long orderEpoch = -1;
        private List<Integer> order;
        private List<String> captions;
        private final Map<String, float[]> captionStates = new HashMap<>();
        private int stateWidth;

        private Dataset(List<Path> files, int size, long seed, boolean caching, Map<Integer, float[]> cache) {
            this.files = files;
            this.size = size;
            this.seed = seed;
            this.caching = caching;
            this.cache = cache;
        }

        /**
         * Decodes every file once, keeping (in the cache, while it stays under 256 MB) the ones that
         * decode within the pixel limit; the others (corrupt, oversized, not really an image) are
         * named on {@code err} and left out, so one bad file does not end a long run. A progress
         * line every 1000 files.
         */
        static Dataset load(List<Path> candidates, int size, long seed, PrintStream err) {
            boolean caching = (long) candidates.size() * 3 * size * size * 4 <= 256L << 20;
            ImagePreprocessor pre = new ImagePreprocessor(100_000_000L);
            List<Path> ok = new ArrayList<>(candidates.size());
            Map<Integer, float[]> cache = new HashMap<>();
            int skipped = 0;
            for (int i = 0; i < candidates.size(); i++) {
                Path f = candidates.get(i);
                try {
                    float[] pixels = pre.toModelInput(pre.decode(Files.readAllBytes(f)), size);
                    if (caching) {
                        cache.put(ok.size(), pixels);
                    }
                    ok.add(f);
                } catch (IOException | IllegalArgumentException e) {
                    skipped++;
                    err.println("skipping " + f + ": " + e.getMessage());
                }
                if ((i + 1) % 1000 == 0) {
                    err.printf(Locale.ROOT, "checked %d/%d images%n", i + 1, candidates.size());
                }
            }
            if (skipped > 0) {
                err.printf(Locale.ROOT, "%d of %d images left out%n", skipped, candidates.size());
            }
            return new Dataset(List.copyOf(ok), size, seed, caching, cache);
        }

        int size() {
            return files.size();
        }

        int[] batch(long step, int batch) {
            int perEpoch = (files.size() + batch - 1) / batch;
            long epoch = step / perEpoch;
            int first = (int) (step % perEpoch) * batch;
            if (epoch != orderEpoch) {
                List<Integer> o = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    o.add(i);
                }
                Collections.shuffle(o, new Random(seed * 31 + epoch));
                order = o;
                orderEpoch = epoch;
            }
            int n = Math.min(batch, files.size() - first);
            int[] picks = new int[n];
            for (int i = 0; i < n; i++) {
                picks[i] = order.get(first + i);
            }
            return picks;
        }

        /** Caption per file from captions.tsv in its folder; every image needs one. */
        void readCaptions() throws IOException {
            Map<Path, Map<String, String>> byDir = new HashMap<>();
            captions = new ArrayList<>(files.size());
            for (Path f : files) {
                Path dir = f.toAbsolutePath().getParent();
                Map<String, String> table = byDir.get(dir);
                if (table == null) {
                    table = CaptionsTsv.read(dir);
                    byDir.put(dir, table);
                }
                String caption = table.get(f.getFileName().toString());
                if (caption == null) {
                    throw new IllegalArgumentException("--captions: no caption for " + f + " in "
                            + dir.resolve(CaptionsTsv.FILE));
                }
                captions.add(caption);
            }
        }

        /** Token states per distinct caption, computed once (the text model is frozen). */
        void encodeCaptions(CaptionEncoder encoder, int length) {
            List<String> distinct = captions.stream().distinct().toList();
            stateWidth = length * encoder.dimension();
            for (int from = 0; from < distinct.size(); from += 64) {
                List<String> part = distinct.subList(from, Math.min(distinct.size(), from + 64));
                List<float[]> states = encoder.encode(part, length);
                for (int i = 0; i < part.size(); i++) {
                    captionStates.put(part.get(i), states.get(i));
                }
            }
        }

        float[] captionStates(int[] picks) {
            float[] out = new float[picks.length * stateWidth];
            for (int i = 0; i < picks.length; i++) {
                System.arraycopy(captionStates.get(captions.get(picks[i])), 0, out, i * stateWidth, stateWidth);
            }
            return out;
        }

        float[] image(int index) throws IOException {
            float[] cached = cache.get(index);
            if (cached != null) {
                return cached;
            }
            float[] pixels = preprocessor.toModelInput(preprocessor.decode(Files.readAllBytes(files.get(index))), size);
            if (caching) {
                cache.put(index, pixels);
            }
            return pixels;
        }
    }
}
