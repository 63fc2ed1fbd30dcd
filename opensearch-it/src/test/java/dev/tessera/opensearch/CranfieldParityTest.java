package dev.tessera.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.eval.DocumentRanking;
import dev.tessera.benchmarks.eval.IrMetrics;
import dev.tessera.opensearch.cluster.InProcessCluster;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.retrieval.search.SearchDefaults;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cranfield in both backends: BM25 must rank the same, the BM25 bound of every query must agree,
 * and the served hybrid (the same fusion code over each backend's candidate lists) must score the same. Both get the same chunks (English analysis
 * of title + chunk); OpenSearch spreads them over two shards, so equal scores also show that its
 * global term statistics (dfs_query_then_fetch) are in force. Vectors are a cheap stand-in: only
 * BM25 is measured. Reads {@code ../shared/data/cranfield/normalized}; skipped when that is absent.
 */
class CranfieldParityTest {

    private static final int CHUNK_DEPTH = 100;

    @TempDir
    Path embeddedDir;

    static Path cranfield() {
        String configured = System.getProperty("tessera.cranfield");
        return Stream.of(configured, "../../shared/data/cranfield/normalized", "../shared/data/cranfield/normalized")
                .filter(p -> p != null && Files.isRegularFile(Path.of(p, "corpus.jsonl")))
                .map(Path::of).findFirst().orElse(null);
    }

    @Test
    void bm25NdcgAt10IsTheSameOnBothBackends() throws IOException {
        Path dir = cranfield();
        Assumptions.assumeTrue(dir != null, "Cranfield (../shared/data/cranfield/normalized) is not on this machine");
        BeirDataset data = BeirReader.read(dir);
        List<String> queries = data.judgedQueryIds();
        HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
        TokenChunker chunker = new TokenChunker(embedder.tokenizer(), SearchDefaults.CHUNK_TOKENS, SearchDefaults.CHUNK_OVERLAP);

        Run embedded;
        try (DocumentIndex index = LuceneDocumentIndex.open(embeddedDir, embedder.name(), embedder.dimension(),
                VectorEngine.LUCENE)) {
            embedded = run(index, embedder, new DocumentIngestor(chunker, embedder, index), data, queries);
        }
        Run opensearch;
        try (InProcessCluster cluster = TestCluster.start("cranfield");
                DocumentIndex index = TestCluster.freshIndex(cluster, embedder.name(), embedder.dimension())) {
            opensearch = run(index, embedder, new DocumentIngestor(chunker, embedder, index), data, queries);
        }
        System.out.printf("Cranfield over %d queries, nDCG@10 embedded / OpenSearch: BM25 %.4f / %.4f, hybrid (%s)"
                        + " %.4f / %.4f%n", queries.size(), embedded.bm25, opensearch.bm25, SearchDefaults.fusion().name(),
                embedded.hybrid, opensearch.hybrid);
        assertThat(embedded.bm25).as("a sane BM25 on Cranfield").isBetween(0.30, 0.45);
        assertThat(opensearch.bm25).isCloseTo(embedded.bm25, org.assertj.core.data.Offset.offset(0.01));
        // The BM25 bound that scales fused scores: from Lucene's term statistics on one side, from counts
        // in the same _msearch on the other; equal on an index without deletions.
        for (int i = 0; i < queries.size(); i++) {
            assertThat(opensearch.bounds.get(i)).as(queries.get(i))
                    .isCloseTo(embedded.bounds.get(i), org.assertj.core.data.Offset.offset(1e-9 + 1e-6 * embedded.bounds.get(i)));
        }
        // Both backends fuse with the same code; only the approximate vector candidates may differ.
        assertThat(opensearch.hybrid).isCloseTo(embedded.hybrid, org.assertj.core.data.Offset.offset(0.01));
    }

    record Run(double bm25, double hybrid, List<Double> bounds) {}

    private static Run run(DocumentIndex index, HashedWordsEmbedder embedder, DocumentIngestor ingestor,
                           BeirDataset data, List<String> queries) {
        double bm25 = ndcg(index, ingestor, data, queries);
        HybridSearcher searcher = new HybridSearcher(index, embedder, SearchDefaults.fusion(), SearchDefaults.CANDIDATE_DEPTH);
        double hybrid = 0;
        List<Double> bounds = new java.util.ArrayList<>();
        for (String id : queries) {
            String query = data.queries().get(id);
            List<String> ranking = DocumentRanking.of(searcher.search(new SearchRequest(query, CHUNK_DEPTH,
                    SearchMode.HYBRID, Filter.ALL, null, false)).hits());
            hybrid += IrMetrics.ndcgAt(ranking, data.qrels().get(id), 10);
            bounds.add(index.lexicalBound(query));
        }
        return new Run(bm25, hybrid / queries.size(), bounds);
    }

    private static double ndcg(DocumentIndex index, DocumentIngestor ingestor, BeirDataset data, List<String> queries) {
        for (int from = 0; from < data.documents().size(); from += 200) {
            ingestor.ingestAll(data.documents().subList(from, Math.min(data.documents().size(), from + 200)));
        }
        assertThat(index.stats().documents()).isEqualTo(data.documents().size());
        double sum = 0;
        for (String id : queries) {
            List<String> ranking = DocumentRanking.of(index.searchText(data.queries().get(id), CHUNK_DEPTH, Filter.ALL));
            sum += IrMetrics.ndcgAt(ranking, data.qrels().get(id), 10);
        }
        return sum / queries.size();
    }
}
