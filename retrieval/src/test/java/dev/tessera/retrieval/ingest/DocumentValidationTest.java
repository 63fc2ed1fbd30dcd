package dev.tessera.retrieval.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Document;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentValidationTest {

    static Document doc(String id, Map<String, Object> metadata) {
        return new Document(id, "t", "some text", metadata);
    }

    static void assertRefused(Document d, String field) {
        assertThatThrownBy(() -> DocumentIngestor.validate(d)).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field));
    }

    @Test
    void idsWithControlCharactersAreRefused() {
        assertRefused(doc("a\u0000b", Map.of()), "id");
        assertRefused(doc("a\u001bb", Map.of()), "id");
        assertRefused(doc("a\u007fb", Map.of()), "id");
    }

    @Test
    void idsWithCharactersAUrlMustEscapeAreKept() {
        assertThat(DocumentIngestor.validate(doc("a|b%c\"dé:x;y", Map.of())).id()).isEqualTo("a|b%c\"dé:x;y");
    }

    @Test
    void nonFiniteMetadataNumbersAreRefused() {
        assertRefused(doc("d", Map.of("n", Double.POSITIVE_INFINITY)), "metadata.n");
        assertRefused(doc("d", Map.of("n", Double.NaN)), "metadata.n");
        assertThat(DocumentIngestor.validate(doc("d", Map.of("n", 1e300))).metadata()).containsEntry("n", 1e300);
    }
}
