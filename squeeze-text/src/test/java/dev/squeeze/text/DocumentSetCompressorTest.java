package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentSetCompressorTest {
    private static final String[] TOPICS = {"harbour", "orchard", "glacier", "tavern", "archive", "furnace"};

    private static String filler(String topic, int sentences) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            sb.append("The ")
                    .append(topic)
                    .append(" keeper wrote note number ")
                    .append(i)
                    .append(" about the ")
                    .append(topic)
                    .append(" and the weather near it. ");
        }
        return sb.toString().trim();
    }

    @Test
    void sharesOneBudgetKeepsOrderAndTheAnswer() {
        List<String> docs = new ArrayList<>();
        for (String t : TOPICS) docs.add(filler(t, 12));
        docs.set(3, docs.get(3) + " The tavern opens at 6 pm on Sundays.");
        DocumentSetCompressor c = DocumentSetCompressor.withDefaults();
        TokenCounter tc = TokenCounter.cl100k();
        int total = docs.stream().mapToInt(tc::count).sum();
        int budget = total / 4;
        var r = c.compress(docs, "When does the tavern open on Sundays?", budget);
        assertEquals(docs.size(), r.documents().size());
        assertEquals(total, r.originTokens());
        assertTrue(
                r.compressedTokens() <= budget + 6 && r.compressedTokens() >= budget / 2,
                "budget " + budget + ", got " + r.compressedTokens());
        assertTrue(
                r.documents().get(3).contains("6 pm on Sundays"), r.documents().get(3));
        for (String d : r.documents()) assertTrue(!d.contains("SQZDOC"), "markers are removed: " + d);
    }

    @Test
    void withinBudgetIsUnchangedAndBadInputIsRefused() {
        List<String> docs = List.of("short one.", "short two.");
        var r = DocumentSetCompressor.withDefaults().compress(docs, null, 1000);
        assertEquals(docs, r.documents());
        assertThrows(
                IllegalArgumentException.class,
                () -> DocumentSetCompressor.withDefaults().compress(docs, null, 0));
    }
}
