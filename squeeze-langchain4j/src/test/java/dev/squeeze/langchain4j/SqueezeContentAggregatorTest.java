package dev.squeeze.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqueezeContentAggregatorTest {
    private static Content c(String text) {
        return Content.from(TextSegment.from(text, Metadata.from("id", text.substring(0, 1))));
    }

    @Test
    void reciprocalRankFusionOrderMatchesTheHandComputedScores() {
        // Lists [A, B] and [B, C] (k = 60): A = 1/61, B = 1/62 + 1/61, C = 1/62 -> B, A, C.
        Content a = c("A alpha."), b = c("B beta."), cc = c("C gamma.");
        Map<Query, Collection<List<Content>>> in = new LinkedHashMap<>();
        in.put(Query.from("q1"), List.of(List.of(a, b)));
        in.put(Query.from("q2"), List.of(List.of(b, cc)));
        List<Content> out = new SqueezeContentAggregator(10_000).aggregate(in);
        assertEquals(List.of(b, a, cc), out, "within budget: fused order, contents untouched");
        assertEquals(
                List.of(b, a),
                new SqueezeContentAggregator(dev.squeeze.text.DocumentSetCompressor.withDefaults(), 10_000, 2)
                        .aggregate(in),
                "maxResults cuts after fusion");
    }

    @Test
    void fusionIsLangChain4jsOwnPerQueryThenAcrossQueries() {
        // q1 has two lists [A, B], [B, C]; q2 one list [C]. Per query (k = 60): q1 -> B (1/62 + 1/61), A (1/61),
        // C (1/62); q2 -> C. Across queries: C = 1/63 + 1/61, B = 1/61, A = 1/62 -> C, B, A. Fusing every list
        // at once would tie B and C (1/61 + 1/62 each) and give B, C, A.
        Content a = c("A alpha."), b = c("B beta."), cc = c("C gamma.");
        Map<Query, Collection<List<Content>>> in = new LinkedHashMap<>();
        in.put(Query.from("q1"), List.of(List.of(a, b), List.of(b, cc)));
        in.put(Query.from("q2"), List.of(List.of(cc)));
        List<Content> out = new SqueezeContentAggregator(10_000).aggregate(in);
        assertEquals(List.of(cc, b, a), out);
        assertEquals(
                new dev.langchain4j.rag.content.aggregator.DefaultContentAggregator().aggregate(in),
                out,
                "within budget the order and contents are LangChain4j's default aggregator's");
    }

    @Test
    void overBudgetContentsAreCompressedAndKeepTheirMetadata() {
        List<Content> list = new ArrayList<>();
        for (String d : RagCorpus.DOCS)
            list.add(Content.from(TextSegment.from(d, Metadata.from("source", d.substring(0, 12)))));
        Map<Query, Collection<List<Content>>> in = Map.of(Query.from(RagCorpus.QUESTION), List.of(list));
        List<Content> out = new SqueezeContentAggregator(100).aggregate(in);
        int tokens = 0;
        for (Content c : out) {
            tokens +=
                    dev.squeeze.text.TokenCounter.cl100k().count(c.textSegment().text());
            String source = c.textSegment().metadata().getString("source");
            assertTrue(RagCorpus.DOCS.stream().anyMatch(d -> d.startsWith(source)), "metadata kept: " + source);
        }
        assertTrue(tokens <= 110, "budget 100, got " + tokens);
        assertTrue(out.stream().anyMatch(c -> c.textSegment().text().contains(RagCorpus.ANSWER)));
        assertThrows(IllegalArgumentException.class, () -> new SqueezeContentAggregator(0));
    }
}
