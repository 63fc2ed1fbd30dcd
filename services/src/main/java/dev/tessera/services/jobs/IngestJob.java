package dev.tessera.services.jobs;

import java.util.ArrayList;
import java.util.List;

/** Mutable progress of one bulk job; {@link #status()} gives consistent snapshots. */
final class IngestJob {

    private final String id;
    private final long total;
    private long done;
    private long failed;
    private long startedNanos;
    private String state = "queued";
    private final List<JobStatus.JobError> errors = new ArrayList<>();

    IngestJob(String id, long total) {
        this.id = id;
        this.total = total;
    }

    String id() {
        return id;
    }

    synchronized boolean running() {
        return state.equals("queued") || state.equals("running");
    }

    synchronized void start() {
        state = "running";
        startedNanos = System.nanoTime();
    }

    synchronized void succeeded(int n) {
        done += n;
    }

    synchronized void fail(long line, String field, String message, int keep) {
        failed++;
        if (errors.size() < keep) {
            errors.add(new JobStatus.JobError(line, field, message));
        }
    }

    synchronized void finish(String failure) {
        if (failure != null) {
            state = "failed";
            errors.add(new JobStatus.JobError(0, null, failure));
        } else {
            state = "done";
        }
    }

    synchronized JobStatus status() {
        double seconds = startedNanos == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
        long processed = done + failed;
        double rate = seconds > 0 ? processed / seconds : 0;
        Double eta = state.equals("done") || state.equals("failed") ? Double.valueOf(0)
                : rate > 0 ? (total - processed) / rate : null;
        return new JobStatus(id, state, total, done, failed, Math.round(rate * 100) / 100.0,
                eta == null ? null : Math.round(eta * 10) / 10.0, List.copyOf(errors));
    }
}
