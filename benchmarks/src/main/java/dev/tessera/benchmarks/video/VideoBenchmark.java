package dev.tessera.benchmarks.video;

import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.tokenizers.video.SampledVideo;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.vqtoken.PatchDescriptor;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * {@code bench video [--photos DIR] [--seconds 10,60,300] [--fps 1] [--max-frames 300]}: builds
 * clips from real pictures (PNG/JPEG under DIR, default the openclipart-png package) — a slow pan
 * across one picture, a cut to the next every 5 s — encodes them with FFmpeg (MPEG-4, 320×240,
 * 25 fps), then times VQToken's stages on each: decode + sample, patch descriptor, adaptive
 * cosine k-means (K 12…32). Baseline in the same run: the fixed-K run (K = 16) of the same patches.
 */
public final class VideoBenchmark {

    private VideoBenchmark() {}

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 25;

    public static void run(Args args) {
        try {
            benchmark(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void benchmark(Args args) throws IOException {
        args.allow("photos", "seconds", "fps", "max-frames");
        Path photos = Path.of(args.get("photos", "/usr/share/openclipart/png"));
        List<Integer> lengths = args.getInts("seconds", List.of(10, 60, 300));
        double fps = Double.parseDouble(args.get("fps", "1"));
        int maxFrames = args.getInt("max-frames", 300);
        List<Path> pictures;
        if (!Files.isDirectory(photos)) {
            throw new UsageException("no pictures under " + photos + " (install openclipart-png, or --photos DIR)");
        }
        try (Stream<Path> walk = Files.walk(photos)) {
            pictures = walk.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                    .filter(p -> p.toFile().length() < 2_000_000).sorted().limit(200).toList();
        }
        if (pictures.isEmpty()) {
            throw new UsageException("no PNG or JPEG files under " + photos);
        }
        PatchDescriptor descriptor = new PatchDescriptor(128, 16);
        MarkdownTable table = new MarkdownTable("clip", ">MB", ">frames sampled", ">patches", ">K (adaptive)",
                ">kept %", ">decode s", ">embed s", ">cluster s", ">total s", ">fixed K=16 cluster s", ">fidelity");
        Path dir = Files.createTempDirectory("tessera-bench-video");
        try {
            for (int seconds : lengths) {
                Path clip = dir.resolve("clip-" + seconds + "s.mp4");
                System.err.printf("encoding a %d s clip from %d pictures...%n", seconds, pictures.size());
                writeClip(clip, seconds, pictures);
                byte[] bytes = Files.readAllBytes(clip);
                long t0 = System.nanoTime();
                SampledVideo v = VideoFrames.sample(bytes, fps, maxFrames, descriptor.frameSize(), 0);
                long t1 = System.nanoTime();
                List<float[]> patches = descriptor.embed(v.frames());
                long t2 = System.nanoTime();
                VQToken.Result r = VQToken.tokenize(patches, descriptor.grid(), descriptor.grid(), VQToken.Options.adaptive());
                long t3 = System.nanoTime();
                VQToken.tokenize(patches, descriptor.grid(), descriptor.grid(), VQToken.Options.fixed(16));
                long t4 = System.nanoTime();
                int n = r.index().length;
                table.row(seconds + " s", String.format(Locale.ROOT, "%.1f", bytes.length / 1e6), r.frames(), n, r.k(),
                        String.format(Locale.ROOT, "%.3f", 100.0 * r.k() / n), secs(t1 - t0), secs(t2 - t1), secs(t3 - t2),
                        secs(t3 - t0), secs(t4 - t3), String.format(Locale.ROOT, "%.3f", r.fidelity()));
                Files.delete(clip);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "VQToken, weight-free patch descriptor (128 px frames, 16 px patches: 64 per frame), "
                + "sampling %.1f fps up to %d frames; clips %d×%d MPEG-4 at %d fps from %d pictures under %s%n",
                fps, maxFrames, WIDTH, HEIGHT, FPS, pictures.size(), photos);
        System.out.println(table);
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /** A pan across each picture (scaled to cover 1.5 × the frame width), a cut every 5 s. */
    static void writeClip(Path file, int seconds, List<Path> pictures) throws IOException {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0);
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(FPS);
            recorder.setVideoQuality(4);
            recorder.start();
            int frames = seconds * FPS;
            int shot = 5 * FPS;
            BufferedImage picture = null;
            for (int i = 0; i < frames; i++) {
                if (i % shot == 0) {
                    picture = cover(ImageIO.read(pictures.get((i / shot) % pictures.size()).toFile()));
                }
                int offset = (picture.getWidth() - WIDTH) * (i % shot) / shot;
                BufferedImage frame = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = frame.createGraphics();
                g.drawImage(picture, -offset, -(picture.getHeight() - HEIGHT) / 2, null);
                g.dispose();
                recorder.record(converter.convert(frame));
            }
            recorder.stop();
        } catch (org.bytedeco.javacv.FrameRecorder.Exception e) {
            throw new IOException(e);
        }
    }

    private static BufferedImage cover(BufferedImage src) {
        if (src == null) {
            src = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        }
        double scale = Math.max(1.5 * WIDTH / src.getWidth(), (double) HEIGHT / src.getHeight());
        int w = (int) Math.ceil(src.getWidth() * scale);
        int h = (int) Math.ceil(src.getHeight() * scale);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);   // clip art is transparent: put it on white
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
