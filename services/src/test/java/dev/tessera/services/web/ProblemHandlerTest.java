package dev.tessera.services.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.crag.SummarizerException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;

class ProblemHandlerTest {

    @Test
    void aFailingChatEndpointIsABadGatewayNamingAbstractive() {
        ProblemDetail p = new ProblemHandler().summarizerFailed(
                new SummarizerException("chat endpoint http://llm:8000/v1/chat/completions answered 503: overloaded"));
        assertThat(p.getStatus()).isEqualTo(502);
        assertThat(p.getDetail()).contains("answered 503");
        assertThat(p.getProperties()).containsEntry("field", "abstractive");
    }
}
