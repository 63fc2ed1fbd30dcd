package dev.tessera.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import dev.tessera.client.Filters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * LangChain4j's {@link Filter} in Tessera's filter language. The semantics line up: {@code ne} and
 * {@code nin} also select documents without the key, as {@code IsNotEqualTo} and {@code IsNotIn} do;
 * UUIDs travel as their strings and floats as doubles, the types Tessera stores them as.
 */
final class LangChainFilters {

    private LangChainFilters() {}

    static Map<String, Object> toTessera(Filter filter) {
        if (filter instanceof IsEqualTo f) {
            return Filters.eq(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsNotEqualTo f) {
            return Filters.ne(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsGreaterThan f) {
            return Filters.gt(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsGreaterThanOrEqualTo f) {
            return Filters.gte(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsLessThan f) {
            return Filters.lt(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsLessThanOrEqualTo f) {
            return Filters.lte(f.key(), value(f.comparisonValue()));
        }
        if (filter instanceof IsIn f) {
            return Filters.in(f.key(), values(f.comparisonValues()));
        }
        if (filter instanceof IsNotIn f) {
            return Filters.nin(f.key(), values(f.comparisonValues()));
        }
        if (filter instanceof ContainsString f) {
            return Filters.contains(f.key(), f.comparisonValue());
        }
        if (filter instanceof And f) {
            return Map.of("and", List.of(toTessera(f.left()), toTessera(f.right())));
        }
        if (filter instanceof Or f) {
            return Map.of("or", List.of(toTessera(f.left()), toTessera(f.right())));
        }
        if (filter instanceof Not f) {
            return Filters.not(toTessera(f.expression()));
        }
        throw new UnsupportedOperationException("Tessera has no translation of the filter " + filter.getClass().getName());
    }

    /** A metadata value as Tessera stores it. */
    static Object value(Object v) {
        if (v instanceof UUID u) {
            return u.toString();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    private static List<Object> values(Collection<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(value(v));
        }
        return out;
    }
}
