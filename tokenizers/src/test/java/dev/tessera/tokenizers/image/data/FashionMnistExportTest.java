package dev.tessera.tokenizers.image.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistExportTest {

    /** An unsigned-byte IDX file: magic 0x0000_08_rank, dims, bytes. */
    static byte[] idx(int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream sink = gzip ? new GZIPOutputStream(bytes) : bytes;
                DataOutputStream out = new DataOutputStream(sink)) {
            out.writeInt(0x00000800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** Three 2×3 images whose pixel (r, c) of item i is 40·i + 10·r + c, plus 200 to test unsigned. */
    static byte[] pixels() {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < 3; i++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    px[i * 6 + r * 3 + c] = (byte) (40 * i + 10 * r + c + (i == 2 ? 150 : 0));
                }
            }
        }
        return px;
    }

    @Test
    void decodesImagesAndLabelsPlainAndGzipped() throws IOException {
        byte[] px = pixels();
        for (boolean gzip : new boolean[] {false, true}) {
            FashionMnistExport.Idx images = FashionMnistExport
                    .readIdx(new ByteArrayInputStream(idx(new int[] {3, 2, 3}, px, gzip)), Integer.MAX_VALUE);
            assertThat(images.dims()).containsExactly(3, 2, 3);
            assertThat(images.itemSize()).isEqualTo(6);
            assertThat(images.data()).isEqualTo(px);

            FashionMnistExport.Idx labels = FashionMnistExport
                    .readIdx(new ByteArrayInputStream(idx(new int[] {3}, new byte[] {9, 0, 4}, gzip)), 2);
            assertThat(labels.dims()).containsExactly(2);
            assertThat(labels.data()).containsExactly(9, 0);
        }
    }

    @Test
    void rejectsOtherMagic() {
        byte[] floats = {0, 0, 0x0D, 1, 0, 0, 0, 0};
        assertThatThrownBy(() -> FashionMnistExport.readIdx(new ByteArrayInputStream(floats), 1))
                .hasMessageContaining("0x00000d01");
    }

    @Test
    void exportsPngsAndCaptionsThatRoundTrip(@TempDir Path dir) throws IOException {
        byte[] px = pixels();
        Files.write(dir.resolve("img.gz"), idx(new int[] {3, 2, 3}, px, true));
        Files.write(dir.resolve("lbl.gz"), idx(new int[] {3}, new byte[] {9, 0, 4}, true));

        int n = FashionMnistExport.export(dir.resolve("img.gz"), dir.resolve("lbl.gz"), 3, dir.resolve("out"));

        assertThat(n).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("out/captions.tsv"), StandardCharsets.UTF_8))
                .isEqualTo("00000.png\tAnkle boot\n00001.png\tT-shirt/top\n00002.png\tCoat\n");
        for (int i = 0; i < 3; i++) {
            BufferedImage img = ImageIO.read(dir.resolve(String.format("out/%05d.png", i)).toFile());
            assertThat(img.getWidth()).isEqualTo(3);
            assertThat(img.getHeight()).isEqualTo(2);
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(img.getRaster().getSample(c, r, 0)).isEqualTo(px[i * 6 + r * 3 + c] & 0xff);
                }
            }
        }
    }
}
