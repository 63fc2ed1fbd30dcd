package dev.tessera.springai;

import dev.tessera.services.TesseraProcess;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Spring AI's BaseVectorStoreTests, unmodified, on the auto-configured store against a real Tessera process. */
class TesseraVectorStoreContractTest extends BaseVectorStoreTests {

    static TesseraProcess service;

    @BeforeAll
    static void start() {
        service = TesseraProcess.start();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Override
    protected void executeTest(Consumer<VectorStore> testFunction) {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TesseraAutoConfiguration.class))
                .withPropertyValues("tessera.client.base-url=" + service.baseUrl(),
                        "tessera.client.collection=spring-ai-contract")
                .run(context -> testFunction.accept(context.getBean(VectorStore.class)));
    }
}
