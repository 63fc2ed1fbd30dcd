package dev.tessera.retrieval.index;

import java.util.List;

/** One page of a listing; {@code nextCursor} is null on the last page. */
public record DocumentPage(List<StoredDocument> documents, String nextCursor) {}
