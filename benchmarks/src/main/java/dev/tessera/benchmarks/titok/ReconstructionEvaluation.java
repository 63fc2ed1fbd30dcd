package dev.tessera.benchmarks.titok;

import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.tokenizers.image.CaptionsTsv;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * {@code eval titok --data DIR --models NAME=DIR,... [--baseline NAME] [--figure F.png]}: each
 * model tokenizes and detokenizes every image under DIR (with its caption from captions.tsv when
 * the model reads captions) and is scored against the image it was given (the preprocessed
 * S×S input): PSNR and SSIM of the clamped reconstruction, and how many codebook rows the
 * held-out set uses. Relative figures are against {@code --baseline} (default: the first model),
 * measured in the same run. The figure shows originals beside each model's reconstruction.
 */
public final class ReconstructionEvaluation {

    private ReconstructionEvaluation() {}

    /** Per-image scores of one model. */
    record Scores(double psnr, double ssim, double mse) {}

    public static void run(Args args) {
        try {
            evaluate(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void evaluate(Args args) throws IOException {
        args.allow("data", "models", "baseline", "figure", "figure-images", "limit", "batch");
        Path data = Path.of(args.require("data"));
        Map<String, Path> models = new LinkedHashMap<>();
        for (String spec : args.require("models").split(",")) {
            String[] kv = spec.split("=", 2);
            if (kv.length != 2) {
                throw new UsageException("--models takes NAME=DIR,NAME=DIR, got '" + spec + "'");
            }
            models.put(kv[0].strip(), Path.of(kv[1].strip()));
        }
        String baseline = args.get("baseline", models.keySet().iterator().next());
        if (!models.containsKey(baseline)) {
            throw new UsageException("--baseline " + baseline + " is not one of " + models.keySet());
        }
        int limit = args.getInt("limit", Integer.MAX_VALUE);
        int batch = args.getInt("batch", 16);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .sorted().limit(limit).toList();
        }
        if (files.isEmpty()) {
            throw new UsageException("no PNG or JPEG files under " + data);
        }
        Map<Path, String> captions = captions(files);

        Map<String, List<Scores>> scores = new LinkedHashMap<>();
        Map<String, ImageTokenizer> loaded = new LinkedHashMap<>();
        Map<String, Integer> codesUsed = new HashMap<>();
        Map<String, List<float[]>> figureRows = new LinkedHashMap<>();
        int figureImages = args.getInt("figure-images", 8);
        ImagePreprocessor pre = new ImagePreprocessor(100_000_000L);
        List<float[]> originals = new ArrayList<>();
        int evaluated;
        int leftOut;
        try {
            for (Map.Entry<String, Path> m : models.entrySet()) {
                ImageTokenizer t = TiTokTokenizer.load(m.getValue(), "cpu");
                loaded.put(m.getKey(), t);
            }
            int size = loaded.values().iterator().next().imageSize();
            for (ImageTokenizer t : loaded.values()) {
                if (t.imageSize() != size) {
                    throw new UsageException("the models take different image sizes");
                }
            }
            List<float[]> inputs = new ArrayList<>(files.size());
            List<String> texts = new ArrayList<>(files.size());
            int skipped = 0;
            for (Path f : files) {
                try {
                    inputs.add(pre.toModelInput(pre.decode(Files.readAllBytes(f)), size));
                    texts.add(captions.get(f));
                } catch (IllegalArgumentException e) {   // corrupt or over the pixel limit: as train titok does
                    skipped++;
                    System.err.println("skipping " + f + ": " + e.getMessage());
                }
            }
            if (inputs.isEmpty()) {
                throw new UsageException("none of the images under " + data + " can be read");
            }
            evaluated = inputs.size();
            leftOut = skipped;
            originals.addAll(inputs.subList(0, Math.min(figureImages, inputs.size())));
            for (Map.Entry<String, ImageTokenizer> e : loaded.entrySet()) {
                ImageTokenizer t = e.getValue();
                boolean reads = t.captions() != ImageTokenizer.Captions.NONE;
                if (reads && texts.contains(null)) {
                    throw new UsageException(e.getKey() + " reads captions but some images have none in captions.tsv");
                }
                Progress progress = new Progress("eval " + e.getKey(), inputs.size());
                List<Scores> s = new ArrayList<>();
                Set<Integer> used = new HashSet<>();
                List<float[]> shown = new ArrayList<>();
                for (int from = 0; from < inputs.size(); from += batch) {
                    int to = Math.min(inputs.size(), from + batch);
                    List<float[]> part = inputs.subList(from, to);
                    List<String> caps = reads ? texts.subList(from, to) : null;
                    int[][] ids = t.tokenize(part, caps);
                    for (int[] row : ids) {
                        for (int id : row) {
                            used.add(id);
                        }
                    }
                    List<float[]> rec = t.detokenize(List.of(ids), caps);
                    for (int i = 0; i < part.size(); i++) {
                        float[] r = clamp(rec.get(i));
                        s.add(score(part.get(i), r, size));
                        if (from + i < figureImages) {
                            shown.add(r);
                        }
                    }
                    progress.advance(to - from);
                }
                scores.put(e.getKey(), s);
                codesUsed.put(e.getKey(), used.size());
                figureRows.put(e.getKey(), shown);
            }

            MarkdownTable table = new MarkdownTable("model", ">tokens", ">codebook", ">params", "captions",
                    ">PSNR dB", ">SSIM", ">MSE", ">codes used", ">ΔPSNR dB", ">MSE change", ">ΔSSIM");
            Scores base = mean(scores.get(baseline));
            for (Map.Entry<String, List<Scores>> e : scores.entrySet()) {
                ImageTokenizer t = loaded.get(e.getKey());
                Scores m = mean(e.getValue());
                table.row(e.getKey(), t.numTokens(), t.codebookSize(), t.parameterCount(),
                        t.captions() == ImageTokenizer.Captions.NONE ? "no" : "yes",
                        String.format(Locale.ROOT, "%.2f", m.psnr()), String.format(Locale.ROOT, "%.4f", m.ssim()),
                        String.format(Locale.ROOT, "%.5f", m.mse()), codesUsed.get(e.getKey()),
                        e.getKey().equals(baseline) ? "—" : String.format(Locale.ROOT, "%+.2f", m.psnr() - base.psnr()),
                        e.getKey().equals(baseline) ? "—"
                                : String.format(Locale.ROOT, "%+.1f %%", 100 * (m.mse() - base.mse()) / base.mse()),
                        e.getKey().equals(baseline) ? "—" : String.format(Locale.ROOT, "%+.4f", m.ssim() - base.ssim()));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%d held-out images from %s%s, %d px; baseline %s; PSNR/SSIM per image, "
                    + "then averaged (SSIM: 11×11 Gaussian window, σ 1.5, per RGB channel, valid positions)%n",
                    evaluated, data, leftOut > 0 ? " (" + leftOut + " unreadable or oversized left out)" : "", size,
                    baseline);
            System.out.println(table);
            if (args.get("figure", null) != null) {
                Path figure = Path.of(args.get("figure", null));
                writeFigure(figure, originals, figureRows, size);
                System.out.println("figure: " + figure);
            }
        } finally {
            loaded.values().forEach(ImageTokenizer::close);
        }
    }

    private static Map<Path, String> captions(List<Path> files) throws IOException {
        Map<Path, String> out = new HashMap<>();
        Map<Path, Map<String, String>> byDir = new HashMap<>();
        for (Path f : files) {
            Path dir = f.toAbsolutePath().getParent();
            Map<String, String> table = byDir.get(dir);
            if (table == null) {
                table = CaptionsTsv.read(dir);
                byDir.put(dir, table);
            }
            out.put(f, table.get(f.getFileName().toString()));
        }
        return out;
    }

    private static float[] clamp(float[] image) {
        float[] out = new float[image.length];
        for (int i = 0; i < image.length; i++) {
            out[i] = Math.max(0f, Math.min(1f, image[i]));
        }
        return out;
    }

    static Scores mean(List<Scores> all) {
        double p = 0;
        double s = 0;
        double m = 0;
        for (Scores x : all) {
            p += x.psnr();
            s += x.ssim();
            m += x.mse();
        }
        return new Scores(p / all.size(), s / all.size(), m / all.size());
    }

    /** PSNR (data range 1; capped at 100 dB for an exact copy), SSIM and MSE of one CHW image pair. */
    static Scores score(float[] original, float[] reconstruction, int size) {
        double mse = 0;
        for (int i = 0; i < original.length; i++) {
            double d = original[i] - reconstruction[i];
            mse += d * d;
        }
        mse /= original.length;
        double psnr = mse == 0 ? 100 : 10 * Math.log10(1 / mse);
        double ssim = 0;
        for (int c = 0; c < 3; c++) {
            ssim += ssim(original, reconstruction, c * size * size, size);
        }
        return new Scores(psnr, ssim / 3, mse);
    }

    private static final int WINDOW = 11;
    private static final double[] GAUSS = gaussian(WINDOW, 1.5);

    private static double[] gaussian(int n, double sigma) {
        double[] g = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double x = i - (n - 1) / 2.0;
            g[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < n; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /**
     * Mean SSIM of one channel (Wang et al. 2004; K1 0.01, K2 0.03, data range 1, Gaussian-weighted
     * statistics, population covariance) over the positions where the window fits in the image.
     */
    static double ssim(float[] x, float[] y, int offset, int size) {
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        double total = 0;
        int count = 0;
        for (int r = 0; r + WINDOW <= size; r++) {
            for (int c = 0; c + WINDOW <= size; c++) {
                double mx = 0;
                double my = 0;
                double xx = 0;
                double yy = 0;
                double xy = 0;
                for (int i = 0; i < WINDOW; i++) {
                    for (int j = 0; j < WINDOW; j++) {
                        double w = GAUSS[i] * GAUSS[j];
                        double a = x[offset + (r + i) * size + c + j];
                        double b = y[offset + (r + i) * size + c + j];
                        mx += w * a;
                        my += w * b;
                        xx += w * a * a;
                        yy += w * b * b;
                        xy += w * a * b;
                    }
                }
                double vx = xx - mx * mx;
                double vy = yy - my * my;
                double cov = xy - mx * my;
                total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                count++;
            }
        }
        return total / count;
    }

    /** One row per image: original, then each model's reconstruction, nearest-neighbour ×4, labelled. */
    static void writeFigure(Path file, List<float[]> originals, Map<String, List<float[]>> rows, int size)
            throws IOException {
        int scale = 4;
        int cell = size * scale;
        int pad = 6;
        int header = 22;
        List<String> columns = new ArrayList<>();
        columns.add("original");
        columns.addAll(rows.keySet());
        int width = columns.size() * (cell + pad) + pad;
        int height = header + originals.size() * (cell + pad) + pad;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < columns.size(); c++) {
            g.drawString(columns.get(c), pad + c * (cell + pad), 15);
        }
        for (int r = 0; r < originals.size(); r++) {
            int y = header + r * (cell + pad);
            paint(out, originals.get(r), size, scale, pad, y);
            int c = 1;
            for (List<float[]> model : rows.values()) {
                paint(out, model.get(r), size, scale, pad + c * (cell + pad), y);
                c++;
            }
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(out, "png", file.toFile());
    }

    private static void paint(BufferedImage out, float[] chw, int size, int scale, int x0, int y0) {
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = 0;
                for (int ch = 0; ch < 3; ch++) {
                    int v = Math.round(Math.max(0f, Math.min(1f, chw[ch * plane + y * size + x])) * 255);
                    rgb = (rgb << 8) | v;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        out.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                    }
                }
            }
        }
    }
}
