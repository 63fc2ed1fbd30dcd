package dev.tessera.tokenizers.video;

import dev.tessera.tokenizers.media.ContainerSignature;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Decodes a video with FFmpeg (JavaCV's grabber: any container and codec the bundled FFmpeg
 * reads) and samples frames at a requested rate, streaming: a decoded frame is converted and kept
 * only when it is due, so memory holds at most {@code maxFrames} small frames whatever the
 * length. Each kept frame is resized (shorter side, bilinear) and centre-cropped to a square.
 */
public final class VideoFrames {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private VideoFrames() {}

    /** The usual media types of the formats read (the bundled FFmpeg reads more); a still image is a one-frame video. */
    public static final List<String> ACCEPTED = List.of("video/mp4", "video/webm", "video/x-matroska",
            "video/quicktime", "video/x-msvideo", "image/gif", "image/png", "image/jpeg");

    /**
     * @param fps          frames per second to sample (&gt; 0)
     * @param maxFrames    most frames to keep; sampling stops there
     * @param size         side of the square output frames
     * @param maxDurationMs longest video accepted (0 = no limit), from the container's duration
     */
    public static SampledVideo sample(byte[] video, double fps, int maxFrames, int size, long maxDurationMs) {
        // FFmpeg reads from a file: MP4s with their index (moov) at the end need to seek back,
        // which a stream cannot do for large files.
        Path file = null;
        try {
            file = Files.createTempFile("tessera-video", ".bin");
            Files.write(file, video);
            return sample(file, fps, maxFrames, size, maxDurationMs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** Called as decoding goes: frames kept so far, the one expected in all, and the video time reached. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (kept, expected, atMs) -> { };

        void update(int kept, int expected, long atMs);
    }

    /** As {@link #sample(byte[], double, int, int, long)}, reading the video from a file. */
    public static SampledVideo sample(Path videoFile, double fps, int maxFrames, int size, long maxDurationMs) {
        return sample(videoFile, fps, maxFrames, size, maxDurationMs, Progress.NONE);
    }

    /** As {@link #sample(Path, double, int, int, long)}, reporting progress after every kept frame. */
    public static SampledVideo sample(Path videoFile, double fps, int maxFrames, int size, long maxDurationMs,
                                      Progress progress) {
        if (fps <= 0 || maxFrames <= 0 || size <= 0) {
            throw new IllegalArgumentException("fps, max_frames and size must be positive");
        }
        byte[] video = ContainerSignature.head(videoFile);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(videoFile.toFile());
             Java2DFrameConverter converter = new Java2DFrameConverter()) {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                String container = ContainerSignature.name(video);
                throw new InvalidVideoException(container != null
                        ? "the " + container + " file is corrupt or truncated (FFmpeg cannot open it)"
                        : "not a video format FFmpeg reads", container == null, e);
            }
            if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0) {
                throw new InvalidVideoException(grabber.getAudioChannels() > 0
                        ? "the file has an audio track but no video stream" : "the file has no video stream");
            }
            long durationMs = Math.max(0, grabber.getLengthInTime() / 1000);
            if (maxDurationMs > 0 && durationMs > maxDurationMs) {
                throw new VideoTooLongException("video lasts " + durationMs / 1000.0 + " s; at most "
                        + maxDurationMs / 1000.0 + " s");
            }
            int expected = durationMs > 0
                    ? (int) Math.max(1, Math.min(maxFrames, Math.ceil(durationMs / 1000.0 * fps))) : maxFrames;
            List<float[]> frames = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            double stepUs = 1_000_000.0 / fps;
            double nextUs = 0;
            long decoded = 0;
            while (frames.size() < maxFrames) {
                Frame frame;
                try {
                    frame = grabber.grabImage();
                } catch (FrameGrabber.Exception e) {
                    if (frames.isEmpty()) {
                        throw new InvalidVideoException("the video stream cannot be decoded: " + e.getMessage(), false, e);
                    }
                    break;   // a damaged tail: keep what decoded
                }
                if (frame == null) {
                    break;
                }
                decoded++;
                long ts = Math.max(0, grabber.getTimestamp());
                if (maxDurationMs > 0 && ts / 1000 > maxDurationMs) {
                    throw new VideoTooLongException("video runs past " + maxDurationMs / 1000.0 + " s");
                }
                if (ts + 1000 < nextUs) {   // 1 ms tolerance for rounded timestamps
                    continue;
                }
                BufferedImage image = converter.getBufferedImage(frame);
                if (image == null) {
                    continue;
                }
                frames.add(toSquare(image, size));
                times.add(ts / 1000);
                progress.update(frames.size(), Math.max(expected, frames.size()), ts / 1000);
                nextUs = (Math.floor((ts + 1000) / stepUs) + 1) * stepUs;
            }
            if (frames.isEmpty()) {
                throw new InvalidVideoException(decoded == 0 ? "the video stream holds no decodable frame"
                        : "no frame could be converted");
            }
            long[] t = times.stream().mapToLong(Long::longValue).toArray();
            progress.update(frames.size(), frames.size(), t[t.length - 1]);   // the estimate settles on the truth
            return new SampledVideo(List.copyOf(frames), t, size, durationMs, grabber.getFrameRate());
        } catch (InvalidVideoException | VideoTooLongException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidVideoException("not a video FFmpeg can read: " + e.getMessage(), false, e);
        }
    }

    /** Shorter side to {@code size} (bilinear), centre crop, CHW RGB in [0, 1]. */
    static float[] toSquare(BufferedImage image, int size) {
        double scale = (double) size / Math.min(image.getWidth(), image.getHeight());
        int w = Math.max(size, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(size, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, -(w - size) / 2, -(h - size) / 2, w, h, null);
        g.dispose();
        float[] chw = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = out.getRGB(x, y);
                chw[y * size + x] = ((rgb >> 16) & 0xff) / 255f;
                chw[plane + y * size + x] = ((rgb >> 8) & 0xff) / 255f;
                chw[2 * plane + y * size + x] = (rgb & 0xff) / 255f;
            }
        }
        return chw;
    }
}
