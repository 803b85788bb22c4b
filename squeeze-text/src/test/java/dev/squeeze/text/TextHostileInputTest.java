package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

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
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> c.compress(
                            CompressionRequest.builder(nested(depth)).rate(0.5).build()),
                    "depth " + depth);
            assertTrue(
                    e.getMessage().contains("nest")
                            && e.getMessage().contains(Integer.toString(JsonCompressor.MAX_DEPTH)),
                    e.getMessage());
        }
        // at the limit it still works
        CompressionResult ok = c.compress(CompressionRequest.builder(nested(JsonCompressor.MAX_DEPTH - 1))
                .rate(0.5)
                .build());
        assertTrue(ok.compressed().startsWith("[[["), ok.compressed());
    }

    @Test
    void verbatimSegmentsOverTheBudgetAreAnErrorLikeTheOtherOverBudgetCases() {
        String verbatim =
                "The contract term is twelve months and renews automatically unless cancelled in writing. ".repeat(10);
        String text = "<squeeze compress=false>" + verbatim + "</squeeze>";
        var c = new LexicalCompressor();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(text).rate(0.1).build()));
        assertTrue(e.getMessage().contains("compress=false") && e.getMessage().contains("budget"), e.getMessage());
        // with own-rate segments too: 10 % of the whole cannot hold the verbatim half
        String mixed = text + "<squeeze rate=0.5>" + verbatim + "</squeeze>";
        assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(mixed).rate(0.1).build()));
    }

    @Test
    void theLongestWordIsFoundByOneLinearScan() {
        String word = "a".repeat(2_000_000);
        TextChecks.Run r = TextChecks.longestRun(word);
        assertEquals(0, r.offset());
        assertEquals(2_000_000, r.length());
        TextChecks.Run mixed =
                TextChecks.longestRun("short words, then " + "=".repeat(40) + " and " + "x".repeat(30) + "123");
        assertEquals(18, mixed.offset());
        assertEquals(40, mixed.length());
        assertEquals(
                2,
                TextChecks.longestRun("ab 123456789 c").length(),
                "digits never form long pieces (the tokenizers split them in threes)");
        assertEquals(
                4,
                TextChecks.longestRun("e\u0301t\u00e9 \uD83D\uDE00").length(),
                "combining marks join their letters; code points count");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TextChecks.requireWordsAtMost("text", word, 1000));
        assertTrue(
                e.getMessage().contains("text")
                        && e.getMessage().contains("2000000-character")
                        && e.getMessage().contains("offset 0")
                        && e.getMessage().contains("1000"),
                e.getMessage());
        TextChecks.requireWordsAtMost("text", "normal words only", 1000);
    }

    @Test
    void aWordLargerThanTheBudgetIsAnErrorNotASilentlyEmptierPrompt() {
        // 2,500 cl100k tokens in one "word" after a 4-token sentence: at rate 0.25 no word-level unit fits the budget.
        String text = "Intro sentence here. " + "x".repeat(20_000) + " end.";
        for (PromptCompressor c :
                List.of(new LexicalCompressor(), CompressorRegistry.load().get("semantic"))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> c.compress(CompressionRequest.builder(text).rate(0.25).build()),
                    c.method());
            assertTrue(
                    e.getMessage().startsWith(c.method() + " kept ")
                            && e.getMessage().contains("budget of"),
                    e.getMessage());
        }
        // The same method on ordinary text meets its budget within the tolerance and raises nothing.
        String filler = LexicalCompressorTest.filler(40);
        CompressionResult r = new LexicalCompressor()
                .compress(CompressionRequest.builder(filler).rate(0.25).build());
        assertTrue(Math.abs(r.rate() - 0.25) <= 0.02, "rate " + r.rate());
    }

    @Test
    void anInterruptedThreadStopsCompressingWithACancellation() {
        String text = LexicalCompressorTest.filler(40);
        var c = new LexicalCompressor();
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(
                    CancellationException.class,
                    () -> c.compress(CompressionRequest.builder(text).rate(0.3).build()));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        } finally {
            Thread.interrupted(); // clear the flag for the next test
        }
        var json = new JsonCompressor(new LexicalCompressor());
        Thread.currentThread().interrupt();
        try {
            assertThrows(
                    CancellationException.class,
                    () -> json.compress(CompressionRequest.builder("{\"a\": \"" + text.replace("\n", " ") + "\"}")
                            .rate(0.3)
                            .build()));
        } finally {
            Thread.interrupted();
        }
        assertTrue(
                c.compress(CompressionRequest.builder(text).rate(0.3).build()).compressedTokens() > 0, "works again");
    }
}
