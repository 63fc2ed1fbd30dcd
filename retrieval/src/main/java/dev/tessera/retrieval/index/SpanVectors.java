package dev.tessera.retrieval.index;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Vectors of character spans of one stored chunk (its sentences and short pieces), computed at
 * ingest so that context assembly need not run the model. Stored compactly: each vector as int8
 * with its own scale (max |x| / 127), which keeps the cosine with the float vector above 0.999.
 *
 * <p>Wire format, version {@value #VERSION}: {@code byte version, int dimension, int count}, then per
 * span {@code int start, int end, float scale, byte[dimension]}; big-endian.
 */
public record SpanVectors(int dimension, List<Span> spans) {

    public static final byte VERSION = 1;

    /** Characters {@code [start, end)} of the chunk's text and their vector. */
    public record Span(int start, int end, float[] vector) {}

    public SpanVectors {
        spans = List.copyOf(spans);
        for (Span s : spans) {
            if (s.vector().length != dimension) {
                throw new IllegalArgumentException("span vector of " + s.vector().length + " numbers, expected " + dimension);
            }
        }
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(9 + spans.size() * (12 + dimension));
        out.put(VERSION).putInt(dimension).putInt(spans.size());
        for (Span s : spans) {
            float max = 0;
            for (float x : s.vector()) max = Math.max(max, Math.abs(x));
            float scale = max == 0 ? 1 : max / 127f;
            out.putInt(s.start()).putInt(s.end()).putFloat(scale);
            for (float x : s.vector()) out.put((byte) Math.round(x / scale));
        }
        return out.array();
    }

    /** @throws IllegalArgumentException for bytes of another version or a truncated record */
    public static SpanVectors decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 9 || in.get() != VERSION) {
            throw new IllegalArgumentException("span vectors of an unknown format");
        }
        int dimension = in.getInt();
        int count = in.getInt();
        if (dimension < 0 || count < 0 || in.remaining() != (long) count * (12 + dimension)) {
            throw new IllegalArgumentException("span vectors truncated");
        }
        List<Span> spans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int start = in.getInt(), end = in.getInt();
            float scale = in.getFloat();
            float[] v = new float[dimension];
            for (int d = 0; d < dimension; d++) v[d] = in.get() * scale;
            spans.add(new Span(start, end, v));
        }
        return new SpanVectors(dimension, spans);
    }
}
