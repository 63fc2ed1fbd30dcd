package dev.tessera.benchmarks.titok;

import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.tokenizers.image.titok.TiTokRandomCheckpoint;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code bench titok}: images per second for tokenize and detokenize at batch 1 and 8, on the
 * conformance fixture and on a full-size TiTok-S-128 with random weights of the real shapes (the
 * cost of a forward pass does not depend on the weight values). Batch 1 is the baseline the batch-8
 * rate is compared with, in the same run. Memory: parameters × 4 bytes, and the process's resident
 * set before and after loading.
 */
public final class TiTokBenchmark {

    private TiTokBenchmark() {}

    public static void run(Args args) {
        try {
            benchmark(args);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void benchmark(Args args) throws IOException {
        args.allow("fixture", "variant", "seconds");
        Path fixture = Path.of(args.get("fixture", "tokenizers/src/test/resources/fixtures/titok-tiny"));
        String variant = args.get("variant", "s128");
        double seconds = Double.parseDouble(args.get("seconds", "20"));
        if (!Files.isRegularFile(fixture.resolve("model.safetensors"))) {
            throw new UsageException("no fixture model under " + fixture + " (--fixture DIR)");
        }
        MarkdownTable table = new MarkdownTable("model", ">params", ">weights MB", ">RSS after load MB", "op",
                ">batch", ">images/s", ">ms/image", ">× batch 1");
        measure("titok-tiny fixture (32 px, 32 tokens)", fixture, seconds, table);
        Path dir = Files.createTempDirectory("titok-bench-" + variant);
        try {
            System.err.printf("writing a random %s checkpoint of the released shapes to %s%n", variant, dir);
            TiTokRandomCheckpoint.write(dir, variant, 42);
            measure("TiTok-" + variant.toUpperCase() + " random weights (256 px)", dir, seconds, table);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println();
        System.out.println("Threads: " + Runtime.getRuntime().availableProcessors() + " cores, PyTorch "
                + System.getProperty("ai.djl.pytorch.num_threads", "default") + " intra-op threads");
        System.out.println(table);
    }

    private static void measure(String label, Path dir, double seconds, MarkdownTable table) throws IOException {
        long before = residentMb();
        try (TiTokTokenizer tokenizer = TiTokTokenizer.load(dir, "cpu")) {
            long after = residentMb();
            int size = tokenizer.imageSize();
            Random random = new Random(7);
            for (String op : List.of("tokenize", "detokenize")) {
                double baseline = 0;
                for (int batch : new int[] {1, 8}) {
                    List<float[]> images = new ArrayList<>();
                    List<int[]> tokens = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        float[] img = new float[3 * size * size];
                        for (int j = 0; j < img.length; j++) {
                            img[j] = random.nextFloat();
                        }
                        images.add(img);
                    }
                    int[][] ids = tokenizer.tokenize(images); // warm-up, and real ids to decode
                    for (int[] row : ids) {
                        tokens.add(row);
                    }
                    Runnable call = op.equals("tokenize") ? () -> tokenizer.tokenize(images) : () -> tokenizer.detokenize(tokens);
                    call.run(); // warm-up
                    int calls = 0;
                    long start = System.nanoTime();
                    do {
                        call.run();
                        calls++;
                    } while ((System.nanoTime() - start) / 1e9 < seconds && calls < 1000);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double rate = calls * batch / elapsed;
                    if (batch == 1) {
                        baseline = rate;
                    }
                    System.err.printf("%s %s batch %d: %.2f images/s (%d calls in %.1f s)%n", label, op, batch, rate,
                            calls, elapsed);
                    table.row(label, String.format("%,d", tokenizer.parameterCount()),
                            String.format("%.0f", tokenizer.parameterCount() * 4 / 1e6), after, op, batch,
                            String.format("%.2f", rate), String.format("%.1f", 1000 / rate),
                            String.format("%.2f", rate / baseline));
                }
            }
            System.err.printf("%s: resident set %d MB before load, %d MB after%n", label, before, after);
        }
    }

    /** Resident set size of this process (Linux), in MB; -1 elsewhere. */
    static long residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
