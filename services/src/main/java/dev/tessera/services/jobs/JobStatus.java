package dev.tessera.services.jobs;

import java.util.List;

/**
 * A snapshot of a bulk ingest job.
 *
 * @param collection where the job writes
 * @param state     {@code queued}, {@code running}, {@code done} (every line stored), {@code done_with_errors}
 *                  (read to the end, {@code failed} lines were not stored), {@code failed} (the job stopped
 *                  before the end of its upload), or {@code interrupted} (the service stopped during the
 *                  job; it can be resumed)
 * @param total     documents (lines) in the upload
 * @param ratePerS  documents per second since the job (last) started
 * @param etaS      seconds left at the current rate; null until there is a rate, and for an interrupted job
 * @param message   why a job failed, was interrupted or has errors, and what to do about it
 */
public record JobStatus(String id, String collection, String state, long total, long done, long failed, double ratePerS, Double etaS,
                        String message, List<JobError> errors) {

    public record JobError(long line, String field, String message) {}
}
