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
        protected DocumentIndex openEmptyIndex(String model, int dimension) {
            return LuceneDocumentIndex.open(dir, model, dimension, VectorEngine.LUCENE);
        }
    }

    @Nested
    class Hnswlib extends DocumentIndexContract {
        @TempDir
        Path dir;

        @Override
        protected DocumentIndex openEmptyIndex(String model, int dimension) {
            return LuceneDocumentIndex.open(dir, model, dimension, VectorEngine.HNSWLIB);
        }
    }
}
