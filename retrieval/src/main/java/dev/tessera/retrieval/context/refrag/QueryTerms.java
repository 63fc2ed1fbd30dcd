package dev.tessera.retrieval.context.refrag;

import java.util.LinkedHashSet;
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

    /** Fraction of {@code queryTerms} present in {@code text}; 0 when the query has no content terms. */
    public static double overlap(Set<String> queryTerms, String text) {
        if (queryTerms.isEmpty()) return 0;
        Set<String> present = terms(text);
        long hits = queryTerms.stream().filter(present::contains).count();
        return hits / (double) queryTerms.size();
    }
}
