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
    private volatile boolean running = true;

    public BatchingEmbedder(Embedder delegate, int maxBatchSize, int maxBatchTokens, long maxWaitMillis) {
        super(delegate);
        this.maxBatchSize = Math.max(1, maxBatchSize);
        this.maxBatchTokens = Math.max(1, maxBatchTokens);
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMillis));
        this.worker = Thread.ofPlatform().daemon().name("embed-batcher-" + delegate.name()).start(this::loop);
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>(texts.size());
        for (String text : texts) {
            CompletableFuture<float[]> f = new CompletableFuture<>();
            int tokens = Math.min(delegate.maxTokens(), delegate.tokenizer().count(text));
            queue.add(new Pending(text, role, tokens, f));
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
            try {
                List<float[]> vectors = delegate.embed(part.stream().map(Pending::text).toList(), role);
                forwardPasses.incrementAndGet();
                textsEmbedded.addAndGet(part.size());
                for (int i = 0; i < part.size(); i++) {
                    part.get(i).result().complete(vectors.get(i));
                }
            } catch (RuntimeException e) {
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

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        delegate.close();
    }
}
