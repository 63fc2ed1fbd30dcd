package dev.tessera.tokenizers.image.data;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Converts Debian's {@code dataset-fashion-mnist} (gzipped IDX files) to PNGs plus a captions file:
 *
 * <pre>
 * OUT/train/00000.png ... OUT/train/captions.tsv      first N images of train-images-idx3-ubyte.gz
 * OUT/heldout/00000.png ... OUT/heldout/captions.tsv  first M images of t10k-images-idx3-ubyte.gz
 * </pre>
 *
 * The file name is the image's index in its IDX file; {@code captions.tsv} has one line
 * {@code <file>\t<class name>} per image. The split is the dataset's own train/test split, so it
 * is fixed.
 *
 * <pre>
 * FashionMnistExport --out DIR [--dir /usr/share/datasets/fashion-mnist] [--train 10000] [--heldout 1000]
 * </pre>
 */
public final class FashionMnistExport {

    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** The ten Fashion-MNIST classes, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** An IDX array of unsigned bytes (type 0x08): its dimensions and its data, row-major. */
    public record Idx(int[] dims, byte[] data) {

        public int count() {
            return dims[0];
        }

        /** Elements per item (product of the dimensions after the first). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    private FashionMnistExport() {}

    /**
     * Reads an IDX file of unsigned bytes, at most {@code limit} items; gzip is detected by its magic
     * number. Header: two zero bytes, type 0x08, the number of dimensions, then each dimension as a
     * big-endian int.
     */
    public static Idx readIdx(InputStream raw, int limit) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        DataInputStream data = new DataInputStream(in);
        int magic = data.readInt();
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
            throw new IOException(String.format("not an unsigned-byte IDX file (magic 0x%08x)", magic));
        }
        int rank = magic & 0xff;
        if (rank < 1 || rank > 4) {
            throw new IOException("IDX rank " + rank + " not supported");
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = data.readInt();
            if (dims[i] < 0) {
                throw new IOException("negative IDX dimension " + dims[i]);
            }
        }
        dims[0] = Math.min(dims[0], Math.max(0, limit));
        long item = 1;
        for (int i = 1; i < rank; i++) {
            item *= dims[i];
        }
        long total = item * dims[0];
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("IDX too large: " + total + " bytes");
        }
        byte[] bytes = new byte[(int) total];
        data.readFully(bytes);
        return new Idx(dims, bytes);
    }

    public static Idx readIdx(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readIdx(in, limit);
        }
    }

    /** Item {@code index} of a rank-3 IDX (count × rows × cols) as a greyscale image. */
    public static BufferedImage image(Idx images, int index) {
        int rows = images.dims()[1];
        int cols = images.dims()[2];
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, cols, rows,
                java.util.Arrays.copyOfRange(images.data(), index * rows * cols, (index + 1) * rows * cols));
        return img;
    }

    /** Writes the first {@code limit} items of one images/labels pair as PNGs plus captions.tsv. */
    public static int export(Path imagesFile, Path labelsFile, int limit, Path out) throws IOException {
        Idx images = readIdx(imagesFile, limit);
        Idx labels = readIdx(labelsFile, limit);
        if (images.dims().length != 3 || labels.dims().length != 1 || images.count() != labels.count()) {
            throw new IOException("expected N×rows×cols images and N labels, got " + dims(images) + " and "
                    + dims(labels));
        }
        Files.createDirectories(out);
        try (BufferedWriter captions = Files.newBufferedWriter(out.resolve("captions.tsv"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < images.count(); i++) {
                String name = String.format("%05d.png", i);
                ImageIO.write(image(images, i), "png", out.resolve(name).toFile());
                int label = labels.data()[i] & 0xff;
                if (label >= CLASSES.size()) {
                    throw new IOException("label " + label + " out of range at item " + i);
                }
                captions.write(name + "\t" + CLASSES.get(label) + "\n");
            }
        }
        return images.count();
    }

    private static String dims(Idx idx) {
        return java.util.Arrays.toString(idx.dims());
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) throws IOException {
        Path dir = Path.of(DEFAULT_DIR);
        Path out = null;
        int train = 10_000;
        int heldout = 1_000;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                return usage(err, "missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--dir" -> dir = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--train" -> train = Integer.parseInt(v);
                case "--heldout" -> heldout = Integer.parseInt(v);
                default -> {
                    return usage(err, "unknown option " + a);
                }
            }
        }
        if (out == null) {
            return usage(err, "--out is required");
        }
        int n = export(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"), train,
                out.resolve("train"));
        int m = export(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), heldout,
                out.resolve("heldout"));
        err.println("fashion-mnist: " + n + " train, " + m + " heldout images under " + out);
        return 0;
    }

    private static int usage(PrintStream err, String why) {
        err.println(why);
        err.println("usage: FashionMnistExport --out DIR [--dir " + DEFAULT_DIR + "] [--train N] [--heldout M]");
        return 2;
    }
}
