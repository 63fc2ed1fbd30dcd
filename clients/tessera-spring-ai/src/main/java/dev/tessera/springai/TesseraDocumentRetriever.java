package dev.tessera.springai;

import dev.tessera.client.CollectionClient;
import dev.tessera.client.Model;
import dev.tessera.client.Model.ContextRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.retrieval.search.DocumentRetriever;

/**
 * Spring AI's RAG retrieval step served by Tessera's context assembly: the query's context under a
 * token budget ({@code topk}, {@code crag} or {@code refrag}), one document per segment, each with its
 * score and {@code doc_id}/{@code chunk_id} in the metadata.
 */
public final class TesseraDocumentRetriever implements DocumentRetriever {

    private final CollectionClient collection;
    private final int budgetTokens;
    private final String strategy;
    private final int k;
    private final Map<String, Object> filter;

    public TesseraDocumentRetriever(CollectionClient collection, int budgetTokens, String strategy, int k,
                                    Map<String, Object> filter) {
        this.collection = collection;
        this.budgetTokens = budgetTokens;
        this.strategy = strategy;
        this.k = k;
        this.filter = filter;
    }

    @Override
    public List<Document> retrieve(Query query) {
        ContextRequest request = ContextRequest.of(query.text(), budgetTokens).withStrategy(strategy).withK(k);
        if (filter != null) {
            request = request.withFilter(filter);
        }
        List<Document> out = new ArrayList<>();
        for (Model.Segment s : collection.context(request).segments()) {
            if (s.text() == null || s.text().isBlank()) {
                continue;
            }
            out.add(Document.builder().id(s.chunkId() + "@" + s.start()).text(s.text())
                    .metadata(Map.of("doc_id", s.docId(), "chunk_id", s.chunkId())).score((double) s.score()).build());
        }
        return out;
    }
}
