package dev.tessera.services.jobs;

import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "documents")
public class JobsController {

    private final BulkIngestJobs jobs;

    public JobsController(BulkIngestJobs jobs) {
        this.jobs = jobs;
    }

    @GetMapping("/v1/jobs/{id}")
    public JobStatus get(@PathVariable String id) {
        return jobs.get(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    @GetMapping("/v1/jobs")
    public List<JobStatus> all() {
        return jobs.all();
    }

    public static class JobNotFoundException extends RuntimeException {
        JobNotFoundException(String id) {
            super("no job with id '" + id + "'");
        }
    }
}
