package dev.tessera.services.video;

import dev.tessera.tokenizers.video.vqtoken.VQToken;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Video tokenization as a background job, for long clips: one at a time (decoding and clustering
 * already use the cores), progress as frames sampled of those expected, with rate and ETA. Jobs
 * live in memory: they are computations, not writes, and a restart forgets them (the client
 * submits again). Finished jobs are kept for the last {@value #KEEP} submissions.
 */
@Component
public class VideoJobs implements AutoCloseable {

    static final int KEEP = 100;
    public static final String PREFIX = "video-";

    /** What {@code GET /v1/jobs/{id}} answers for a video job. */
    public record VideoJobStatus(String id, String kind, String state, int framesDone, int framesExpected,
                                 Double framesPerSecond, Double etaSeconds, String createdAt, String startedAt,
                                 String finishedAt, String message, Object result) {}

    private static final class Job {
        final String id;
        final String createdAt = Instant.now().toString();
        volatile String state = "queued";
        volatile int done;
        volatile int expected;
        volatile long startedNanos;
        volatile String startedAt;
        volatile String finishedAt;
        volatile String message;
        volatile Object result;
        volatile double seconds;

        Job(String id) {
            this.id = id;
        }

        VideoJobStatus status() {
            Double rate = null;
            Double eta = null;
            if (startedNanos > 0 && done > 0) {
                double elapsed = (finishedAt != null ? seconds : (System.nanoTime() - startedNanos) / 1e9);
                rate = done / Math.max(elapsed, 1e-9);
                eta = finishedAt != null ? 0.0 : Math.max(0, expected - done) / rate;
            }
            return new VideoJobStatus(id, "video-tokenize", state, done, expected, rate, eta, createdAt, startedAt,
                    finishedAt, message, result);
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "video-jobs");
        t.setDaemon(true);
        return t;
    });
    private final VideoTokenizers tokenizers;

    public VideoJobs(VideoTokenizers tokenizers) {
        this.tokenizers = tokenizers;
    }

    /**
     * Queues the tokenization of {@code upload} (a temp file this class deletes when done); the
     * result is what {@code answer} makes of it.
     */
    public VideoJobStatus submit(Path upload, double fps, int maxFrames, VQToken.Options options, String backbone,
                                 Function<VideoTokenizers.Tokenized, Object> answer) {
        Job job = new Job(PREFIX + UUID.randomUUID());
        job.expected = maxFrames;
        jobs.put(job.id, job);
        forgetOld();
        worker.submit(() -> {
            job.state = "running";
            job.startedAt = Instant.now().toString();
            job.startedNanos = System.nanoTime();
            try {
                VideoTokenizers.Tokenized t = tokenizers.tokenize(upload, fps, maxFrames, options, backbone,
                        (kept, expected, atMs) -> {
                            job.done = kept;
                            job.expected = expected;
                        });
                job.result = answer.apply(t);
                job.state = "done";
            } catch (RuntimeException e) {
                job.state = "failed";
                job.message = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                job.seconds = (System.nanoTime() - job.startedNanos) / 1e9;
                job.finishedAt = Instant.now().toString();
                dev.tessera.services.web.UploadedFile.deleteQuietly(upload);
            }
        });
        return job.status();
    }

    public Optional<VideoJobStatus> get(String id) {
        Job job = jobs.get(id);
        return job == null ? Optional.empty() : Optional.of(job.status());
    }

    private void forgetOld() {
        if (jobs.size() <= KEEP) {
            return;
        }
        jobs.values().stream().filter(j -> j.finishedAt != null)
                .sorted(java.util.Comparator.comparing(j -> j.createdAt))
                .limit(jobs.size() - KEEP)
                .forEach(j -> jobs.remove(j.id));
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
