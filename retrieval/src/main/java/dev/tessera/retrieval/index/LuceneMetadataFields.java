package dev.tessera.retrieval.index;

import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.document.MetadataType;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.FilterTranslator;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Typed metadata in a Lucene index, and {@link Filter}s as Lucene queries over it. Each key has one
 * field per type, so a key whose type changes after its collection was cleared never meets
 * segments written with the old type: strings are keywords ({@code m.<key>.s}), integers long
 * points ({@code .l}), numbers double points ({@code .d}), booleans keywords ({@code .b}); the
 * names of the keys a document has values for are terms of {@code m._keys}, for {@code exists}.
 */
public final class LuceneMetadataFields {

    static final String PREFIX = "m.";
    static final String KEYS = "m._keys";

    private LuceneMetadataFields() {}

    /** Adds the index fields of typed metadata (as {@link MetadataMapping#admit} returns it) to a Lucene document. */
    public static void add(org.apache.lucene.document.Document doc, Map<String, Object> typed) {
        typed.forEach((key, value) -> {
            List<Object> scalars = Metadata.scalars(value);
            if (scalars.isEmpty()) {
                return;
            }
            doc.add(new StringField(KEYS, key, Field.Store.NO));
            for (Object v : scalars) {
                switch (v) {
                    case String s -> doc.add(new StringField(field(key, MetadataType.STRING), s, Field.Store.NO));
                    case Long l -> doc.add(new LongPoint(field(key, MetadataType.INTEGER), l));
                    case Double d -> doc.add(new DoublePoint(field(key, MetadataType.NUMBER), d));
                    case Boolean b -> doc.add(new StringField(field(key, MetadataType.BOOLEAN), b.toString(),
                            Field.Store.NO));
                    default -> throw new IllegalArgumentException("not a metadata scalar: " + v);
                }
            }
        });
    }

    static String field(String key, MetadataType type) {
        return PREFIX + key + switch (type) {
            case STRING -> ".s";
            case INTEGER -> ".l";
            case NUMBER -> ".d";
            case BOOLEAN -> ".b";
        };
    }

    /** The documents a filter selects among all documents (combine with the kind of record wanted). */
    public static Query query(Filter filter, MetadataMapping mapping) {
        return QUERIES.translate(filter, mapping);
    }

    private static final FilterTranslator<Query> QUERIES = new FilterTranslator<>() {
        @Override
        public Query all() {
            return new MatchAllDocsQuery();
        }

        @Override
        public Query none() {
            return new MatchNoDocsQuery();
        }

        @Override
        public Query and(List<Query> parts) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            parts.forEach(p -> b.add(p, Occur.FILTER));
            return b.build();
        }

        @Override
        public Query or(List<Query> parts) {
            BooleanQuery.Builder b = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
            parts.forEach(p -> b.add(p, Occur.SHOULD));
            return new ConstantScoreQuery(b.build());
        }

        @Override
        public Query not(Query q) {
            return new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER).add(q, Occur.MUST_NOT).build();
        }

        @Override
        public Query exists(String key) {
            return new TermQuery(new Term(KEYS, key));
        }

        @Override
        public Query anyOf(String key, MetadataType type, List<Object> values) {
            String field = field(key, type);
            return switch (type) {
                case STRING, BOOLEAN -> values.size() == 1 ? new TermQuery(new Term(field, (String) values.getFirst()))
                        : new TermInSetQuery(field, values.stream().map(x -> new BytesRef((String) x)).toList());
                case INTEGER -> LongPoint.newSetQuery(field, values.stream().mapToLong(v -> (Long) v).toArray());
                case NUMBER -> DoublePoint.newSetQuery(field, values.stream().mapToDouble(v -> (Double) v).toArray());
            };
        }

        @Override
        public Query integerRange(String key, long lower, long upper) {
            return LongPoint.newRangeQuery(field(key, MetadataType.INTEGER), lower, upper);
        }

        @Override
        public Query compare(String key, MetadataType type, Filter.Op op, Object operand) {
            String field = field(key, type);
            if (type == MetadataType.NUMBER) {
                double d = (Double) operand;
                return switch (op) {
                    case GT -> DoublePoint.newRangeQuery(field, Math.nextUp(d), Double.POSITIVE_INFINITY);
                    case GTE -> DoublePoint.newRangeQuery(field, d, Double.POSITIVE_INFINITY);
                    case LT -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(d));
                    default -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, d);
                };
            }
            String v = (String) operand;
            return switch (op) {
                case GT -> TermRangeQuery.newStringRange(field, v, null, false, false);
                case GTE -> TermRangeQuery.newStringRange(field, v, null, true, false);
                case LT -> TermRangeQuery.newStringRange(field, null, v, false, false);
                default -> TermRangeQuery.newStringRange(field, null, v, false, true);
            };
        }

        @Override
        public Query contains(String key, String substring) {
            return new WildcardQuery(new Term(field(key, MetadataType.STRING), "*" + escapeWildcard(substring) + "*"));
        }
    };

    /** A literal for Lucene's wildcard syntax (also OpenSearch's {@code wildcard} query). */
    public static String escapeWildcard(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
