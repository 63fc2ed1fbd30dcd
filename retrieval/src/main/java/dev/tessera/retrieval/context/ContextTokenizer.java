package dev.tessera.retrieval.context;

import dev.tessera.tokenizers.text.TextTokenCounter;
import dev.tessera.tokenizers.text.TextTokenCounter.TokenPiece;
import java.nio.file.Path;
import java.util.List;

/**
 * The downstream LLM's tokenizer: budgets are measured in its tokens. An interface so that
 * Hugging Face {@code tokenizer.json} tokenizers can be plugged in beside the jtokkit encodings.
 */
public interface ContextTokenizer {

    String name();

    int count(String text);

    /** Cuts {@code text} into consecutive pieces of {@code tokensPerPiece} tokens that tile it. */
    List<TokenPiece> split(String text, int tokensPerPiece);

    /** An OpenAI BPE encoding via jtokkit, e.g. {@code o200k_base} or {@code cl100k_base}. */
    static ContextTokenizer openAi(String encoding) {
        TextTokenCounter counter = TextTokenCounter.forEncoding(encoding);
        return new ContextTokenizer() {
            @Override
            public String name() {
                return counter.name();
            }

            @Override
            public int count(String text) {
                return counter.count(text);
            }

            @Override
            public List<TokenPiece> split(String text, int tokensPerPiece) {
                return counter.split(text, tokensPerPiece);
            }
        };
    }

    /** A Hugging Face {@code tokenizer.json}, counted without special tokens; see {@link HuggingFaceContextTokenizer}. */
    static HuggingFaceContextTokenizer huggingFace(String name, Path tokenizerJson) {
        return HuggingFaceContextTokenizer.load(name, tokenizerJson);
    }
}
