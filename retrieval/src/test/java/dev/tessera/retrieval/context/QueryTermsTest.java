package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryTermsTest {

    @Test
    void contentTermsDropStopWordsAndCase() {
        assertThat(QueryTerms.contentTerms("What is the capital of Normandy?")).containsExactly("capital", "normandy");
    }

    @Test
    void aTermFoundInFewCandidatesWeighsMoreThanOneFoundInAll() {
        List<String> docs = List.of("Normandy is a region of France.", "France has regions.", "Regions of France.");
        Map<String, Double> idf = QueryTerms.idf(Set.of("normandy", "france"), docs);

        assertThat(idf.get("normandy")).isGreaterThan(idf.get("france"));
        // BM25's smoothing: df = 1 of N = 3 gives ln(1 + 2.5/1.5).
        assertThat(idf.get("normandy")).isCloseTo(Math.log(1 + 2.5 / 1.5), within(1e-12));
    }

    @Test
    void weightedOverlapIsTheShareOfQueryWeightPresent() {
        Set<String> terms = Set.of("normandy", "france");
        Map<String, Double> idf = Map.of("normandy", 3.0, "france", 1.0);

        assertThat(QueryTerms.overlap(terms, idf, "Normandy, a region")).isCloseTo(0.75, within(1e-12));
        assertThat(QueryTerms.overlap(terms, idf, "in France")).isCloseTo(0.25, within(1e-12));
        assertThat(QueryTerms.overlap(terms, null, "in France")).isCloseTo(0.5, within(1e-12));
        assertThat(QueryTerms.overlap(Set.of(), idf, "anything")).isZero();
    }
}
