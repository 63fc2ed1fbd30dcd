package dev.tessera.retrieval.index;

import java.util.function.Function;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;

/**
 * The running Lucene's default codec with the vector format chosen per field. It writes under the
 * default codec's name: each segment records its vector format by name, so any reader opens it with
 * Lucene's own codec. It names no versioned codec class, so a Lucene upgrade does not touch it.
 */
public final class PerFieldVectorsCodec extends FilterCodec {

    private final KnnVectorsFormat vectors;

    public PerFieldVectorsCodec(Function<String, KnnVectorsFormat> formatForField) {
        super(Codec.getDefault().getName(), Codec.getDefault());
        this.vectors = new PerFieldKnnVectorsFormat() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return formatForField.apply(field);
            }
        };
    }

    @Override
    public KnnVectorsFormat knnVectorsFormat() {
        return vectors;
    }
}
