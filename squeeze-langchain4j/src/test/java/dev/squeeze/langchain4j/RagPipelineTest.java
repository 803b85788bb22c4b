package dev.squeeze.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.aggregator.DefaultContentAggregator;
import dev.langchain4j.rag.content.injector.ContentInjector;
import dev.langchain4j.rag.content.injector.DefaultContentInjector;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.squeeze.text.TokenCounter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end without network: AiServices + DefaultRetrievalAugmentor + the in-process all-MiniLM-L6-v2
 * embedding model over an in-memory store; a stub ChatModel records the prompt it was sent.
 */
class RagPipelineTest {
    interface Assistant {
        String answer(String question);
    }

    /** Records every request; answers "ok". */
    static final class RecordingChatModel implements ChatModel {
        final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public ChatResponse doChat(ChatRequest request) {
            requests.add(request);
            return ChatResponse.builder().aiMessage(AiMessage.from("ok")).build();
        }

        String lastUserText() {
            List<ChatMessage> m = requests.get(requests.size() - 1).messages();
            return ((UserMessage) m.get(m.size() - 1)).singleText();
        }
    }

    static EmbeddingModel embeddings;
    static InMemoryEmbeddingStore<TextSegment> store;
    static final TokenCounter TC = TokenCounter.cl100k();

    @BeforeAll
    static void index() {
        embeddings = new AllMiniLmL6V2EmbeddingModel();
        store = new InMemoryEmbeddingStore<>();
        for (String d : RagCorpus.DOCS) {
            TextSegment s = TextSegment.from(d);
            Embedding e = embeddings.embed(s).content();
            store.add(e, s);
        }
    }

    private static String ask(ContentAggregator aggregator, ContentInjector injector, RecordingChatModel model) {
        RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder()
                .contentRetriever(EmbeddingStoreContentRetriever.builder()
                        .embeddingStore(store)
                        .embeddingModel(embeddings)
                        .maxResults(5)
                        .build())
                .contentAggregator(aggregator)
                .contentInjector(injector)
                .build();
        Assistant a = AiServices.builder(Assistant.class)
                .chatModel(model)
                .retrievalAugmentor(augmentor)
                .build();
        assertEquals("ok", a.answer(RagCorpus.QUESTION));
        return model.lastUserText();
    }

    @Test
    void aggregatorCompressesRetrievedContentsAndKeepsTheAnswer() {
        RecordingChatModel plain = new RecordingChatModel();
        String baseline = ask(new DefaultContentAggregator(), new DefaultContentInjector(), plain);
        assertTrue(baseline.contains(RagCorpus.ANSWER), "retrieval finds the answer paragraph");

        RecordingChatModel squeezed = new RecordingChatModel();
        int budget = 120;
        String prompt = ask(new SqueezeContentAggregator(budget), new DefaultContentInjector(), squeezed);
        int before = TC.count(baseline), after = TC.count(prompt);
        org.slf4j.LoggerFactory.getLogger(RagPipelineTest.class)
                .info("compressed prompt ({} -> {} tokens):\n{}", before, after, prompt);
        assertTrue(after < 0.6 * before, "prompt compressed: " + before + " -> " + after + " tokens");
        assertTrue(prompt.contains(RagCorpus.ANSWER), "the answer-bearing sentence is kept verbatim:\n" + prompt);
        assertTrue(prompt.contains(RagCorpus.QUESTION), "the user's question is intact");
        // The injected contents (prompt minus template and question) fit the budget.
        int overhead = TC.count(baseline) - contentTokens(baseline);
        assertTrue(
                after - overhead <= budget + 10,
                "contents " + (after - overhead) + " tokens for a budget of " + budget);
    }

    /** Tokens of the injected contents: the text between the template's lead-in and the end. */
    private static int contentTokens(String prompt) {
        int i = prompt.indexOf("Answer using the following information:");
        return TC.count(prompt.substring(i + "Answer using the following information:".length()));
    }

