package dev.squeeze.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.advisor.RetrievalAugmentationAdvisor;
import org.springframework.ai.rag.retrieval.search.DocumentRetriever;

/**
 * End to end without network: ChatClient + RetrievalAugmentationAdvisor, with a keyword-overlap retriever and with
 * a SimpleVectorStore over the in-process all-MiniLM-L6-v2 embeddings; a stub ChatModel records the prompt it was sent.
 */
class RetrievalAugmentationTest {
    static final TokenCounter TC = TokenCounter.cl100k();

    static final class RecordingChatModel implements ChatModel {
        final List<Prompt> prompts = new CopyOnWriteArrayList<>();

        @Override
        public ChatResponse call(Prompt prompt) {
            prompts.add(prompt);
            return new ChatResponse(List.of(new Generation(new AssistantMessage("ok"))));
        }

        String lastUserText() {
            List<Message> ms = prompts.get(prompts.size() - 1).getInstructions();
            for (int i = ms.size() - 1; i >= 0; i--) if (ms.get(i) instanceof UserMessage u) return u.getText();
            throw new AssertionError("no user message in " + ms);
        }
    }

    /** Top-k documents by word overlap with the query (a stand-in for a vector store; deterministic, offline). */
    static DocumentRetriever keywordRetriever(List<Document> corpus, int k) {
        return query -> {
            Set<String> q = words(query.text());
            return corpus.stream()
                    .sorted(Comparator.comparingLong((Document d) ->
                            -words(d.getText()).stream().filter(q::contains).count()))
                    .limit(k)
                    .toList();
        };
    }

    static Set<String> words(String s) {
        Set<String> out = new HashSet<>();
        for (String w : s.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) if (w.length() > 3) out.add(w);
        return out;
    }

    private static String ask(RetrievalAugmentationAdvisor.Builder advisor) {
        List<Document> corpus = new ArrayList<>();
        for (int i = 0; i < Corpus.DOCS.size(); i++) {
            corpus.add(Document.builder()
                    .id("doc-" + i)
                    .text(Corpus.DOCS.get(i))
                    .metadata(Map.of("source", "kb-" + i))
                    .build());
        }
        RecordingChatModel model = new RecordingChatModel();
        ChatClient client = ChatClient.builder(model)
                .defaultAdvisors(
                        advisor.documentRetriever(keywordRetriever(corpus, 5)).build())
                .build();
        assertEquals("ok", client.prompt().user(Corpus.QUESTION).call().content());
        return model.lastUserText();
    }

    @Test
    void postProcessorCompressesTheRetrievedDocumentsAndKeepsTheAnswer() {
        String baseline = ask(RetrievalAugmentationAdvisor.builder());
        assertTrue(baseline.contains(Corpus.ANSWER), "retrieval finds the answer document");
        String prompt = ask(
                RetrievalAugmentationAdvisor.builder().documentPostProcessors(new SqueezeDocumentPostProcessor(120)));
        int before = TC.count(baseline), after = TC.count(prompt);
        assertTrue(after < 0.6 * before, "prompt compressed: " + before + " -> " + after + " tokens\n" + prompt);
        assertTrue(prompt.contains(Corpus.ANSWER), "the answer-bearing sentence is kept verbatim:\n" + prompt);
        assertTrue(prompt.contains(Corpus.QUESTION), "the question is intact");
    }

    /** Spring AI's EmbeddingModel over LangChain4j's in-process all-MiniLM-L6-v2 (no network, no download). */
    static final class MiniLmEmbeddingModel implements org.springframework.ai.embedding.EmbeddingModel {
        private final dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel model =
                new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel();

        @Override
        public org.springframework.ai.embedding.EmbeddingResponse call(
                org.springframework.ai.embedding.EmbeddingRequest request) {
            List<org.springframework.ai.embedding.Embedding> out = new ArrayList<>();
            for (String t : request.getInstructions()) {
                out.add(new org.springframework.ai.embedding.Embedding(
                        model.embed(t).content().vector(), out.size()));
            }
            return new org.springframework.ai.embedding.EmbeddingResponse(out);
        }

        @Override
        public float[] embed(Document document) {
            return model.embed(document.getText()).content().vector();
        }
    }

    @Test
    void worksBehindAVectorStoreRetriever() {
        var store = org.springframework.ai.vectorstore.SimpleVectorStore.builder(new MiniLmEmbeddingModel())
                .build();
        List<Document> corpus = new ArrayList<>();
        for (int i = 0; i < Corpus.DOCS.size(); i++)
            corpus.add(
                    Document.builder().id("doc-" + i).text(Corpus.DOCS.get(i)).build());
        store.add(corpus);
        var retriever = org.springframework.ai.rag.retrieval.search.VectorStoreDocumentRetriever.builder()
                .vectorStore(store)
                .topK(5)
                .build();
        RecordingChatModel plain = new RecordingChatModel();
        ChatClient.builder(plain)
                .defaultAdvisors(RetrievalAugmentationAdvisor.builder()
                        .documentRetriever(retriever)
                        .build())
                .build()
                .prompt()
                .user(Corpus.QUESTION)
                .call()
                .content();
        RecordingChatModel squeezed = new RecordingChatModel();
        ChatClient.builder(squeezed)
                .defaultAdvisors(RetrievalAugmentationAdvisor.builder()
                        .documentRetriever(retriever)
                        .documentPostProcessors(new SqueezeDocumentPostProcessor(120))
                        .build())
                .build()
                .prompt()
                .user(Corpus.QUESTION)
                .call()
                .content();
        String baseline = plain.lastUserText(), prompt = squeezed.lastUserText();
        assertTrue(baseline.contains(Corpus.ANSWER), "the vector store retrieves the answer document");
        assertTrue(TC.count(prompt) < 0.6 * TC.count(baseline), TC.count(baseline) + " -> " + TC.count(prompt));
        assertTrue(prompt.contains(Corpus.ANSWER), prompt);
    }

    @Test
    void documentsKeepIdMetadataAndNonTextPassesThrough() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            docs.add(Document.builder()
                    .id("d" + i)
                    .text(Corpus.DOCS.get(i))
                    .metadata(Map.of("source", "kb-" + i))
                    .score(1.0 - i / 10.0)
                    .build());
        }
        List<Document> out = new SqueezeDocumentPostProcessor(100).process(new Query(Corpus.QUESTION), docs);
        assertTrue(!out.isEmpty() && out.size() <= docs.size());
        int tokens = 0;
        for (Document d : out) {
            int i = Integer.parseInt(d.getId().substring(1));
            assertEquals("kb-" + i, d.getMetadata().get("source"));
            assertEquals(1.0 - i / 10.0, d.getScore());
            tokens += TC.count(d.getText());
        }
        assertTrue(tokens <= 110, "budget 100, got " + tokens);
        assertTrue(out.stream().anyMatch(d -> d.getText().contains(Corpus.ANSWER)));
        List<Document> small =
                List.of(Document.builder().id("s").text("short text.").build());
        assertEquals(
                small,
                new SqueezeDocumentPostProcessor(100).process(new Query("q"), small),
                "within budget: unchanged");
    }
}
