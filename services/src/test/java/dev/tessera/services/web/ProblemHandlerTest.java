package dev.tessera.services.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.crag.SummarizerException;
import dev.tessera.retrieval.index.IndexUnavailableException;
import dev.tessera.retrieval.index.IndexWriteException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class ProblemHandlerTest {

    @Test
    void aFailingChatEndpointIsABadGatewayNamingAbstractive() {
        ProblemDetail p = new ProblemHandler().summarizerFailed(
                new SummarizerException("chat endpoint http://llm:8000/v1/chat/completions answered 503: overloaded"));
        assertThat(p.getStatus()).isEqualTo(502);
        assertThat(p.getDetail()).contains("answered 503");
        assertThat(p.getProperties()).containsEntry("field", "abstractive");
    }

    @Test
    void anIndexThatCannotAnswerIs503WithRetryAfter() {
        ResponseEntity<ProblemDetail> r = new ProblemHandler().indexUnavailable(
                new IndexUnavailableException("no answer from OpenSearch: connect timed out", null));
        assertThat(r.getStatusCode().value()).isEqualTo(503);
        assertThat(r.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(r.getBody().getTitle()).isEqualTo("Index unavailable");
        assertThat(r.getBody().getDetail()).contains("connect timed out");
    }

    @Test
    void aPartlyStoredWriteIs503NamingTheDocumentsNotStored() {
        Map<String, String> failed = new LinkedHashMap<>();
        failed.put("b", "es_rejected_execution_exception");
        failed.put("a", "mapper_parsing_exception");
        ProblemDetail p = new ProblemHandler().indexWriteFailed(new IndexWriteException(failed));
        assertThat(p.getStatus()).isEqualTo(503);
        assertThat(p.getTitle()).isEqualTo("Documents not stored");
        assertThat(p.getProperties()).containsEntry("failed", failed);
        Map<?, ?> body = (Map<?, ?>) p.getProperties().get("failed");
        assertThat(List.<Object>copyOf(body.keySet())).as("write order").containsExactly("b", "a");
    }
}
