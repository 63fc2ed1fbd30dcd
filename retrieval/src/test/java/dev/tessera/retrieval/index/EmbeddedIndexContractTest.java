package dev.tessera.retrieval.index;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The backend contract on the embedded index, with each of its vector engines. */
class EmbeddedIndexContractTest {

    @Nested
    class LuceneHnsw extends DocumentIndexContract {
        @TempDir
        Path dir;

        @Override
        protected DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                               VectorSimilarity similarity) {
            return LuceneDocumentIndex.open(dir.resolve(collection), model, dimension, VectorEngine.LUCENE, similarity);
        }
    }

    @Nested
    class Hnswlib extends DocumentIndexContract {
        @TempDir
        Path dir;

        @Override
        protected DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                               VectorSimilarity similarity) {
            return LuceneDocumentIndex.open(dir.resolve(collection), model, dimension, VectorEngine.HNSWLIB, similarity);
        }
    }

    /** Quantised graphs with exact rescoring rank as float32 does on the contract's small collections. */
    abstract static class Quantized extends DocumentIndexContract {
        @TempDir
        Path dir;

        abstract VectorQuantization quantization();

        @Override
        protected DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                               VectorSimilarity similarity) {
            return LuceneDocumentIndex.open(dir.resolve(collection), model, dimension, VectorEngine.LUCENE, similarity,
                    quantization(), quantization().defaultOversample());
        }
    }

    @Nested
    class LuceneInt8 extends Quantized {
        @Override
        VectorQuantization quantization() {
            return VectorQuantization.INT8;
        }
    }

    @Nested
    class LuceneInt4 extends Quantized {
        @Override
        VectorQuantization quantization() {
            return VectorQuantization.INT4;
        }

        @Override
        @org.junit.jupiter.api.Test
        @org.junit.jupiter.api.Disabled("its 3-d vectors: int4 needs an even dimension, refused up front (VectorQuantizationTest)")
        void clientVectorsAreSearchedUnderEachSimilarity() {}
    }

    @Nested
    class LuceneBinary extends Quantized {
        @Override
        VectorQuantization quantization() {
            return VectorQuantization.BINARY;
        }
    }
}
