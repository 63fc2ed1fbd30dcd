package dev.tessera.retrieval.context.crag;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.ContextUnits;
import dev.tessera.retrieval.context.QueryTerms;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.embed.VectorMath;
import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LLM-free CRAG: cluster the candidates and keep an extractive summary of each cluster.
 *
 * <ol>
 *   <li>Embed candidates ({@code Role.DOCUMENT}) and the query ({@code Role.QUERY}).
 *   <li>Near-duplicates: walking in rank order, drop a candidate whose cosine with an already kept
 *       one is ≥ {@value #DUPLICATE_COSINE} (the higher-ranked copy stays).
 *   <li>Number of clusters: {@code k = clamp(round(available / }{@value #TOKENS_PER_CLUSTER}{@code ), 1,
 *       min(}{@value #MAX_CLUSTERS}{@code , n))}, n = candidates left after de-duplication,
 *       available = budget − reserve; so each cluster can afford a couple of sentences.
 *   <li>{@link KMeans} with k-means++ seeding and the fixed seed {@value #SEED}.
 *   <li>Cluster relevance = the highest cosine(query, member) in the cluster; clusters are rendered
 *       in descending relevance (ties: the cluster holding the better-ranked candidate first).
 *   <li>Units of extraction are sentences (JDK {@code BreakIterator}); one longer than
 *       {@value #MAX_SENTENCE_TOKENS} tokens is cut into pieces of that many tokens, so text
 *       without recognisable sentence ends still yields something that fits small budgets.
 *   <li>Sentence score = {@value #QUERY_WEIGHT}·cos(query, sentence) + {@value #CENTROID_WEIGHT}·cos(centroid,
 *       sentence) + {@value #LEXICAL_WEIGHT}·overlap(query, sentence) + {@value #RANK_WEIGHT}/(1 + rank):
 *       mostly about the question, a little about what the cluster is about, with the IDF-weighted
 *       share of the query's content terms in the sentence ({@link QueryTerms}, IDF over the
 *       candidates) and the candidate's 0-based retrieval rank as a prior (the retriever judged the
 *       whole passage). A 150-question SQuAD sweep (docs/benchmarks.md) moved the centroid weight
 *       from 0.2 to 0.1 and added the lexical term: the centroid pulls towards the cluster's typical
 *       sentence, which is rarely the one that answers.
 *   <li>Lead (when k ≥ 2): the {@value #LEAD_CANDIDATES} best-ranked candidates left after
 *       de-duplication put in their sentences first, best-scored first and taking turns, up to
 *       {@value #LEAD_SHARE} of the available budget: a question whose answer needs two passages
 *       needs both, however similar, and clusters alone would spread the budget past them.
 *   <li>Cluster share = (available − lead) · w_c / Σw, with w_c = max(relevance_c, 0) + 0.001. Pass one takes each
 *       cluster's sentences best-first while the cluster's own text stays within its share and the
 *       whole context fits; pass two spends what is left on the remaining sentences, clusters in
 *       relevance order, best-first.
 *   <li>A sentence that several candidates hold is one unit: its best-scored copy.
 *   <li>Rendering: per cluster its sentences in source order (candidate rank, then offset) joined by
 *       a space; clusters joined by {@link #SEPARATOR}. Every acceptance is checked by counting the
 *       whole rendered context, so the budget holds for the final string.
 * </ol>
 */
public final class CragAssembler implements ContextAssembler {

    public static final double DUPLICATE_COSINE = 0.95;
    public static final int TOKENS_PER_CLUSTER = 96;
    public static final int MAX_CLUSTERS = 8;
    public static final long SEED = 42L;
    /** 0.8 (0.6 before late span vectors): see {@link #LEXICAL_WEIGHT}. */
    public static final double QUERY_WEIGHT = 0.8;
    public static final double CENTROID_WEIGHT = 0.1;
    public static final double RANK_WEIGHT = 0.2;
    /**
     * 0.6 (with query 0.8) since span vectors come from the chunk's own forward pass (late chunking,
     * the default): their cosines with the question spread less than those of texts embedded alone,
     * so both the cosine and the query terms weigh more against the rank and centroid terms
     * (SQuAD, 600-question sweeps, docs/benchmarks.md).
     */
    public static final double LEXICAL_WEIGHT = 0.6;
    public static final int MAX_SENTENCE_TOKENS = 64;
    public static final int LEAD_CANDIDATES = 2;
    public static final double LEAD_SHARE = 0.35;

    /**
     * Sentence-scoring weights; {@link #DEFAULT} is the documented rule, other values exist so that
     * {@code eval rag} can sweep them in one run.
     *
     * @param query weight of cos(query, sentence)
     * @param centroid weight of cos(cluster centroid, sentence)
     * @param rank weight of the retrieval-rank prior 1/(1 + rank)
     * @param lexical weight of the query-term overlap of the sentence (IDF-weighted over the candidates)
     * @param lead share of the budget the best-ranked candidates' sentences may take first (0: none)
     */
    public record Settings(double query, double centroid, double rank, double lexical, double lead) {
        public static final Settings DEFAULT =
                new Settings(QUERY_WEIGHT, CENTROID_WEIGHT, RANK_WEIGHT, LEXICAL_WEIGHT, LEAD_SHARE);
    }

    private final EmbeddingCache embeddings;
    private final Settings settings;

    public CragAssembler(EmbeddingCache embeddings) {
        this(embeddings, Settings.DEFAULT);
    }

    public CragAssembler(EmbeddingCache embeddings, Settings settings) {
        this.embeddings = embeddings;
        this.settings = settings;
    }

    @Override
    public String strategy() {
        return "crag";
    }

    /** The documented cluster-count rule. */
    public static int clusterCount(int availableTokens, int candidates) {
        int k = (int) Math.round(availableTokens / (double) TOKENS_PER_CLUSTER);
        return Math.max(1, Math.min(k, Math.min(MAX_CLUSTERS, candidates)));
    }

    /** Indices (rank order) of the candidates left after near-duplicate removal. */
    public static List<Integer> dedupe(List<float[]> vectors) {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            boolean duplicate = false;
            for (int j : kept) {
                if (VectorMath.cosine(vectors.get(i), vectors.get(j)) >= DUPLICATE_COSINE) {
                    duplicate = true;
                    break;
                }
            }
            if (!duplicate) kept.add(i);
        }
        return kept;
    }

    record Sentence(int rank, int cluster, int start, int end, String text, int tokens, double score) {}

    private record Cluster(int id, double relevance, int bestRank, float[] centroid) {}

    @Override
    public AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates) {
        int baseline = ContextAssembler.baselineTokens(request, candidates);
        if (candidates.isEmpty()) {
            return AssembledContext.of(strategy(), "", List.of(), 0, baseline);
        }
        float[] query = embeddings.embed(request.query(), Role.QUERY);
        List<float[]> vectors = embeddings.embed(candidates.stream().map(ChunkHit::text).toList(), Role.DOCUMENT);
        List<Integer> kept = dedupe(vectors);
        int k = clusterCount(request.availableTokens(), kept.size());
        KMeans.Result clustering = KMeans.cluster(kept.stream().map(vectors::get).toList(), k, SEED);

        double[] relevance = new double[k];
        int[] bestRank = new int[k];
        java.util.Arrays.fill(relevance, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(bestRank, Integer.MAX_VALUE);
        int[] clusterOfRank = new int[candidates.size()];
        java.util.Arrays.fill(clusterOfRank, -1);
        for (int m = 0; m < kept.size(); m++) {
            int rank = kept.get(m);
            int c = clustering.assignment()[m];
            clusterOfRank[rank] = c;
            relevance[c] = Math.max(relevance[c], VectorMath.cosine(query, vectors.get(rank)));
            bestRank[c] = Math.min(bestRank[c], rank);
        }
        List<Cluster> clusters = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (bestRank[c] != Integer.MAX_VALUE) {
                clusters.add(new Cluster(c, relevance[c], bestRank[c], clustering.centroids()[c]));
            }
        }
        clusters.sort(Comparator.comparingDouble(Cluster::relevance).reversed().thenComparingInt(Cluster::bestRank));

        List<Sentence> sentences = sentences(request, candidates, kept, clusterOfRank, clustering, query);

        double weightSum = clusters.stream().mapToDouble(CragAssembler::weight).sum();
        List<Sentence> chosen = new ArrayList<>();
        Set<Sentence> taken = new HashSet<>();
        // With one cluster nothing is spread: the best sentences win anyway, and a lead would only
        // displace them (SQuAD, 600 questions at 128 tokens: 0.910 with a lead, 0.927 without).
        int lead = k < 2 ? 0 : lead(request, sentences, kept, clusters, chosen, taken, settings.lead());
        double spread = Math.max(0, request.availableTokens() - lead);
        for (Cluster cluster : clusters) {
            double share = spread * weight(cluster) / weightSum;
            List<Sentence> mine = new ArrayList<>();
            for (Sentence s : byScore(sentences, cluster.id())) {
                if (taken.contains(s)) continue;
                List<Sentence> ownTrial = new ArrayList<>(mine);
                ownTrial.add(s);
                if (request.tokenizer().count(renderCluster(ownTrial)) > share) continue;
                List<Sentence> trial = new ArrayList<>(chosen);
                trial.add(s);
                if (request.fits(render(trial, clusters))) {
                    chosen.add(s);
                    mine.add(s);
                    taken.add(s);
                }
            }
        }
        for (Cluster cluster : clusters) {
            for (Sentence s : byScore(sentences, cluster.id())) {
                if (taken.contains(s)) continue;
                List<Sentence> trial = new ArrayList<>(chosen);
                trial.add(s);
                if (request.fits(render(trial, clusters))) {
                    chosen.add(s);
                    taken.add(s);
                }
            }
        }

        String context = render(chosen, clusters);
        List<ContextSegment> segments = new ArrayList<>();
        for (Cluster cluster : clusters) {
            for (Sentence s : inSourceOrder(chosen, cluster.id())) {
                ChunkHit hit = candidates.get(s.rank());
                segments.add(new ContextSegment(hit.docId(), hit.chunkId(), s.text(), hit.start() + s.start(),
                        hit.start() + s.end(), s.tokens(), s.score(), cluster.id(), null, null, null, null));
            }
        }
        return AssembledContext.of(strategy(), context, segments, request.tokenizer().count(context), baseline);
    }

    private List<Sentence> sentences(ContextRequest request, List<ChunkHit> candidates, List<Integer> kept,
            int[] clusterOfRank, KMeans.Result clustering, float[] query) {
        List<int[]> where = new ArrayList<>(); // {rank, start, end}
        List<String> texts = new ArrayList<>();
        for (int rank : kept) {
            String text = candidates.get(rank).text();
            for (int[] unit : ContextUnits.sentenceUnits(text, request.tokenizer(), MAX_SENTENCE_TOKENS)) {
                where.add(new int[] {rank, unit[0], unit[1]});
                texts.add(text.substring(unit[0], unit[1]));
            }
        }
        List<float[]> vectors = embeddings.embed(texts, Role.DOCUMENT);
        Set<String> queryTerms = QueryTerms.contentTerms(request.query());
        Map<String, Double> idf = settings.lexical() == 0 ? Map.of()
                : QueryTerms.idf(queryTerms, candidates.stream().map(ChunkHit::text).toList());
        List<Sentence> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] w = where.get(i);
            int cluster = clusterOfRank[w[0]];
            double score = settings.query() * VectorMath.cosine(query, vectors.get(i))
                    + settings.centroid() * VectorMath.cosine(clustering.centroids()[cluster], vectors.get(i))
                    + settings.rank() / (1.0 + w[0])
                    + (settings.lexical() == 0 ? 0 : settings.lexical() * QueryTerms.overlap(queryTerms, idf, texts.get(i)));
            out.add(new Sentence(w[0], cluster, w[1], w[2], texts.get(i), request.tokenizer().count(texts.get(i)), score));
        }
        return withoutRepeats(out);
    }

    /**
     * One copy of each sentence: two candidates (two documents quoting the same line, or a boilerplate
     * sentence) may hold the same one, which near-duplicate removal of whole candidates does not catch.
     * The best-scored copy stays; copies compare by their words, ignoring case and spacing.
     */
    static List<Sentence> withoutRepeats(List<Sentence> sentences) {
        Map<String, Sentence> best = new java.util.LinkedHashMap<>();
        for (Sentence s : sentences) {
            String key = s.text().strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
            Sentence held = best.get(key);
            if (held == null || s.score() > held.score()) {
                best.put(key, s);
            }
        }
        return List.copyOf(best.values());
    }

    /**
     * The lead: before the budget is spread over clusters, the {@value #LEAD_CANDIDATES} best-ranked
     * candidates' sentences go in, best-scored first and taking turns, up to a share of the budget
     * ({@value #LEAD_SHARE} by default): the retriever's own best passages are where an answer most often is, and a question
     * whose answer needs two passages needs both, however similar they are. Only when the budget
     * affords two clusters or more. Returns the tokens used.
     */
    private static int lead(ContextRequest request, List<Sentence> sentences, List<Integer> kept, List<Cluster> clusters,
            List<Sentence> chosen, Set<Sentence> taken, double share) {
        double limit = request.availableTokens() * share;
        List<java.util.Iterator<Sentence>> turns = new ArrayList<>();
        for (int rank : kept.subList(0, Math.min(LEAD_CANDIDATES, kept.size()))) {
            turns.add(sentences.stream().filter(s -> s.rank() == rank)
                    .sorted(Comparator.comparingDouble(Sentence::score).reversed().thenComparingInt(Sentence::start))
                    .iterator());
        }
        int used = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (java.util.Iterator<Sentence> turn : turns) {
                while (turn.hasNext()) {
                    Sentence s = turn.next();
                    if (used + s.tokens() > limit) continue; // a shorter one may still fit
                    List<Sentence> trial = new ArrayList<>(chosen);
                    trial.add(s);
                    if (!request.fits(render(trial, clusters))) continue;
                    chosen.add(s);
                    taken.add(s);
                    used += s.tokens();
                    progress = true;
                    break;
                }
            }
        }
        return used;
    }

    private static double weight(Cluster cluster) {
        return Math.max(cluster.relevance(), 0) + 0.001;
    }

    private static List<Sentence> byScore(List<Sentence> sentences, int cluster) {
        return sentences.stream()
                .filter(s -> s.cluster() == cluster)
                .sorted(Comparator.comparingDouble(Sentence::score).reversed()
                        .thenComparingInt(Sentence::rank)
                        .thenComparingInt(Sentence::start))
                .toList();
    }

    private static List<Sentence> inSourceOrder(List<Sentence> chosen, int cluster) {
        return chosen.stream()
                .filter(s -> s.cluster() == cluster)
                .sorted(Comparator.comparingInt(Sentence::rank).thenComparingInt(Sentence::start))
                .toList();
    }

    private static String renderCluster(List<Sentence> sentences) {
        return String.join(" ", sentences.stream()
                .sorted(Comparator.comparingInt(Sentence::rank).thenComparingInt(Sentence::start))
                .map(Sentence::text)
                .toList());
    }

    private static String render(List<Sentence> chosen, List<Cluster> clusters) {
        List<String> parts = new ArrayList<>();
        for (Cluster cluster : clusters) {
            List<Sentence> mine = inSourceOrder(chosen, cluster.id());
            if (!mine.isEmpty()) parts.add(renderCluster(mine));
        }
        return String.join(SEPARATOR, parts);
    }
}
