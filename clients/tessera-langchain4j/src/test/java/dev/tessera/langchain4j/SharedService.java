package dev.tessera.langchain4j;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.tessera.client.TesseraClient;
import dev.tessera.services.TesseraProcess;

/** One Tessera process for every contract suite of this module (started on first use, stopped at JVM exit). */
final class SharedService {

    private static TesseraProcess process;
    private static TesseraClient client;
    private static EmbeddingModel model;

    private SharedService() {}

    static synchronized TesseraClient client() {
        if (process == null) {
            process = TesseraProcess.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::close));
            client = TesseraClient.builder().baseUrl(process.baseUrl()).build();
        }
        return client;
    }

    /** The embedding model LangChain4j's suites are written for. */
    static synchronized EmbeddingModel minilm() {
        if (model == null) {
            model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        }
        return model;
    }

    /** A store over a fresh collection of its own. */
    static TesseraEmbeddingStore store(String collection) {
        return TesseraEmbeddingStore.builder().client(client()).collection(collection).dimension(minilm().dimension())
                .build();
    }
}
