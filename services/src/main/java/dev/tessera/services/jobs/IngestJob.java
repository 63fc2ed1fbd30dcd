package dev.tessera.services.jobs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Mutable progress of one bulk job; {@link #status()} gives consistent snapshots. Every change is
 * handed to a persister <em>before</em> it becomes visible, so a count a client has seen is never
 * ahead of what is on disk.
 */
final class IngestJob {

    static final String QUEUED = "queued";
    static final String RUNNING = "running";
    static final String DONE = "done";
    /** Read to the end, but some lines failed: a client that checks only for {@code done} does not miss them. */
    static final String DONE_WITH_ERRORS = "done_with_errors";
    static final String FAILED = "failed";
    static final String INTERRUPTED = "interrupted";

    private final String id;
    private final String collection;
    private final long total;
    private final String createdAt;
    private final int keepErrors;
    private String state;
    private long done;
    private long failed;
    private long linesAccounted;
    private String startedAt;
    private String finishedAt;
    private String message;
    private final List<JobStatus.JobError> errors;
    private long runStartNanos;
    private long runEndNanos;
    private long processedAtRunStart;

    private IngestJob(JobStore.Saved s, int keepErrors) {
        this.id = s.id();
        this.collection = s.collection();
        this.total = s.total();
        this.createdAt = s.createdAt();
        this.keepErrors = keepErrors;
        this.state = s.state();
        this.done = s.done();
        this.failed = s.failed();
        this.linesAccounted = s.linesAccounted();
        this.startedAt = s.startedAt();
        this.finishedAt = s.finishedAt();
        this.message = s.message();
        this.errors = new ArrayList<>(s.errors() == null ? List.of() : s.errors());
    }

    static IngestJob queued(String id, String collection, long total, int keepErrors) {
        return new IngestJob(new JobStore.Saved(JobStore.FORMAT, id, QUEUED, total, 0, 0, 0,
                Instant.now().toString(), null, null, null, List.of(), collection), keepErrors);
    }

    static IngestJob restored(JobStore.Saved saved, int keepErrors) {
        return new IngestJob(saved, keepErrors);
    }

    String id() {
        return id;
    }

    synchronized String state() {
        return state;
    }

    synchronized boolean running() {
        return state.equals(QUEUED) || state.equals(RUNNING);
    }

    synchronized long linesAccounted() {
        return linesAccounted;
    }

    synchronized JobStore.Saved saved() {
        return new JobStore.Saved(JobStore.FORMAT, id, state, total, done, failed, linesAccounted, createdAt,
                startedAt, finishedAt, message, List.copyOf(errors), collection);
    }

    String collection() {
        return collection;
    }

    synchronized void start(Consumer<JobStore.Saved> persist) {
        String firstStart = startedAt;
        if (startedAt == null) {
            startedAt = Instant.now().toString();
        }
        try {
            transition(RUNNING, null, persist);
        } catch (RuntimeException e) {
            startedAt = firstStart;
            throw e;
        }
        runStartNanos = System.nanoTime();
        runEndNanos = 0;
        processedAtRunStart = done + failed;
    }

    /** Queues an interrupted job again; false when it is in any other state. */
    synchronized boolean requeueIfInterrupted(Consumer<JobStore.Saved> persist) {
        if (!state.equals(INTERRUPTED)) {
            return false;
        }
        finishedAt = null;
        transition(QUEUED, null, persist);
        return true;
    }

    /**
     * Records a committed batch: {@code doneDelta} documents are durable, {@code newErrors} lines failed,
     * and every spool line up to {@code lines} is accounted for.
     */
    synchronized void checkpoint(long doneDelta, List<JobStatus.JobError> newErrors, long lines,
            Consumer<JobStore.Saved> persist) {
        List<JobStatus.JobError> kept = new ArrayList<>(errors);
        for (JobStatus.JobError e : newErrors) {
            if (kept.size() < keepErrors) {
                kept.add(e);
            }
        }
        persist.accept(new JobStore.Saved(JobStore.FORMAT, id, state, total, done + doneDelta,
                failed + newErrors.size(), lines, createdAt, startedAt, finishedAt, message, List.copyOf(kept),
                collection));
        done += doneDelta;
        failed += newErrors.size();
        linesAccounted = lines;
        errors.clear();
        errors.addAll(kept);
    }

    /** Ends a job that reached the end of its upload: {@code done}, or {@code done_with_errors} when a line failed. */
    synchronized void complete(Consumer<JobStore.Saved> persist) {
        if (failed == 0) {
            finish(DONE, null, persist);
        } else {
            finish(DONE_WITH_ERRORS, failed + " of " + total + " documents failed and were not stored; "
                    + (failed > errors.size() ? "the first " + errors.size() + " are" : "each is")
                    + " listed in errors with its line and reason", persist);
        }
    }

    /** Ends the job as {@code done}, {@code done_with_errors}, {@code failed} or {@code interrupted}. */
    synchronized void finish(String finalState, String why, Consumer<JobStore.Saved> persist) {
        if (finalState.equals(FAILED) && why != null) {
            errors.add(new JobStatus.JobError(0, null, why));
        }
        finishedAt = Instant.now().toString();
        runEndNanos = System.nanoTime();
        transition(finalState, why, persist);
    }

    private void transition(String next, String why, Consumer<JobStore.Saved> persist) {
        String previousState = state;
        String previousMessage = message;
        state = next;
        message = why;
        try {
            persist.accept(saved());
        } catch (RuntimeException e) {
            state = previousState;
            message = previousMessage;
            throw e;
        }
    }

    synchronized JobStatus status() {
        boolean active = state.equals(RUNNING);
        // The rate of this process's last run of the job; a job restored from disk has none.
        double seconds = runStartNanos == 0 ? 0
                : ((runEndNanos != 0 ? runEndNanos : System.nanoTime()) - runStartNanos) / 1e9;
        long processed = done + failed;
        double rate = seconds > 0 ? (processed - processedAtRunStart) / seconds : 0;
        Double eta = state.equals(DONE) || state.equals(DONE_WITH_ERRORS) || state.equals(FAILED) ? Double.valueOf(0)
                : active && rate > 0 ? (total - processed) / rate : null;
        return new JobStatus(id, collection, state, total, done, failed, Math.round(rate * 100) / 100.0,
                eta == null ? null : Math.round(eta * 10) / 10.0, message, List.copyOf(errors));
    }
}
