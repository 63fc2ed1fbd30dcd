package dev.tessera.retrieval.context.refrag;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssembler;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.QueryTerms;
import dev.tessera.retrieval.context.ContextUnits;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.Sentences;
import dev.tessera.retrieval.embed.Embedder.Role;
import dev.tessera.retrieval.embed.VectorMath;
import dev.tessera.retrieval.index.ChunkHit;
import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * REFRAG-style selective expansion in text mode: compress everything into k-token chunks, sense
 * which chunks matter for the query, expand only those. This is REFRAG's selection idea without a
 * decoder that reads chunk embeddings; the compressed chunks' embeddings are returned for runtimes
 * that have one.
 *
 * <ol>
 *   <li>Each candidate is split into chunks of {@code chunkTokens} tokens of the request's
 *       tokenizer, with character offsets; every chunk is embedded ({@code Role.DOCUMENT}) through
 *       the shared {@link EmbeddingCache} (batched, keyed by content hash).
 *   <li>Chunk score = (1 − {@value #SENTENCE_WEIGHT})·c(chunk) + {@value #SENTENCE_WEIGHT}·max c(sentence
 *       overlapping the chunk) + {@value #RANK_WEIGHT}/(1 + rank), with the content score
 *       c(x) = {@value #COSINE_WEIGHT}·cos(query, x) + {@value #LEXICAL_WEIGHT}·overlap(query, x).
 *       overlap is the IDF-weighted share of the query's content terms (lower-cased words minus a
 *       tiny stop-word list) present in x, IDF = ln(1 + (N − df + 0.5)/(df + 0.5)) over the N
 *       candidates, so a rare name counts more than a common word. The sentence term lets a chunk
 *       inherit the relevance of the sentence around it: 16 tokens rarely hold all of a question's
 *       terms, the sentence that answers it usually does. rank is the candidate's 0-based retrieval
 *       rank: the retriever saw the whole passage, the chunk scorer only a piece, so its ranking is
 *       kept as a prior. Sentences are embedded through the same cache.
 *   <li>Chunks are expanded best-first (ties: candidate rank, then offset). An expanded chunk
 *       widens to the sentence(s) enclosing it when that span has at most
 *       {@value #SENTENCE_WIDENING_FACTOR}·chunkTokens tokens and the context still fits — half
 *       an answer is no answer; otherwise the bare chunk is tried; a chunk that fits neither way
 *       stays compressed and the next one is tried.
 *   <li>Rendering: candidates in rank order, joined by {@link #SEPARATOR}; inside a candidate the
 *       expanded spans in offset order (overlapping or whitespace-adjacent spans merge), with
 *       {@value #ELLIPSIS} wherever skipped (compressed) text lay between two spans. Text skipped
 *       before the first or after the last span of a candidate is not marked, to save tokens.
 *       Every acceptance is checked by counting the whole rendered context.
 *   <li>Segments: one per expanded span ({@code expanded=true}, the token span of the chunks it
 *       covers), then one per compressed chunk of every candidate ({@code expanded=false}, its
 *       token span, and its embedding when {@code returnEmbeddings}).
 * </ol>
 */
public final class RefragAssembler implements ContextAssembler {

    public static final double COSINE_WEIGHT = 0.5;
    /**
     * 0.5 since span vectors come from the chunk's own forward pass (late chunking, the default):
     * their cosines with the question spread less than those of texts embedded alone, and the query
     * terms make up for it (SQuAD, 600 questions, docs/benchmarks.md).
     */
    public static final double LEXICAL_WEIGHT = 0.5;
    public static final double RANK_WEIGHT = 0.2;
    public static final double SENTENCE_WEIGHT = 0.5;
    public static final int SENTENCE_WIDENING_FACTOR = 3;
    public static final String ELLIPSIS = " … ";
    static final int SKIP_SLACK = 4;

    /**
     * The scoring and expansion knobs; {@link #DEFAULT} is the documented rule, other values exist
     * so that {@code eval rag} can sweep them in one run.
     *
     * @param cosine weight of cos(query, chunk)
     * @param lexical weight of the query-term overlap
     * @param rank weight of the retrieval-rank prior 1/(1 + rank)
     * @param sentence share of the enclosing sentence's score blended into the chunk's (0 = chunk alone)
     * @param idf weight query terms by their inverse document frequency over the candidates
     * @param widening an expanded chunk widens to its sentence when that has at most widening·k tokens
     */
    public record Settings(double cosine, double lexical, double rank, double sentence, boolean idf, int widening) {
        public static final Settings DEFAULT =
                new Settings(COSINE_WEIGHT, LEXICAL_WEIGHT, RANK_WEIGHT, SENTENCE_WEIGHT, true, SENTENCE_WIDENING_FACTOR);
    }

    private final EmbeddingCache embeddings;
    private final Settings settings;

    public RefragAssembler(EmbeddingCache embeddings) {
        this(embeddings, Settings.DEFAULT);
    }

    public RefragAssembler(EmbeddingCache embeddings, Settings settings) {
        this.embeddings = embeddings;
        this.settings = settings;
    }

    @Override
    public String strategy() {
        return "refrag";
    }

    /** A chunk of candidate {@code rank}: characters {@code [start, end)} trimmed of outer whitespace. */
    private record Chunk(int rank, int index, TokenPiece piece, int start, int end, String text, float[] vector,
            double score) {}

    @Override
    public AssembledContext assemble(ContextRequest request, List<ChunkHit> candidates) {
        int baseline = ContextAssembler.baselineTokens(request, candidates);
        if (candidates.isEmpty()) {
            return AssembledContext.of(strategy(), "", List.of(), 0, baseline);
        }
        List<List<int[]>> sentences = candidates.stream().map(h -> Sentences.spans(h.text())).toList();
        List<Chunk> chunks = chunks(request, candidates, sentences);
        List<List<int[]>> expanded = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) expanded.add(new ArrayList<>());

        List<Chunk> bestFirst = chunks.stream()
                .sorted(Comparator.comparingDouble(Chunk::score).reversed()
                        .thenComparingInt(Chunk::rank)
                        .thenComparingInt(Chunk::start))
                .toList();
        int[] used = {0}; // tokens of the context rendered so far
        for (Chunk chunk : bestFirst) {
            if (used[0] >= request.availableTokens()) break;
            List<int[]> spans = expanded.get(chunk.rank());
            if (covered(spans, chunk.start(), chunk.end())) continue;
            String text = candidates.get(chunk.rank()).text();
            int[] widened = widen(sentences.get(chunk.rank()), chunk.start(), chunk.end());
            int widenedTokens = widened[0] != chunk.start() || widened[1] != chunk.end()
                    ? request.tokenizer().count(text.substring(widened[0], widened[1])) : Integer.MAX_VALUE;
            boolean widenable = widenedTokens <= settings.widening() * request.chunkTokens();
            if (widenable && tryExpand(request, candidates, expanded, chunk.rank(), widened, widenedTokens, used)) continue;
            tryExpand(request, candidates, expanded, chunk.rank(), new int[] {chunk.start(), chunk.end()},
                    chunk.piece().tokens(), used);
        }

        String context = render(candidates, expanded);
        return AssembledContext.of(strategy(), context, segments(request, candidates, chunks, expanded),
                request.tokenizer().count(context), baseline);
    }

    private List<Chunk> chunks(ContextRequest request, List<ChunkHit> candidates, List<List<int[]>> sentences) {
        List<int[]> where = new ArrayList<>(); // {rank, index, start, end}
        List<TokenPiece> pieces = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int rank = 0; rank < candidates.size(); rank++) {
            String text = candidates.get(rank).text();
            List<ContextUnits.Piece> split = ContextUnits.pieces(text, request.tokenizer(), request.chunkTokens());
            for (int i = 0; i < split.size(); i++) {
                ContextUnits.Piece p = split.get(i);
                where.add(new int[] {rank, i, p.start(), p.end()});
                pieces.add(p.tokens());
                texts.add(text.substring(p.start(), p.end()));
            }
        }
        List<float[]> vectors = embeddings.embed(texts, Role.DOCUMENT);
        float[] query = embeddings.embed(request.query(), Role.QUERY);
        Set<String> queryTerms = QueryTerms.contentTerms(request.query());
        Map<String, Double> weights = settings.idf()
                ? QueryTerms.idf(queryTerms, candidates.stream().map(ChunkHit::text).toList())
                : null;
        double[] own = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            own[i] = settings.cosine() * VectorMath.cosine(query, vectors.get(i))
                    + settings.lexical() * QueryTerms.overlap(queryTerms, weights, texts.get(i));
        }
        double[] sentence = settings.sentence() > 0
                ? sentenceScores(candidates, sentences, where, query, queryTerms, weights) : null;
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] w = where.get(i);
            double content = sentence == null ? own[i]
                    : (1 - settings.sentence()) * own[i] + settings.sentence() * sentence[i];
            double score = content + settings.rank() / (1.0 + w[0]);
            chunks.add(new Chunk(w[0], w[1], pieces.get(i), w[2], w[3], texts.get(i), vectors.get(i), score));
        }
        return chunks;
    }

    /**
     * For every chunk, the best content score among the sentences it overlaps: a 16-token chunk
     * rarely holds all of a question's terms, the sentence around it often does.
     */
    private double[] sentenceScores(List<ChunkHit> candidates, List<List<int[]>> sentences, List<int[]> where,
            float[] query, Set<String> queryTerms, Map<String, Double> weights) {
        List<String> texts = new ArrayList<>();
        int[] firstOf = new int[candidates.size()]; // index in texts of each candidate's first sentence
        for (int rank = 0; rank < candidates.size(); rank++) {
            firstOf[rank] = texts.size();
            String text = candidates.get(rank).text();
            for (int[] span : sentences.get(rank)) texts.add(text.substring(span[0], span[1]));
        }
        List<float[]> vectors = embeddings.embed(texts, Role.DOCUMENT);
        double[] sentenceScore = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            sentenceScore[i] = settings.cosine() * VectorMath.cosine(query, vectors.get(i))
                    + settings.lexical() * QueryTerms.overlap(queryTerms, weights, texts.get(i));
        }
        double[] out = new double[where.size()];
        for (int i = 0; i < where.size(); i++) {
            int[] w = where.get(i);
            List<int[]> spans = sentences.get(w[0]);
            double best = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < spans.size(); j++) {
                if (spans.get(j)[0] < w[3] && spans.get(j)[1] > w[2]) {
                    best = Math.max(best, sentenceScore[firstOf[w[0]] + j]);
                }
            }
            out[i] = best == Double.NEGATIVE_INFINITY ? 0 : best;
        }
        return out;
    }

    /** The span from the start of the sentence holding {@code start} to the end of the one holding {@code end - 1}. */
    static int[] widen(List<int[]> sentences, int start, int end) {
        int from = start, to = end;
        for (int[] s : sentences) {
            if (s[1] > start && s[0] <= start) from = Math.min(from, s[0]);
            if (s[0] < end && s[1] >= end) to = Math.max(to, s[1]);
        }
        return new int[] {from, to};
    }

    /**
     * Expands {@code span} if the whole rendered context still fits. A span that touches nothing
     * already expanded adds about its own tokens ({@code spanTokens}) to the context; when that is
     * more than {@value #SKIP_SLACK} tokens past what is left, the render is not even tried (the
     * separators and token boundaries around it move the count by a token or two, not more).
     */
    private boolean tryExpand(ContextRequest request, List<ChunkHit> candidates, List<List<int[]>> expanded, int rank,
            int[] span, int spanTokens, int[] used) {
        List<int[]> before = expanded.get(rank);
        String text = candidates.get(rank).text();
        if (spanTokens - SKIP_SLACK > request.availableTokens() - used[0] && apart(before, span, text)) return false;
        List<int[]> trial = new ArrayList<>(before);
        trial.add(span);
        expanded.set(rank, merge(trial, text));
        int tokens = request.tokenizer().count(render(candidates, expanded));
        if (tokens <= request.availableTokens()) {
            used[0] = tokens;
            return true;
        }
        expanded.set(rank, before);
        return false;
    }

    /** Whether {@code span} neither overlaps nor merges with any of {@code spans}. */
    private static boolean apart(List<int[]> spans, int[] span, String text) {
        for (int[] s : spans) {
            int gapFrom = Math.min(s[1], span[1]), gapTo = Math.max(s[0], span[0]);
            if (gapFrom >= gapTo || text.substring(gapFrom, gapTo).isBlank()) return false;
        }
        return true;
    }

    private static boolean covered(List<int[]> spans, int start, int end) {
        for (int[] s : spans) {
            if (s[0] <= start && end <= s[1]) return true;
        }
        return false;
    }

    /** Sorts spans and merges those that overlap or are separated by whitespace only. */
    static List<int[]> merge(List<int[]> spans, String text) {
        List<int[]> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingInt((int[] s) -> s[0]).thenComparingInt(s -> s[1]));
        List<int[]> out = new ArrayList<>();
        for (int[] s : sorted) {
            if (!out.isEmpty()) {
                int[] last = out.getLast();
                if (s[0] <= last[1] || text.substring(last[1], s[0]).isBlank()) {
                    out.set(out.size() - 1, new int[] {last[0], Math.max(last[1], s[1])});
                    continue;
                }
            }
            out.add(s.clone());
        }
        return out;
    }

    static String render(List<ChunkHit> candidates, List<List<int[]>> expanded) {
        List<String> parts = new ArrayList<>();
        for (int rank = 0; rank < candidates.size(); rank++) {
            List<int[]> spans = expanded.get(rank);
            if (spans.isEmpty()) continue;
            String text = candidates.get(rank).text();
            StringBuilder sb = new StringBuilder();
            for (int[] s : spans) {
                if (!sb.isEmpty()) sb.append(ELLIPSIS);
                sb.append(text, s[0], s[1]);
            }
            parts.add(sb.toString());
        }
        return String.join(SEPARATOR, parts);
    }

    private static List<ContextSegment> segments(ContextRequest request, List<ChunkHit> candidates, List<Chunk> chunks,
            List<List<int[]>> expanded) {
        List<ContextSegment> out = new ArrayList<>();
        for (int rank = 0; rank < candidates.size(); rank++) {
            ChunkHit hit = candidates.get(rank);
            for (int[] s : expanded.get(rank)) {
                int tokenStart = Integer.MAX_VALUE, tokenEnd = 0;
                double score = 0;
                for (Chunk c : chunks) {
                    if (c.rank() == rank && c.start() < s[1] && c.end() > s[0]) {
                        tokenStart = Math.min(tokenStart, c.piece().tokenStart());
                        tokenEnd = Math.max(tokenEnd, c.piece().tokenEnd());
                        score = Math.max(score, c.score());
                    }
                }
                String text = hit.text().substring(s[0], s[1]);
                out.add(new ContextSegment(hit.docId(), hit.chunkId(), text, hit.start() + s[0], hit.start() + s[1],
                        request.tokenizer().count(text), score, null, true, tokenStart, tokenEnd, null));
            }
        }
        for (Chunk c : chunks) {
            if (overlapsAny(expanded.get(c.rank()), c.start(), c.end())) continue;
            ChunkHit hit = candidates.get(c.rank());
            int[] words = wholeWords(hit.text(), c.start(), c.end(), expanded.get(c.rank()));
            out.add(new ContextSegment(hit.docId(), hit.chunkId(), hit.text().substring(words[0], words[1]),
                    hit.start() + words[0], hit.start() + words[1], c.piece().tokens(), c.score(), null, false,
                    c.piece().tokenStart(), c.piece().tokenEnd(), request.returnEmbeddings() ? c.vector().clone() : null));
        }
        return out;
    }

    /**
     * A compressed chunk's span widened to whole words for the reader ({@code "eller slipstream"} reads
     * {@code "propeller slipstream"}); its tokens and embedding stay the chunk's own. The widening stops
     * at expanded spans, so reported segments never overlap them.
     */
    static int[] wholeWords(String text, int start, int end, List<int[]> expandedSpans) {
        int lo = 0, hi = text.length();
        for (int[] e : expandedSpans) {
            if (e[1] <= start) lo = Math.max(lo, e[1]);
            if (e[0] >= end) hi = Math.min(hi, e[0]);
        }
        int s = start, t = end;
        while (s > lo && !Character.isWhitespace(text.charAt(s - 1)) && !Character.isWhitespace(text.charAt(s))) s--;
        while (t < hi && !Character.isWhitespace(text.charAt(t)) && !Character.isWhitespace(text.charAt(t - 1))) t++;
        return new int[] {s, t};
    }

    private static boolean overlapsAny(List<int[]> spans, int start, int end) {
        for (int[] s : spans) {
            if (s[0] < end && s[1] > start) return true;
        }
        return false;
    }
}
