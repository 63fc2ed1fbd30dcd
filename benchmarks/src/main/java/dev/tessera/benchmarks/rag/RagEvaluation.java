package dev.tessera.benchmarks.rag;

import dev.tessera.benchmarks.Models;
import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.data.BeirDataset;
import dev.tessera.benchmarks.data.BeirReader;
import dev.tessera.benchmarks.ingest.BatchIngest;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.crag.CragAssembler;
import dev.tessera.retrieval.context.refrag.RefragAssembler;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.retrieval.search.SearchDefaults;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code eval rag}: for every strategy and budget, answer containment (a gold answer appears in
 * the context, case- and punctuation-normalised) and mean tokens used, over answerable questions
 * whose answers are not just yes/no. The corpus goes in through the service's write path; each
 * question retrieves k hybrid candidates once, and every strategy and budget assembles from them.
 */
public final class RagEvaluation {

    private RagEvaluation() {}

    record Question(String text, List<String> answers) {}

    static final class Cell {
        int contained;
        long tokens;
        long distinctDocs;
        final List<Long> nanos = new ArrayList<>();
    }

    public static void run(Args args) {
        args.allow("dataset", "budgets", "questions", "k", "tokenizer", "plot", "strategies", "refrag-variants", "crag-variants",
                "spans");
        Path dir = Path.of(args.require("dataset"));
        int[] budgets = Arrays.stream(args.get("budgets", "64,128,256,512,1024").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
        int limit = Integer.parseInt(args.get("questions", "300"));
        int k = Integer.parseInt(args.get("k", "20"));
        ContextTokenizer tokenizer = ContextTokenizer.openAi(args.get("tokenizer", "o200k_base"));
        // Span vectors precomputed at ingest (late | alone), or none: everything embedded on request.
        String spans = args.get("spans", "late");
        ContextPrecompute precompute = spans.equals("none") ? null
                : new ContextPrecompute(tokenizer, ContextRequest.DEFAULT_CHUNK_TOKENS, ContextPrecompute.Source.parse(spans));
        BeirDataset data = BeirReader.read(dir);
        List<Question> questions = questions(dir.resolve("queries.jsonl"), limit);
        System.err.printf("%s: %,d documents, %,d questions evaluated (answerable, not yes/no, seed 13)%n",
                data.name(), data.documents().size(), questions.size());
        try (Embedder embedder = Models.load(Models.DEFAULT); TempDir tmp = new TempDir("tessera-rag-eval-")) {
            LuceneDocumentIndex index = LuceneDocumentIndex.open(tmp.path(), embedder.name(), embedder.dimension(),
                    VectorEngine.LUCENE);
            try {
                TokenChunker chunker = new TokenChunker(embedder.tokenizer(), SearchDefaults.CHUNK_TOKENS,
                        SearchDefaults.CHUNK_OVERLAP);
                BatchIngest.run(new DocumentIngestor(chunker, embedder, index, precompute), data.documents(), "ingested");
                HybridSearcher searcher = new HybridSearcher(index, embedder, SearchDefaults.fusion(),
                        SearchDefaults.CANDIDATE_DEPTH);
                // Large enough for every chunk and sentence of the collection: a long run must not re-embed.
                ContextAssemblers all = new ContextAssemblers(new EmbeddingCache(embedder, 500_000));
                Map<String, ContextAssembler> assemblers = new LinkedHashMap<>();
                for (String name : args.get("strategies", String.join(",", all.strategies())).split(",")) {
                    assemblers.put(name.trim(), all.forStrategy(name));
                }
                for (String spec : args.get("refrag-variants", "").split(";")) {
                    if (!spec.isBlank()) {
                        assemblers.put("refrag{" + spec.trim() + "}",
                                new RefragAssembler(all.embeddings(), refragSettings(spec)));
                    }
                }
                for (String spec : args.get("crag-variants", "").split(";")) {
                    if (!spec.isBlank()) {
                        assemblers.put("crag{" + spec.trim() + "}", new CragAssembler(all.embeddings(), cragSettings(spec)));
                    }
                }
                List<String> strategies = List.copyOf(assemblers.keySet());
                Map<String, Cell> cells = new LinkedHashMap<>();
                List<Long> searchNanos = new ArrayList<>();
                List<Long> spanNanos = new ArrayList<>();
                Progress progress = new Progress("questions", questions.size());
                for (Question q : questions) {
                    long s0 = System.nanoTime();
                    List<ChunkHit> hits = searcher.search(new SearchRequest(q.text(), k, SearchMode.HYBRID,
                            Filter.ALL, null, false)).hits();
                    searchNanos.add(System.nanoTime() - s0);
                    long p0 = System.nanoTime();
                    all.embeddings().offer(hits, index.spanVectors(hits.stream().map(ChunkHit::chunkId).toList()));
                    spanNanos.add(System.nanoTime() - p0);
                    for (String strategy : strategies) {
                        ContextAssembler assembler = assemblers.get(strategy);
                        for (int budget : budgets) {
                            long t0 = System.nanoTime();
                            AssembledContext ctx = assembler.assemble(new ContextRequest(q.text(), budget, 0, tokenizer),
                                    hits);
                            long took = System.nanoTime() - t0;
                            Cell cell = cells.computeIfAbsent(strategy + "@" + budget, key -> new Cell());
                            cell.nanos.add(took);
                            cell.tokens += ctx.tokensUsed();
                            cell.contained += contains(ctx.context(), q.answers()) ? 1 : 0;
                            Set<String> docs = new HashSet<>();
                            // Documents whose text is in the context (refrag's compressed segments are not).
                            ctx.segments().stream().filter(seg -> !Boolean.FALSE.equals(seg.expanded()))
                                    .map(ContextSegment::docId).forEach(docs::add);
                            cell.distinctDocs += docs.size();
                        }
                    }
                    progress.advance(1);
                }
                report(cells, strategies, budgets, questions.size(), searchNanos, k, tokenizer.name(),
                        args.get("plot", null));
                System.out.printf("%nSpan vectors: %s; read and handed to the cache p50 %.1f ms, p99 %.1f ms per question;"
                        + " cache hits %,d, misses %,d%n", spans, percentile(spanNanos, 50), percentile(spanNanos, 99),
                        all.embeddings().hits(), all.embeddings().misses());
            } finally {
                index.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code query=0.6:centroid=0.2:rank=0.2:lex=0:lead=0}; keys left out keep their defaults. */
    static CragAssembler.Settings cragSettings(String spec) {
        CragAssembler.Settings d = CragAssembler.Settings.DEFAULT;
        Map<String, String> kv = keyValues(spec, Set.of("query", "centroid", "rank", "lex", "lead"));
        return new CragAssembler.Settings(
                Double.parseDouble(kv.getOrDefault("query", "" + d.query())),
                Double.parseDouble(kv.getOrDefault("centroid", "" + d.centroid())),
                Double.parseDouble(kv.getOrDefault("rank", "" + d.rank())),
                Double.parseDouble(kv.getOrDefault("lex", "" + d.lexical())),
                Double.parseDouble(kv.getOrDefault("lead", "" + d.lead())));
    }

    /** {@code k=v:k=v} pairs of a variant spec; a key outside {@code known} is an error. */
    private static Map<String, String> keyValues(String spec, Set<String> known) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String pair : spec.split(":")) {
            String[] p = pair.split("=", 2);
            if (p.length != 2) throw new IllegalArgumentException("variant: expected key=value, got " + pair);
            if (!known.contains(p[0].trim())) {
                throw new IllegalArgumentException("variant: unknown key " + p[0].trim() + "; known: " + known);
            }
            kv.put(p[0].trim(), p[1].trim());
        }
        return kv;
    }

    /** {@code cos=0.5:lex=0.3:rank=0.2:sent=0:idf=0:widen=3}; keys left out keep their defaults. */
    static RefragAssembler.Settings refragSettings(String spec) {
        RefragAssembler.Settings d = RefragAssembler.Settings.DEFAULT;
        Map<String, String> kv = keyValues(spec, Set.of("cos", "lex", "rank", "sent", "idf", "widen"));
        return new RefragAssembler.Settings(
                Double.parseDouble(kv.getOrDefault("cos", "" + d.cosine())),
                Double.parseDouble(kv.getOrDefault("lex", "" + d.lexical())),
                Double.parseDouble(kv.getOrDefault("rank", "" + d.rank())),
                Double.parseDouble(kv.getOrDefault("sent", "" + d.sentence())),
                !kv.getOrDefault("idf", d.idf() ? "1" : "0").equals("0"),
                Integer.parseInt(kv.getOrDefault("widen", "" + d.widening())));
    }

    static List<Question> questions(Path file, int limit) {
        JsonMapper json = JsonMapper.builder().build();
        List<Question> all = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = json.readTree(line);
                JsonNode meta = node.path("metadata");
                if (meta.path("is_impossible").asBoolean(false)) {
                    continue;
                }
                List<String> answers = new ArrayList<>();
                meta.path("answers").forEach(a -> answers.add(a.asString()));
                boolean yesNo = answers.stream().allMatch(a -> normalise(a).matches("yes|no"));
                if (!answers.isEmpty() && !yesNo) {
                    all.add(new Question(node.path("text").asString(), answers));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.shuffle(all, new Random(13));
        return limit > 0 && limit < all.size() ? all.subList(0, limit) : all;
    }

    /** Lower case, punctuation to spaces, runs of spaces folded (SQuAD-style answer matching). */
    static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }

    static boolean contains(String context, List<String> answers) {
        String haystack = " " + normalise(context) + " ";
        return answers.stream().map(RagEvaluation::normalise).filter(a -> !a.isEmpty())
                .anyMatch(a -> haystack.contains(" " + a + " "));
    }

    private static void report(Map<String, Cell> cells, List<String> strategies, int[] budgets, int n,
                               List<Long> searchNanos, int k, String tokenizer, String plot) throws IOException {
        MarkdownTable table = new MarkdownTable("strategy", ">budget", ">containment", ">mean tokens used",
                ">mean source docs", ">assemble p50 ms", ">assemble p99 ms");
        for (String strategy : strategies) {
            for (int budget : budgets) {
                Cell c = cells.get(strategy + "@" + budget);
                table.row(strategy, budget, String.format(Locale.ROOT, "%.3f", (double) c.contained / n),
                        String.format(Locale.ROOT, "%.1f", (double) c.tokens / n),
                        String.format(Locale.ROOT, "%.2f", (double) c.distinctDocs / n),
                        String.format(Locale.ROOT, "%.1f", percentile(c.nanos, 50)),
                        String.format(Locale.ROOT, "%.1f", percentile(c.nanos, 99)));
            }
        }
        System.out.printf("%n### RAG context: %d questions, k = %d hybrid candidates, tokenizer %s%n%n", n, k, tokenizer);
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nHybrid retrieval of the candidates: p50 %.1f ms, p99 %.1f ms per question.%n",
                percentile(searchNanos, 50), percentile(searchNanos, 99));
        for (int budget : budgets) {
            if (!cells.containsKey("topk@" + budget)) continue;
            double topk = (double) cells.get("topk@" + budget).contained / n;
            for (String s : strategies) {
                if (!s.equals("topk")) {
                    System.out.printf(Locale.ROOT, "%s − topk at %d: %+.3f%n", s, budget,
                            (double) cells.get(s + "@" + budget).contained / n - topk);
                }
            }
        }
        if (plot != null) {
            Files.writeString(Path.of(plot), ContainmentPlot.svg(cells, strategies, budgets, n));
            System.out.println("plot written to " + plot);
        }
    }

    static double percentile(List<Long> nanos, double p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
