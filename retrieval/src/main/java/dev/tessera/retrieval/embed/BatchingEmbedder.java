package dev.tessera.retrieval.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic batching: concurrent callers' texts are queued and a single worker runs them through
 * the model together, up to {@code maxBatchSize} texts and {@code maxBatchTokens} padded tokens
 * (texts × the longest) per forward pass, waiting at most {@code maxWaitMillis} for a pass to fill.
 * One forward over 32 short texts costs far less than 32 forwards of one.
 *
 * <p>Every text waiting is the batching window. Each pass is cut from it by token length, so a pass
 * pads to its own longest text and little else (an ingest call hands over a whole batch of
 * documents' chunks, whose lengths vary from a title to the chunk limit): the waiting texts, sorted
 * by length, are split into passes where that saves the most padding, and the pass holding the
 * oldest text runs next, which bounds how long any text waits. Queries go before documents: a search waits for at most the pass in flight, not
 * for a bulk ingest's backlog. {@link #paddingShare()} reports the padding this leaves.
 *
 * <p>The queue is bounded, in texts and in tokens: a call that would overflow it is refused whole
 * with {@link EmbeddingQueueFullException} (nothing queued), so overload turns into "come back in n
 * seconds" instead of memory growing without end. A call into an empty queue is always admitted, so
 * one request of any size the API allows still runs alone.
 */
public final class BatchingEmbedder extends ForwardingEmbedder {

    record Pending(long seq, String text, Role role, int tokens, CompletableFuture<float[]> result) {}

    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final Thread worker;
    private final AtomicLong forwardPasses = new AtomicLong();
    private final AtomicLong textsEmbedded = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong tokensEmbedded = new AtomicLong();
    private final AtomicLong positionsRun = new AtomicLong();
    private final int maxQueuedTexts;
    private final long maxQueuedTokens;
    private final Object admission = new Object();
    private long queuedTexts; // guarded by admission
    private long queuedTokens; // guarded by admission
    private volatile boolean running = true;

    public BatchingEmbedder(Embedder delegate, int maxBatchSize, int maxBatchTokens, long maxWaitMillis) {
        this(delegate, maxBatchSize, maxBatchTokens, maxWaitMillis, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * @param maxQueuedTexts  most texts waiting or in a forward pass, over all callers
     * @param maxQueuedTokens most tokens (of the model's tokenizer, capped at its input length) likewise
     */
    public BatchingEmbedder(Embedder delegate, int maxBatchSize, int maxBatchTokens, long maxWaitMillis,
            int maxQueuedTexts, long maxQueuedTokens) {
        super(delegate);
        this.maxBatchSize = Math.max(1, maxBatchSize);
        this.maxBatchTokens = Math.max(1, maxBatchTokens);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMillis));
        this.maxQueuedTexts = Math.max(1, maxQueuedTexts);
        this.maxQueuedTokens = Math.max(1, maxQueuedTokens);
        this.worker = Thread.ofPlatform().daemon().name("embed-batcher-" + delegate.name()).start(this::loop);
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        int[] tokens = new int[texts.size()];
        long total = 0;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Math.min(delegate.maxTokens(), delegate.tokenizer().count(texts.get(i)));
            total += tokens[i];
        }
        admit(texts.size(), total);
        List<CompletableFuture<float[]>> futures = new ArrayList<>(texts.size());
        for (int i = 0; i < tokens.length; i++) {
            CompletableFuture<float[]> f = new CompletableFuture<>();
            queue.add(new Pending(arrivals.getAndIncrement(), texts.get(i), role, tokens[i], f));
            futures.add(f);
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (CompletableFuture<float[]> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }

    /**
     * Late-chunked texts (ingest with span vectors) are admitted against the same queue limits, so an
     * overload is refused as for {@link #embed}, and cut into passes by the same rule
     * ({@link #nextPass}), but run on the caller's thread: their spans belong to their own forward
     * pass, so they cannot share one with other callers' texts.
     */
    @Override
    public List<Spanned> embedWithSpans(List<String> texts, List<List<int[]>> spans, Role role) {
        List<Pending> window = new ArrayList<>(texts.size());
        long total = 0;
        for (int i = 0; i < texts.size(); i++) {
            int tokens = Math.min(delegate.maxTokens(), delegate.tokenizer().count(texts.get(i)));
            window.add(new Pending(i, texts.get(i), role, tokens, null));
            total += tokens;
        }
        admit(texts.size(), total);
        List<Pending> admitted = List.copyOf(window);
        Spanned[] out = new Spanned[texts.size()];
        try {
            while (!window.isEmpty()) {
                List<Pending> pass = nextPass(window, maxBatchSize, maxBatchTokens);
                window.removeAll(pass);
                long started = System.nanoTime();
                List<Spanned> done = delegate.embedWithSpans(pass.stream().map(Pending::text).toList(),
                        pass.stream().map(p -> spans.get((int) p.seq())).toList(), role);
                counted(pass, started);
                for (int i = 0; i < pass.size(); i++) {
                    out[(int) pass.get(i).seq()] = done.get(i);
                }
            }
        } finally {
            release(admitted);
        }
        return java.util.Arrays.asList(out);
    }

    private void admit(int texts, long tokens) {
        synchronized (admission) {
            boolean fits = queuedTexts + texts <= maxQueuedTexts && queuedTokens + tokens <= maxQueuedTokens;
            if (!fits && queuedTexts > 0) {
                rejections.incrementAndGet();
                throw new EmbeddingQueueFullException("the embedding queue of " + name() + " is full (" + queuedTexts
                        + " texts, " + queuedTokens + " tokens queued; limits " + maxQueuedTexts + " and "
                        + maxQueuedTokens + ")", retryAfterSeconds(queuedTexts));
            }
            queuedTexts += texts;
            queuedTokens += tokens;
        }
    }

    private void release(List<Pending> done) {
        long tokens = 0;
        for (Pending p : done) {
            tokens += p.tokens();
        }
        synchronized (admission) {
            queuedTexts -= done.size();
            queuedTokens -= tokens;
        }
    }

    /** Seconds the queue ahead needs at the rate measured so far (1 before any forward pass), 1 to 60. */
    private long retryAfterSeconds(long ahead) {
        long embedded = textsEmbedded.get();
        long busy = busyNanos.get();
        if (embedded == 0 || busy == 0) {
            return 1;
        }
        double perSecond = embedded / (busy / 1e9);
        return Math.max(1, Math.min(60, (long) Math.ceil(ahead / perSecond)));
    }

    private void loop() {
        List<Pending> window = new ArrayList<>();
        while (running) {
            try {
                if (window.isEmpty()) {
                    Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    window.add(first);
                }
                queue.drainTo(window);
                // A pass not yet full waits up to maxWait for more callers, as one pass serves them all.
                long deadline = System.nanoTime() + maxWaitNanos;
                while (window.size() < maxBatchSize) {
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    window.add(next);
                    queue.drainTo(window);
                }
                List<Pending> pass = nextPass(window, maxBatchSize, maxBatchTokens);
                window.removeAll(pass);
                run(pass);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A forward pass's fixed cost in token positions: what a pass costs beyond its padded tokens
     * (launching the graph, pooling). Small against a 256-token chunk, so splitting a pass where the
     * lengths jump is cheap and saves the padding.
     */
    static final int PASS_OVERHEAD_TOKENS = 64;

    /**
     * The next forward pass out of the window: queries before documents; within the role, the texts
     * sorted by token length are split into consecutive groups of at most {@code maxTexts} texts and
     * {@code maxTokens} padded tokens (texts × longest) so that padded tokens plus a fixed cost per pass
     * are least (a dynamic programme over the sorted lengths), and the pass is the group that holds
     * the oldest text, so no text waits for ever. Taking one group leaves the others as they were.
     */
    static List<Pending> nextPass(List<Pending> window, int maxTexts, int maxTokens) {
        Role role = window.stream().anyMatch(p -> p.role() == Role.QUERY) ? Role.QUERY : Role.DOCUMENT;
        List<Pending> sorted = new ArrayList<>(window.stream().filter(p -> p.role() == role).toList());
        sorted.sort(Comparator.comparingInt(Pending::tokens).thenComparingLong(Pending::seq));
        int n = sorted.size();
        int oldest = 0;
        for (int i = 1; i < n; i++) {
            if (sorted.get(i).seq() < sorted.get(oldest).seq()) {
                oldest = i;
            }
        }
        long[] cost = new long[n + 1]; // cost[i]: least cost of passes over sorted[0..i)
        int[] start = new int[n + 1]; // where the last pass of that best split starts
        for (int i = 1; i <= n; i++) {
            long longest = sorted.get(i - 1).tokens();
            cost[i] = Long.MAX_VALUE;
            for (int j = i - 1; j >= Math.max(0, i - maxTexts); j--) {
                long padded = (i - j) * longest;
                if (padded > maxTokens && i - j > 1) {
                    break; // a longer pass ending here pads even more
                }
                long c = cost[j] + padded + PASS_OVERHEAD_TOKENS;
                if (c < cost[i]) {
                    cost[i] = c;
                    start[i] = j;
                }
            }
        }
        int hi = n;
        while (start[hi] > oldest) {
            hi = start[hi];
        }
        return List.copyOf(sorted.subList(start[hi], hi));
    }

    private void run(List<Pending> pass) {
        Role role = pass.getFirst().role();
        long started = System.nanoTime();
        try {
            List<float[]> vectors = delegate.embed(pass.stream().map(Pending::text).toList(), role);
            counted(pass, started);
            release(pass);
            for (int i = 0; i < pass.size(); i++) {
                pass.get(i).result().complete(vectors.get(i));
            }
        } catch (RuntimeException e) {
            release(pass);
            pass.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    /** Counts a finished forward pass for {@link #paddingShare} and the rate behind {@code Retry-After}. */
    private void counted(List<Pending> pass, long startedNanos) {
        forwardPasses.incrementAndGet();
        textsEmbedded.addAndGet(pass.size());
        busyNanos.addAndGet(System.nanoTime() - startedNanos);
        int longest = 0;
        long tokens = 0;
        for (Pending p : pass) {
            longest = Math.max(longest, p.tokens());
            tokens += p.tokens();
        }
        tokensEmbedded.addAndGet(tokens);
        positionsRun.addAndGet((long) longest * pass.size());
    }

    /**
     * Share of the positions run through the model that were padding (0 when nothing ran yet): each
     * pass pads its texts to its longest, so this is 1 − tokens ÷ (texts × longest), over all passes.
     */
    public double paddingShare() {
        long positions = positionsRun.get();
        return positions == 0 ? 0 : 1 - (double) tokensEmbedded.get() / positions;
    }

    /** Forward passes run so far; with concurrent callers this is smaller than {@link #textsEmbedded()}. */
    public long forwardPasses() {
        return forwardPasses.get();
    }

    public long textsEmbedded() {
        return textsEmbedded.get();
    }

    /** Texts admitted and not yet embedded (waiting, or in the forward pass now running). */
    public long queuedTexts() {
        synchronized (admission) {
            return queuedTexts;
        }
    }

    public long queuedTokens() {
        synchronized (admission) {
            return queuedTokens;
        }
    }

    /** The queue's bound in texts. */
    public int maxQueuedTexts() {
        return maxQueuedTexts;
    }

    /** The queue's bound in tokens. */
    public long maxQueuedTokens() {
        return maxQueuedTokens;
    }

    /** Calls refused because the queue was full. */
    public long rejections() {
        return rejections.get();
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        delegate.close();
    }
}
