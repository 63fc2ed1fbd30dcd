package dev.tessera.tokenizers.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    final ImagePreprocessor pre = new ImagePreprocessor(4096L * 4096);

    static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    static BufferedImage image(int w, int h, java.util.function.IntBinaryOperator rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb.applyAsInt(x, y));
            }
        }
        return img;
    }

    @Test
    void imageAlreadyAtModelSizeIsBytesOver255InChwOrder() throws Exception {
        BufferedImage img = image(8, 8, (x, y) -> (x * 30 << 16) | (y * 20 << 8) | 7);
        float[] chw = pre.toModelInput(pre.decode(encode(img, "png")), 8);
        assertThat(chw).hasSize(3 * 64);
        assertThat(chw[3 * 8 + 5]).isEqualTo(150 / 255f);          // R at y=3, x=5
        assertThat(chw[64 + 3 * 8 + 5]).isEqualTo(60 / 255f);      // G
        assertThat(chw[128 + 3 * 8 + 5]).isEqualTo(7 / 255f);      // B
    }

    @Test
    void downscalingIsAntialiased() {
        // A one-pixel checkerboard halved must come out flat grey, not aliased stripes.
        BufferedImage board = image(64, 64, (x, y) -> ((x + y) % 2 == 0) ? 0xffffff : 0x000000);
        float[] chw = pre.toModelInput(board, 32);
        for (float v : Arrays.copyOfRange(chw, 0, 32 * 32)) {
            assertThat(v).isCloseTo(0.5f, within(0.02f));
        }
    }

    @Test
    void shorterSideIsResizedThenCentreCropped() {
        // 64x32: left quarter red, middle half green, right quarter blue -> crop keeps the green.
        BufferedImage wide = image(64, 32, (x, y) -> x < 16 ? 0xff0000 : x < 48 ? 0x00ff00 : 0x0000ff);
        float[] chw = pre.toModelInput(wide, 16);
        int plane = 16 * 16;
        assertThat(chw[8 * 16 + 8]).isCloseTo(0f, within(0.01f));
        assertThat(chw[plane + 8 * 16 + 8]).isCloseTo(1f, within(0.01f));
        assertThat(chw[plane + 8 * 16 + 2]).isCloseTo(1f, within(0.01f)); // edge pixels blend with red, as PIL does
    }

    @Test
    void readsLosslessWebpExactly() throws Exception {
        // Made with Debian's cwebp -lossless from a 12x8 gradient: R = 20x, G = 30y, B = 100.
        byte[] webp = getClass().getResourceAsStream("/images/gradient-12x8-lossless.webp").readAllBytes();
        BufferedImage img = pre.decode(webp);
        assertThat(img.getWidth()).isEqualTo(12);
        assertThat(img.getRGB(5, 3) & 0xffffff).isEqualTo((100 << 16) | (90 << 8) | 100);
    }

    @Test
    void readsJpegAndRoundTripsPng() throws Exception {
        BufferedImage img = image(20, 10, (x, y) -> 0x336699);
        assertThat(pre.decode(encode(img, "jpg")).getWidth()).isEqualTo(20);
        float[] grey = new float[3 * 4 * 4];
        Arrays.fill(grey, 0.5f);
        grey[0] = 1.7f;   // clamped
        grey[1] = -0.2f;  // clamped
        BufferedImage back = pre.decode(ImagePreprocessor.toPng(grey, 4));
        assertThat(back.getRGB(0, 0) & 0xff0000).isEqualTo(0xff0000);
        assertThat(back.getRGB(1, 0) & 0xff0000).isZero();
        assertThat((back.getRGB(2, 0) >> 16) & 0xff).isEqualTo(127); // 0.5 * 255 truncated
    }

    @Test
    void refusesNonImagesCorruptImagesAndOversizedImages() throws Exception {
        assertThatThrownBy(() -> pre.decode("just text".getBytes()))
                .isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((InvalidImageException) e).unsupported()).isTrue());
        byte[] png = encode(image(64, 64, (x, y) -> x * y), "png");
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> pre.decode(truncated))
                .isInstanceOf(InvalidImageException.class)
                .satisfies(e -> assertThat(((InvalidImageException) e).unsupported()).isFalse());
        assertThatThrownBy(() -> new ImagePreprocessor(1000).decode(png)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("64x64");
    }
}
