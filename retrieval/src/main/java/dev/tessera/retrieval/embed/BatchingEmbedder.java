package dev.tessera.retrieval.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic batching: concurrent callers' texts are queued and a single worker runs them through
 * the model together, up to {@code maxBatchSize} texts or {@code maxBatchTokens} tokens per
 * forward pass, waiting at most {@code maxWaitMillis} for a batch to fill. One forward over 32
 * short texts costs far less than 32 forwards of one.
 *
 * <p>The queue is bounded, in texts and in tokens: a call that would overflow it is refused whole
 * with {@link EmbeddingQueueFullException} (nothing queued), so overload turns into "come back in n
 * seconds" instead of memory growing without end. A call into an empty queue is always admitted, so
 * one request of any size the API allows still runs alone.
 */
public final class BatchingEmbedder extends ForwardingEmbedder {

    private record Pending(String text, Role role, int tokens, CompletableFuture<float[]> result) {}

    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final AtomicLong forwardPasses = new AtomicLong();
    private final AtomicLong textsEmbedded = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
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
            queue.add(new Pending(texts.get(i), role, tokens[i], f));
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
        List<Pending> batch = new ArrayList<>();
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int tokens = first.tokens();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatchSize) {
                    Pending next = queue.peek();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                    } else if (tokens + next.tokens() > maxBatchTokens) {
                        break;
                    } else {
                        queue.poll();
                    }
                    batch.add(next);
                    tokens += next.tokens();
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Pending> batch) {
        // Queries and passages may carry different prefixes, so each role is one forward pass.
        for (Role role : Role.values()) {
            List<Pending> part = batch.stream().filter(p -> p.role() == role).toList();
            if (part.isEmpty()) {
                continue;
            }
            long started = System.nanoTime();
            try {
                List<float[]> vectors = delegate.embed(part.stream().map(Pending::text).toList(), role);
                forwardPasses.incrementAndGet();
                textsEmbedded.addAndGet(part.size());
                busyNanos.addAndGet(System.nanoTime() - started);
                release(part);
                for (int i = 0; i < part.size(); i++) {
                    part.get(i).result().complete(vectors.get(i));
                }
            } catch (RuntimeException e) {
                release(part);
                part.forEach(p -> p.result().completeExceptionally(e));
            }
        }
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
