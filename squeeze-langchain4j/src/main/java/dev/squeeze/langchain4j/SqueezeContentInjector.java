package dev.squeeze.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.injector.ContentInjector;
import dev.langchain4j.rag.content.injector.DefaultContentInjector;
import dev.squeeze.text.DocumentSetCompressor;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ContentInjector} that compresses the contents to a token budget, query-aware against the user's
 * message, and then lets a delegate (LangChain4j's {@link DefaultContentInjector} by default) inject them. Use
 * it when the aggregator is someone else's (e.g. a re-ranking aggregator) and compression must come last.
 * Thread-safe when the delegate is.
 */
public final class SqueezeContentInjector implements ContentInjector {
    private final DocumentSetCompressor compressor;
    private final int budgetTokens;
    private final ContentInjector delegate;

    public SqueezeContentInjector(int budgetTokens) {
        this(DocumentSetCompressor.withDefaults(), budgetTokens, new DefaultContentInjector());
    }

    public SqueezeContentInjector(DocumentSetCompressor compressor, int budgetTokens, ContentInjector delegate) {
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        if (budgetTokens <= 0) throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
        this.budgetTokens = budgetTokens;
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public ChatMessage inject(List<Content> contents, ChatMessage chatMessage) {
        String question = chatMessage instanceof UserMessage u && u.hasSingleText() ? u.singleText() : null;
        return delegate.inject(
                SqueezeContentAggregator.compress(compressor, contents, question, budgetTokens), chatMessage);
    }
}
