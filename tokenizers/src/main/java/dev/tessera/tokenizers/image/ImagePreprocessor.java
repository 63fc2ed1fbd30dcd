package dev.tessera.tokenizers.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The official TiTok evaluation preprocessing: decode (PNG, JPEG, WebP through ImageIO plugins),
 * resize the shorter side to the model's size with antialiased bicubic filtering (PIL/torchvision
 * style: the kernel widens with the downscale factor), centre-crop a square, and lay the pixels
 * out as CHW float RGB in [0, 1] with no mean/std normalisation.
 */
public final class ImagePreprocessor {

    /** The formats {@link #decode} reads. */
    public static final java.util.List<String> ACCEPTED = java.util.List.of("image/png", "image/jpeg", "image/webp");

    private final long maxPixels;

    /** @param maxPixels largest width × height accepted, checked from the header before decoding */
    public ImagePreprocessor(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    public BufferedImage decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidImageException("the image is empty", false);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidImageException("not an image in a format Tessera reads", true);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > maxPixels) {
                    throw new ImageTooLargeException(w, h, maxPixels);
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new InvalidImageException("the image could not be decoded", false);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException || e instanceof ImageTooLargeException) {
                throw (RuntimeException) e;
            }
            throw new InvalidImageException("the image data is corrupt: " + e.getMessage(), false);
        }
    }

    /** Shorter side resized to {@code size}, centre crop, CHW float RGB in [0, 1]. */
    public float[] toModelInput(BufferedImage image, int size) {
        int w = image.getWidth();
        int h = image.getHeight();
        int outW;
        int outH;
        if (w <= h) {
            outW = size;
            outH = Math.max(size, (int) Math.round((double) h * size / w));
        } else {
            outH = size;
            outW = Math.max(size, (int) Math.round((double) w * size / h));
        }
        float[][] rgb = planes(image);
        float[][] resized = new float[3][];
        for (int c = 0; c < 3; c++) {
            resized[c] = resize(rgb[c], w, h, outW, outH);
        }
        int left = (outW - size) / 2;
        int top = (outH - size) / 2;
        float[] chw = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = resized[c][(top + y) * outW + left + x];
                    chw[(c * size + y) * size + x] = Math.min(1f, Math.max(0f, v));
                }
            }
        }
        return chw;
    }

    /** Official post-processing: clamp to [0, 1], × 255, truncate to a byte. PNG encoded. */
    public static byte[] toPng(float[] chw, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                int r = toByte(chw[i]);
                int g = toByte(chw[plane + i]);
                int b = toByte(chw[2 * plane + i]);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int toByte(float v) {
        return (int) (Math.min(1f, Math.max(0f, v)) * 255f);
    }

    /** Pixel bytes / 255 as three float planes, computed in float32 like the reference (PNG byte / 255). */
    static float[][] planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[][] p = new float[3][w * h];
        for (int i = 0; i < argb.length; i++) {
            p[0][i] = ((argb[i] >> 16) & 0xff) / 255f;
            p[1][i] = ((argb[i] >> 8) & 0xff) / 255f;
            p[2][i] = (argb[i] & 0xff) / 255f;
        }
        return p;
    }

    /** Separable bicubic (a = -0.5, as PIL) resize; the kernel support grows when downscaling. */
    static float[] resize(float[] src, int w, int h, int outW, int outH) {
        float[] horizontal = new float[outW * h];
        Weights wx = Weights.of(w, outW);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < wx.count[x]; k++) {
                    s += src[y * w + wx.first[x] + k] * wx.weights[x][k];
                }
                horizontal[y * outW + x] = (float) s;
            }
        }
        float[] out = new float[outW * outH];
        Weights wy = Weights.of(h, outH);
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double s = 0;
                for (int k = 0; k < wy.count[y]; k++) {
                    s += horizontal[(wy.first[y] + k) * outW + x] * wy.weights[y][k];
                }
                out[y * outW + x] = (float) s;
            }
        }
        return out;
    }

    /** Per output pixel: the first input pixel and the normalised kernel weights it reads. */
    private record Weights(int[] first, int[] count, double[][] weights) {
        static Weights of(int in, int out) {
            double scale = (double) in / out;
            double support = 2.0 * Math.max(1.0, scale);
            double filterScale = Math.max(1.0, scale);
            int[] first = new int[out];
            int[] count = new int[out];
            double[][] weights = new double[out][];
            for (int i = 0; i < out; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in, (int) Math.ceil(center + support));
                double[] wts = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double v = cubic((j + 0.5 - center) / filterScale);
                    wts[j - lo] = v;
                    total += v;
                }
                for (int k = 0; k < wts.length; k++) {
                    wts[k] = total != 0 ? wts[k] / total : 0;
                }
                first[i] = lo;
                count[i] = wts.length;
                weights[i] = wts;
            }
            return new Weights(first, count, weights);
        }

        private static double cubic(double x) {
            double a = -0.5;
            x = Math.abs(x);
            if (x < 1) {
                return ((a + 2) * x - (a + 3)) * x * x + 1;
            }
            if (x < 2) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0;
        }
    }
}
