package dev.tessera.retrieval.index;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Some documents of a write were not stored (a distributed index refused or lost them after its
 * retries). Every document not named here was acknowledged and is durable; the named ones are
 * absent or left as they were before the write.
 */
public class IndexWriteException extends RuntimeException {

    private final Map<String, String> failed;

    /** @param failed document id to the reason it failed, in write order */
    public IndexWriteException(Map<String, String> failed) {
        super(failed.size() + " document(s) were not stored: " + summary(failed));
        this.failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    private static String summary(Map<String, String> failed) {
        return failed.entrySet().stream().limit(3).map(e -> e.getKey() + " (" + e.getValue() + ")")
                .reduce((a, b) -> a + ", " + b).orElse("") + (failed.size() > 3 ? ", …" : "");
    }

    public Map<String, String> failed() {
        return failed;
    }
}
