package dev.tessera.benchmarks.data;

import dev.tessera.retrieval.document.Document;
import java.util.List;
import java.util.Map;

/**
 * A BEIR-layout collection as read from disk.
 *
 * @param name         the folder name, for reports
 * @param documents    documents with text, in file order
 * @param skipped      ids of documents left out because their text is empty
 * @param queries      query id to text, in file order
 * @param qrels        query id to (document id to graded relevance), as in {@code qrels.tsv}
 */
public record BeirDataset(
        String name, List<Document> documents, List<String> skipped, Map<String, String> queries,
        Map<String, Map<String, Integer>> qrels) {

    /** Queries that have at least one judged-relevant document, the ones IR metrics average over. */
    public List<String> judgedQueryIds() {
        return queries.keySet().stream()
                .filter(id -> qrels.getOrDefault(id, Map.of()).values().stream().anyMatch(s -> s > 0))
                .toList();
    }
}
