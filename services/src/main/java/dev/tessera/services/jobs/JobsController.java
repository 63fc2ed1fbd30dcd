package dev.tessera.services.jobs;

import java.net.URI;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import dev.tessera.services.video.VideoJobs;

@RestController
@Tag(name = "documents")
public class JobsController {

    private final BulkIngestJobs jobs;
    private final VideoJobs videoJobs;

    public JobsController(BulkIngestJobs jobs, VideoJobs videoJobs) {
        this.jobs = jobs;
        this.videoJobs = videoJobs;
    }

    /** A bulk ingest job, or a video tokenization job (ids {@code video-…}). */
    @GetMapping("/v1/jobs/{id}")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The job",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(
                            oneOf = {JobStatus.class, VideoJobs.VideoJobStatus.class})))
    public Object get(@PathVariable String id) {
        if (id.startsWith(VideoJobs.PREFIX)) {
            return videoJobs.get(id).orElseThrow(() -> new JobNotFoundException(id));
        }
        return jobs.get(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    @GetMapping("/v1/jobs")
    public List<JobStatus> all() {
        return jobs.all();
    }

    /** Continues an {@code interrupted} job after its last committed batch; 409 in any other state. */
    @PostMapping("/v1/jobs/{id}/resume")
    public ResponseEntity<JobStatus> resume(@PathVariable String id) {
        JobStatus job = jobs.resume(id).orElseThrow(() -> new JobNotFoundException(id));
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create("/v1/jobs/" + id)).body(job);
    }

    public static class JobNotFoundException extends RuntimeException {
        JobNotFoundException(String id) {
            super("no job with id '" + id + "'");
        }
    }
}
