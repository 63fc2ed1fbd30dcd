package dev.tessera.retrieval.context;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lower-cased word terms, and the lexical overlap of a text with a query's content terms. */
public final class QueryTerms {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    /** Function words too common to signal relevance; kept tiny on purpose. */
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "is", "are",
            "was", "were", "be", "been", "it", "its", "this", "that", "as", "what", "which", "who", "whom", "when",
            "where", "why", "how", "did", "do", "does", "s");

    private QueryTerms() {}

    public static Set<String> terms(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) out.add(m.group());
        return out;
    }

    /** The query's terms without stop words. */
    public static Set<String> contentTerms(String query) {
        Set<String> out = terms(query);
        out.removeAll(STOP_WORDS);
        return out;
    }

    /**
     * Inverse document frequency of each query term over {@code documents}, smoothed as in BM25:
     * ln(1 + (N − df + 0.5)/(df + 0.5)).
     */
    public static Map<String, Double> idf(Set<String> queryTerms, List<String> documents) {
        Map<String, Double> out = new HashMap<>();
        List<Set<String>> docTerms = documents.stream().map(QueryTerms::terms).toList();
        for (String t : queryTerms) {
            long df = docTerms.stream().filter(d -> d.contains(t)).count();
            out.put(t, Math.log(1 + (documents.size() - df + 0.5) / (df + 0.5)));
        }
        return out;
    }

    /**
     * Share of the query's term weight present in {@code text} (each term weighs 1 when
     * {@code weights} is null); 0 when the query has no content terms.
     */
    public static double overlap(Set<String> queryTerms, Map<String, Double> weights, String text) {
        if (weights == null) return overlap(queryTerms, text);
        double total = 0, hit = 0;
        Set<String> present = terms(text);
        for (String t : queryTerms) {
            double w = weights.getOrDefault(t, 0.0);
            total += w;
            if (present.contains(t)) hit += w;
        }
        return total == 0 ? 0 : hit / total;
    }

    /** Fraction of {@code queryTerms} present in {@code text}; 0 when the query has no content terms. */
    public static double overlap(Set<String> queryTerms, String text) {
        if (queryTerms.isEmpty()) return 0;
        Set<String> present = terms(text);
        long hits = queryTerms.stream().filter(present::contains).count();
        return hits / (double) queryTerms.size();
    }
}
