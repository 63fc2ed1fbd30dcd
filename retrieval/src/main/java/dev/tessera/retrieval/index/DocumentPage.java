package dev.tessera.retrieval.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of a listing; {@code nextCursor} is null on the last page. */
public record DocumentPage(List<StoredDocument> documents, String nextCursor) {

    /**
     * A page from the ids a backend found in listing order, one more than {@code limit} when there
     * is a next page; the cursor is the page's last id. A document deleted since the ids were read
     * is left out.
     */
    public static DocumentPage of(List<String> ids, int limit, Function<String, Optional<StoredDocument>> read) {
        List<StoredDocument> docs = new ArrayList<>(Math.min(limit, ids.size()));
        for (String id : ids.subList(0, Math.min(limit, ids.size()))) {
            read.apply(id).ifPresent(docs::add);
        }
        return new DocumentPage(docs, ids.size() > limit ? ids.get(limit - 1) : null);
    }
}
