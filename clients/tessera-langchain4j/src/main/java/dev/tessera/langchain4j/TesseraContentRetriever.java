package dev.tessera.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.tessera.client.CollectionClient;
import dev.tessera.client.Model;
import dev.tessera.client.Model.ContextRequest;
import dev.tessera.client.Model.Search;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Retrieval from a Tessera collection that embeds its own text, for LangChain4j's RAG: either the
 * {@code k} best chunks of a hybrid search (BM25 and vectors fused; each content carries its
 * fused score), or, with a token budget, the context Tessera assembles under that budget
 * ({@code topk}, {@code crag} or {@code refrag}), one content per segment.
 */
public final class TesseraContentRetriever implements ContentRetriever {

    private final CollectionClient collection;
    private final int k;
    private final Integer budgetTokens;
    private final String strategy;
    private final Map<String, Object> filter;

    private TesseraContentRetriever(CollectionClient collection, int k, Integer budgetTokens, String strategy,
                                    Map<String, Object> filter) {
        this.collection = collection;
        this.k = k;
        this.budgetTokens = budgetTokens;
        this.strategy = strategy;
        this.filter = filter;
    }

    /** The {@code k} best chunks of a hybrid search, optionally filtered (Tessera's filter language). */
    public static TesseraContentRetriever hybrid(CollectionClient collection, int k, Map<String, Object> filter) {
        return new TesseraContentRetriever(collection, k, null, null, filter);
    }

    /** The context Tessera assembles under {@code budgetTokens} with {@code strategy}, from {@code k} candidates. */
    public static TesseraContentRetriever context(CollectionClient collection, int budgetTokens, String strategy, int k,
                                                  Map<String, Object> filter) {
        return new TesseraContentRetriever(collection, k, budgetTokens, strategy, filter);
    }

    @Override
    public List<Content> retrieve(Query query) {
        List<Content> out = new ArrayList<>();
        if (budgetTokens == null) {
            Search search = Search.query(query.text()).withK(k).withMode("hybrid").withHighlight(false);
            if (filter != null) {
                search = search.withFilter(filter);
            }
            for (Model.Hit hit : collection.search(search).hits()) {
                out.add(Content.from(TextSegment.from(hit.text(), TesseraEmbeddingStore.fromTessera(hit.metadata())),
                        Map.of(ContentMetadata.SCORE, (double) hit.score(), ContentMetadata.EMBEDDING_ID, hit.chunkId())));
            }
            return out;
        }
        ContextRequest request = ContextRequest.of(query.text(), budgetTokens).withStrategy(strategy).withK(k);
        if (filter != null) {
            request = request.withFilter(filter);
        }
        for (Model.Segment s : collection.context(request).segments()) {
            if (s.text() == null || s.text().isBlank()) {
                continue;
            }
            out.add(Content.from(TextSegment.from(s.text()),
                    Map.of(ContentMetadata.SCORE, (double) s.score(), ContentMetadata.EMBEDDING_ID, s.chunkId())));
        }
        return out;
    }
}
