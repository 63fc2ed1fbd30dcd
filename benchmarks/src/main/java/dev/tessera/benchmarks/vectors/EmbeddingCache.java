package dev.tessera.benchmarks.vectors;

import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.embed.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * Embeddings of a text list kept on disk as a float32 matrix, keyed by a hash of the model, the
 * role and every text, so a rerun skips the slow part. Rows are appended to a {@code .part} file
 * as they are computed: an interrupted run resumes where it stopped.
 *
 * <p>File layout: int dimension, then rows of little-endian floats.
 */
public final class EmbeddingCache {

    private static final int GROUP = 512;

    private final Path dir;

    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /** @param embedder loaded only when something is missing from the cache */
    public float[][] embed(Supplier<Embedder> embedder, String modelName, List<String> texts, Embedder.Role role,
            String label) {
        String key = label + "-" + modelName + "-" + role.name().toLowerCase() + "-" + texts.size() + "-"
                + hash(modelName, role, texts);
        Path done = dir.resolve(key + ".f32");
        Path part = dir.resolve(key + ".f32.part");
        try {
            Files.createDirectories(dir);
            if (Files.isRegularFile(done)) {
                float[][] rows = read(done, texts.size());
                System.err.printf("%s: %,d embeddings read from %s%n", label, rows.length, done);
                return rows;
            }
            Embedder model = embedder.get();
            int dim = model.dimension();
            float[][] rows = new float[texts.size()][];
            int have = resume(part, dim, rows);
            if (have > 0) {
                System.err.printf("%s: resuming after %,d cached embeddings%n", label, have);
            }
            Progress progress = new Progress(label + ": embedded", texts.size() - have);
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                if (have == 0) {
                    out.truncate(0);
                    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, dim));
                }
                for (int from = have; from < texts.size(); from += GROUP) {
                    int to = Math.min(texts.size(), from + GROUP);
                    List<float[]> vectors = model.embed(texts.subList(from, to), role);
                    ByteBuffer buf = ByteBuffer.allocate((to - from) * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < vectors.size(); i++) {
                        rows[from + i] = vectors.get(i);
                        buf.asFloatBuffer().position(i * dim).put(vectors.get(i));
                    }
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                    progress.advance(to - from);
                }
                out.force(true);
            }
            Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("embedding cache under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads whole rows of a partial file into {@code rows}; returns how many. */
    private static int resume(Path part, int dim, float[][] rows) throws IOException {
        if (!Files.isRegularFile(part) || Files.size(part) < 4) {
            return 0;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(part)).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.getInt(0) != dim) {
            return 0;
        }
        int have = Math.min(rows.length, (bytes.capacity() - 4) / (dim * Float.BYTES));
        fill(bytes, dim, rows, have);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ch.truncate(4L + (long) have * dim * Float.BYTES); // drop a torn last row
        }
        return have;
    }

    private static float[][] read(Path file, int count) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = bytes.getInt(0);
        if (bytes.capacity() != 4 + (long) count * dim * Float.BYTES) {
            throw new IOException(file + " does not hold " + count + " rows of " + dim + " floats");
        }
        float[][] rows = new float[count][];
        fill(bytes, dim, rows, count);
        return rows;
    }

    private static void fill(ByteBuffer bytes, int dim, float[][] rows, int count) {
        var floats = bytes.position(4).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int r = 0; r < count; r++) {
            rows[r] = new float[dim];
            floats.get(rows[r]);
        }
    }

    static String hash(String model, Embedder.Role role, List<String> texts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((model + "\u0000" + role + "\u0000").getBytes(StandardCharsets.UTF_8));
            for (String t : texts) {
                sha.update(t.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
