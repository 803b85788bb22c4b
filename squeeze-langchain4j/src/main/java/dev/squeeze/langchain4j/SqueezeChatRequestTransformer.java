package dev.squeeze.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import dev.squeeze.text.TokenCounter;
import dev.squeeze.text.TokenEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Whole-request compression for {@code AiServices.builder(...).chatRequestTransformer(...)}: every system,
 * user and tool-result message with more than {@code minTokens} tokens of text is compressed to {@code rate},
 * query-aware against the last user message, which itself is never touched (the same policy as the
 * {@code squeeze serve} proxy). Multi-part user messages (images, several texts) are left as they are. Note that
 * in a RAG pipeline the retrieved contents are injected into the last user message, so compress them with
 * {@link SqueezeContentAggregator} or {@link SqueezeContentInjector} instead. Thread-safe.
 */
public final class SqueezeChatRequestTransformer implements UnaryOperator<ChatRequest> {
    private final PromptCompressor compressor;
    private final double rate;
    private final int minTokens;
    private final TokenCounter counter = TokenCounter.of(TokenEncoding.CL100K_BASE);

    /** Default method, messages above 512 tokens compressed to {@code rate}. */
    public SqueezeChatRequestTransformer(double rate) {
        this(CompressorRegistry.load().defaultCompressor(), rate, 512);
    }

    public SqueezeChatRequestTransformer(PromptCompressor compressor, double rate, int minTokens) {
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        if (minTokens < 0) throw new IllegalArgumentException("minTokens must be >= 0, got " + minTokens);
        this.rate = rate;
        this.minTokens = minTokens;
    }

    @Override
    public ChatRequest apply(ChatRequest request) {
        List<ChatMessage> in = request.messages();
        int lastUser = -1;
        for (int i = 0; i < in.size(); i++) if (in.get(i) instanceof UserMessage) lastUser = i;
        String question = lastUser >= 0 && ((UserMessage) in.get(lastUser)).hasSingleText()
                ? ((UserMessage) in.get(lastUser)).singleText()
                : null;
        List<ChatMessage> out = new ArrayList<>(in.size());
        boolean changed = false;
        for (int i = 0; i < in.size(); i++) {
            ChatMessage m = in.get(i);
            ChatMessage c = i == lastUser ? m : compress(m, question);
            changed |= c != m;
            out.add(c);
        }
        return changed ? request.toBuilder().messages(out).build() : request;
    }

    private ChatMessage compress(ChatMessage m, String question) {
        if (m instanceof SystemMessage s && long_(s.text())) return SystemMessage.from(shorten(s.text(), question));
        if (m instanceof UserMessage u && u.hasSingleText() && long_(u.singleText())) {
            return u.toBuilder()
                    .contents(List.of(dev.langchain4j.data.message.TextContent.from(shorten(u.singleText(), question))))
                    .build();
        }
        if (m instanceof ToolExecutionResultMessage t && t.hasSingleText() && long_(t.text())) {
            return t.toBuilder()
                    .contents(List.of(dev.langchain4j.data.message.TextContent.from(shorten(t.text(), question))))
                    .build();
        }
        return m;
    }

    private boolean long_(String text) {
        return text != null && counter.count(text) > minTokens;
    }

    private String shorten(String text, String question) {
        return compressor
                .compress(CompressionRequest.builder(text)
                        .rate(rate)
                        .question(question)
                        .build())
                .compressed();
    }
}
