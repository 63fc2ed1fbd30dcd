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
}
