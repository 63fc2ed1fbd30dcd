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
import dev.tessera.retrieval.search.SearchDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cranfield in both backends: BM25 must rank the same. Both get the same chunks (English analysis
 * of title + chunk); OpenSearch spreads them over two shards, so equal scores also show that its
 * global term statistics (dfs_query_then_fetch) are in force. Vectors are a cheap stand-in: only
 * BM25 is measured. Reads {@code ../shared/data/cranfield/normalized}; skipped when that is absent.
 */
class CranfieldBm25ParityTest {

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

        double embedded;
        try (DocumentIndex index = LuceneDocumentIndex.open(embeddedDir, embedder.name(), embedder.dimension(),
                VectorEngine.LUCENE)) {
            embedded = ndcg(index, new DocumentIngestor(chunker, embedder, index), data, queries);
        }
        double opensearch;
        try (InProcessCluster cluster = TestCluster.start("cranfield");
                DocumentIndex index = TestCluster.freshIndex(cluster, embedder.name(), embedder.dimension())) {
            opensearch = ndcg(index, new DocumentIngestor(chunker, embedder, index), data, queries);
        }
        System.out.printf("Cranfield BM25 nDCG@10 over %d queries: embedded %.4f, OpenSearch %.4f%n", queries.size(),
                embedded, opensearch);
        assertThat(embedded).as("a sane BM25 on Cranfield").isBetween(0.30, 0.45);
        assertThat(opensearch).isCloseTo(embedded, org.assertj.core.data.Offset.offset(0.01));
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
