package example;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.rag.AugmentationRequest;
import dev.langchain4j.rag.AugmentationResult;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Metadata;
import dev.squeeze.langchain4j.SqueezeContentAggregator;
import dev.squeeze.text.TokenCounter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RagConsumer CONTEXT_FILE QUESTION BUDGET}: every blank-line paragraph of the file is a retrieved document;
 * a LangChain4j {@link DefaultRetrievalAugmentor} with Squeeze's aggregator compresses them, query-aware, to BUDGET
 * tokens and injects them into the user message. Prints the token counts and the augmented message.
 */
public final class RagConsumer {
    public static void main(String[] args) throws Exception {
        List<Content> docs = new ArrayList<>();
        for (String p : Files.readString(Path.of(args[0])).split("\n\\s*\n")) {
            if (!p.isBlank()) docs.add(Content.from(p.strip()));
        }
        String question = args[1];
        int budget = Integer.parseInt(args[2]);
        ContentRetriever retriever = query -> docs;
        RetrievalAugmentor augmentor = DefaultRetrievalAugmentor.builder()
                .contentRetriever(retriever)
                .contentAggregator(new SqueezeContentAggregator(budget))
                .build();
        UserMessage user = UserMessage.from(question);
        AugmentationResult r = augmentor.augment(new AugmentationRequest(user, Metadata.from(user, "consumer", List.of())));

        TokenCounter tokens = TokenCounter.cl100k();
        int origin = 0, injected = 0;
        for (Content c : docs) origin += tokens.count(c.textSegment().text());
        for (Content c : r.contents()) injected += tokens.count(c.textSegment().text());
        System.out.println("java.version " + System.getProperty("java.version"));
        System.out.println("documents " + docs.size() + " -> " + r.contents().size());
        System.out.println("tokens " + origin + " -> " + injected + " (budget " + budget + ")");
        System.out.println("--- augmented user message ---");
        System.out.println(((UserMessage) r.chatMessage()).singleText());
    }
}