    @Test
    void injectorCompressesAfterAnotherAggregator() {
        RecordingChatModel m = new RecordingChatModel();
        String prompt = ask(new DefaultContentAggregator(), new SqueezeContentInjector(120), m);
        RecordingChatModel plain = new RecordingChatModel();
        String baseline = ask(new DefaultContentAggregator(), new DefaultContentInjector(), plain);
        assertTrue(TC.count(prompt) < 0.6 * TC.count(baseline), TC.count(baseline) + " -> " + TC.count(prompt));
        assertTrue(prompt.contains(RagCorpus.ANSWER), prompt);
    }

    @Test
    void chatRequestTransformerCompressesLongContextButNeverTheLastUserMessage() {
        StringBuilder ctx = new StringBuilder();
        for (int i = 0; i < 4; i++)
            for (String d : RagCorpus.DOCS) ctx.append(d).append("\n\n");
        String context = ctx.toString();
        ChatRequest req = ChatRequest.builder()
                .messages(List.of(
                        SystemMessage.from("Use this reference material:\n" + context),
                        ToolExecutionResultMessage.builder()
                                .id("call-1")
                                .toolName("search")
                                .text(context)
                                .isError(false)
                                .attributes(java.util.Map.of("k", "v"))
                                .build(),
                        UserMessage.from(RagCorpus.QUESTION)))
                .temperature(0.0)
                .build();
        ChatRequest out = new SqueezeChatRequestTransformer(0.3).apply(req);
        List<ChatMessage> msgs = out.messages();
        assertEquals(3, msgs.size());
        assertEquals(RagCorpus.QUESTION, ((UserMessage) msgs.get(2)).singleText());
        int sys = TC.count(((SystemMessage) msgs.get(0)).text());
        int tool = TC.count(((ToolExecutionResultMessage) msgs.get(1)).text());
        int orig = TC.count(context);
        assertTrue(sys < 0.4 * orig && tool < 0.4 * orig, orig + " -> " + sys + ", " + tool);
        assertTrue(((SystemMessage) msgs.get(0)).text().contains("snow-melt tank"), "query-aware: the answer survives");
        ToolExecutionResultMessage tr = (ToolExecutionResultMessage) msgs.get(1);
        assertEquals("call-1", tr.id());
        assertEquals("search", tr.toolName());
        assertEquals(Boolean.FALSE, tr.isError());
        assertEquals("v", tr.attributes().get("k"), "attributes carried over");
        assertEquals(1, tr.contents().size());
        assertEquals(0.0, out.temperature(), "parameters carried over");

        ChatRequest small = ChatRequest.builder()
                .messages(List.of(SystemMessage.from("Be brief."), UserMessage.from("hi")))
                .build();
        assertSame(
                small, new SqueezeChatRequestTransformer(0.3).apply(small), "nothing long: the request is untouched");
    }

    @Test
    void transformerWiredIntoAiServices() {
        RecordingChatModel m = new RecordingChatModel();
        StringBuilder ctx = new StringBuilder();
        for (int i = 0; i < 4; i++)
            for (String d : RagCorpus.DOCS) ctx.append(d).append("\n\n");
        Assistant a = AiServices.builder(Assistant.class)
                .chatModel(m)
                .systemMessageProvider(id -> "Reference material:\n" + ctx)
                .chatRequestTransformer(new SqueezeChatRequestTransformer(0.25))
                .build();
        a.answer(RagCorpus.QUESTION);
        List<ChatMessage> sent = m.requests.get(m.requests.size() - 1).messages();
        String sys = ((SystemMessage) sent.get(0)).text();
        assertTrue(TC.count(sys) < 0.35 * TC.count(ctx.toString()), "system message compressed");
        assertEquals(RagCorpus.QUESTION, ((UserMessage) sent.get(sent.size() - 1)).singleText());
    }
}
