package dev.tessera.retrieval.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The grammar as users write it and what it means: parsed by {@link FilterParser}, evaluated by
 * {@link FilterEvaluator}, the reference every backend's translation is held to.
 */
class FilterGrammarTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Filter parse(String json) {
        return Filter.parse(JSON.readValue(json, Object.class));
    }

    private static boolean matches(String filter, Map<String, Object> metadata) {
        return FilterEvaluator.matches(parse(filter), metadata);
    }

    private static String errorField(String json) {
        try {
            parse(json);
        } catch (InvalidRequestException e) {
            return e.field();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void theShorthandsAreEqAndIn() {
        // The same test; only the path an error would name differs.
        assertThat(parse("{\"lang\":\"en\"}")).usingRecursiveComparison().ignoringFields("path")
                .isEqualTo(parse("{\"lang\":{\"eq\":\"en\"}}"));
        assertThat(parse("{\"year\":[1,2]}")).usingRecursiveComparison().ignoringFields("path")
                .isEqualTo(parse("{\"year\":{\"in\":[1,2]}}"));
        assertThat(parse("{}").matchesAll()).isTrue();
        // Several keys in one object are an and.
        assertThat(parse("{\"a\":1,\"b\":2}")).isInstanceOf(Filter.And.class);
    }

    @Test
    void neAndNinMatchDocumentsWithoutTheKeyExistsFalseMatchesOnlyThem() {
        Map<String, Object> without = Map.of("other", "x");
        assertThat(matches("{\"lang\":{\"ne\":\"en\"}}", without)).isTrue();
        assertThat(matches("{\"lang\":{\"nin\":[\"en\"]}}", without)).isTrue();
        assertThat(matches("{\"lang\":{\"eq\":\"en\"}}", without)).isFalse();
        assertThat(matches("{\"lang\":{\"exists\":false}}", without)).isTrue();
        assertThat(matches("{\"lang\":{\"exists\":false}}", Map.of("lang", "fr"))).isFalse();
    }

    @Test
    void arraysMatchWhenAnyElementPassesAndNeIsExactlyNotEq() {
        Map<String, Object> tagged = Map.of("tags", List.of("a", "b"));
        assertThat(matches("{\"tags\":\"b\"}", tagged)).isTrue();
        assertThat(matches("{\"tags\":{\"ne\":\"b\"}}", tagged)).isFalse(); // not (any element equals b)
        assertThat(matches("{\"tags\":{\"gt\":\"a\"}}", tagged)).isTrue();
        assertThat(matches("{\"tags\":{\"contains\":\"x\"}}", tagged)).isFalse();
    }

    @Test
    void integersAndNumbersCompareNumericallyStringsLexicographically() {
        assertThat(matches("{\"year\":{\"gt\":1961.5}}", Map.of("year", 1962L))).isTrue();
        assertThat(matches("{\"year\":{\"eq\":1962.0}}", Map.of("year", 1962L))).isTrue();
        assertThat(matches("{\"year\":{\"eq\":1962.5}}", Map.of("year", 1962L))).isFalse();
        assertThat(matches("{\"ratio\":{\"lte\":1}}", Map.of("ratio", 0.5))).isTrue();
        assertThat(matches("{\"name\":{\"lt\":\"b\"}}", Map.of("name", "abc"))).isTrue();
        assertThat(matches("{\"name\":{\"lt\":\"B\"}}", Map.of("name", "abc"))).isFalse(); // 'a' sorts after 'B'
        assertThat(matches("{\"name\":{\"contains\":\"bc\"}}", Map.of("name", "abc"))).isTrue();
    }

    @Test
    void andOrNotCompose() {
        Map<String, Object> doc = Map.of("year", 1962L, "lang", "en");
        assertThat(matches("{\"or\":[{\"lang\":\"fr\"},{\"year\":{\"gte\":1960}}]}", doc)).isTrue();
        assertThat(matches("{\"and\":[{\"lang\":\"fr\"},{\"year\":{\"gte\":1960}}]}", doc)).isFalse();
        assertThat(matches("{\"not\":{\"lang\":\"fr\"}}", doc)).isTrue();
    }

    @Test
    void errorsNameThePathInsideTheFilter() {
        assertThat(errorField("{\"and\":[{\"a\":1},{\"year\":{\"between\":1}}]}")).isEqualTo("filter.and[1].year.between");
        assertThat(errorField("{\"and\":[]}")).isEqualTo("filter.and");
        assertThat(errorField("{\"or\":[]}")).isEqualTo("filter.or");
        assertThat(errorField("{\"year\":{\"gt\":\"x\",\"lt\":[1]}}")).startsWith("filter.year.");
        assertThat(errorField("{\"year\":{\"exists\":1}}")).isEqualTo("filter.year.exists");
    }

    @Test
    void limitsOnDepthValuesAndTestsAreClientErrors() {
        String deep = "{\"a\":1}";
        for (int i = 0; i < FilterParser.MAX_DEPTH + 1; i++) {
            deep = "{\"not\":" + deep + "}";
        }
        String tooDeep = deep;
        assertThatThrownBy(() -> parse(tooDeep)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("deeper");
        List<Integer> values = new ArrayList<>(Collections.nCopies(FilterParser.MAX_VALUES + 1, 7));
        assertThat(errorField("{\"a\":{\"in\":" + values + "}}")).isEqualTo("filter.a.in");
        values.removeLast();
        assertThat(parse("{\"a\":{\"in\":" + values + "}}")).isInstanceOf(Filter.Leaf.class);
    }
}
