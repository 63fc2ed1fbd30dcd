package dev.tessera.tokenizers.video;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Clips with a known structure, encoded by FFmpeg itself (MPEG-4 Part 2 in MP4, VP8 in WebM). */
public final class SyntheticClips {

    public static final int SIZE = 128;

    private SyntheticClips() {}

    /** Left half red, right half blue; the halves swap at frame {@code frames / 2}. */
    public static BufferedImage twoRegions(int frame, int frames) {
        boolean swapped = frame >= frames / 2;
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(swapped ? Color.BLUE : Color.RED);
        g.fillRect(0, 0, SIZE / 2, SIZE);
        g.setColor(swapped ? Color.RED : Color.BLUE);
        g.fillRect(SIZE / 2, 0, SIZE / 2, SIZE);
        g.dispose();
        return img;
    }

    /** A white 32-px square moving left to right over a dark green background. */
    public static BufferedImage movingSquare(int frame, int frames) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(20, 90, 40));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(Color.WHITE);
        int x = (SIZE - 32) * frame / Math.max(1, frames - 1);
        g.fillRect(x, 48, 32, 32);
        g.dispose();
        return img;
    }

    /**
     * Real pictures, one shot each: a pan from the left to the right edge of the picture (scaled
     * to cover 1.5 × the frame width), then a hard cut to the next picture.
     */
    public static IntFunction<BufferedImage> panAndCut(java.util.List<BufferedImage> pictures, int framesPerShot) {
        return frame -> {
            BufferedImage src = pictures.get((frame / framesPerShot) % pictures.size());
            double scale = Math.max(1.5 * SIZE / src.getWidth(), (double) SIZE / src.getHeight());
            int w = (int) Math.ceil(src.getWidth() * scale);
            int h = (int) Math.ceil(src.getHeight() * scale);
            int offset = (w - SIZE) * (frame % framesPerShot) / Math.max(1, framesPerShot - 1);
            BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = img.createGraphics();
            g.drawImage(src, -offset, -(h - SIZE) / 2, w, h, null);
            g.dispose();
            return img;
        };
    }

    /** Writes {@code frames} frames at {@code fps} to {@code file}; the format follows the extension (mp4 or webm). */
    public static Path write(Path file, int frames, int fps, IntFunction<BufferedImage> picture) throws IOException {
        boolean webm = file.toString().endsWith(".webm");
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), SIZE, SIZE, 0);
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat(webm ? "webm" : "mp4");
            recorder.setVideoCodec(webm ? avcodec.AV_CODEC_ID_VP8 : avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            if (webm) {
                recorder.setVideoBitrate(2_000_000);
            } else {
                recorder.setVideoQuality(2);   // near-lossless quantiser: flat colours stay flat
            }
            recorder.setGopSize(fps);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                recorder.record(converter.convert(picture.apply(i)));
            }
            recorder.stop();
        }
        return file;
    }
}
