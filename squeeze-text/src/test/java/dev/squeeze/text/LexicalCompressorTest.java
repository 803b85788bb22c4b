package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LexicalCompressorTest {
    private final PromptCompressor c = new LexicalCompressor();

    /** Deterministic filler prose: 40 sentences about unrelated topics. */
    static String filler(int sentences) {
        String[] subj = {
            "The committee",
            "A gardener",
            "Our neighbour",
            "The old library",
            "This winter",
            "A young engineer",
            "The river",
            "Every market"
        };
        String[] verb = {"discussed", "planted", "repaired", "described", "remembered", "measured", "painted", "ignored"
        };
        String[] obj = {
            "the long report about rainfall",
            "several rows of tulips near the fence",
            "a broken bicycle wheel",
            "the history of the harbour",
            "quiet evenings by the fire",
            "the width of the northern bridge",
            "a portrait of the mayor",
            "the noise from the street"
        };
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            sb.append(subj[i % 8])
                    .append(' ')
                    .append(verb[(i * 3) % 8])
                    .append(' ')
                    .append(obj[(i * 5) % 8])
                    .append('.');
            sb.append(i % 6 == 5 ? "\n\n" : " ");
        }
        return sb.toString();
    }

    @Test
    void achievedRateIsWithinTwoPointsOfRequested() {
        String text = filler(200);
        int origin = TokenCounter.cl100k().count(text);
        for (double rate : new double[] {0.5, 0.33, 0.2, 0.1}) {
            CompressionResult r =
                    c.compress(CompressionRequest.builder(text).rate(rate).build());
            assertEquals(origin, r.originTokens());
            assertEquals(TokenCounter.cl100k().count(r.compressed()), r.compressedTokens(), "exact recount");
            assertTrue(Math.abs(r.rate() - rate) <= 0.02, "rate " + rate + " achieved " + r.rate());
            assertTrue(r.compressedTokens() <= Math.round(rate * origin), "never above the budget");
        }
    }

    @Test
    void targetTokensIsHonoured() {
        String text = filler(100);
        CompressionResult r =
                c.compress(CompressionRequest.builder(text).targetTokens(150).build());
        assertTrue(r.compressedTokens() <= 150 && r.compressedTokens() >= 140, "got " + r.compressedTokens());
    }

    @Test
    void questionKeepsTheRelevantSentenceIntactAtTenPercent() {
        String needle = "The secret launch code for the orbital telescope is kept in the blue notebook.";
        String text = filler(60) + needle + " " + filler(80);
        CompressionResult r = c.compress(CompressionRequest.builder(text)
                .rate(0.1)
                .question("Where is the secret launch code for the telescope kept?")
                .build());
        assertTrue(r.compressed().contains(needle), r.compressed());
    }

    @Test
    void forcedNumbersUrlsAndIdsSurvive() {
        String text = filler(30)
                + " The invoice 4711 of order ab12-cd34 totals 1,250.75 dollars, see https://example.com/x?id=9. "
                + filler(30);
        CompressionResult r = c.compress(CompressionRequest.builder(text)
                .rate(0.2)
                .forced(new ForcedContent(true, true, true, false, List.of("tulips")))
                .build());
        for (String s : List.of("4711", "ab12-cd34", "1,250.75", "https://example.com/x?id=9", "tulips")) {
            assertTrue(r.compressed().contains(s), s + " missing in " + r.compressed());
        }
    }

    @Test
    void forcedContentOverBudgetIsAnErrorNotATruncation() {
        String text = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 and some words here";
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(text)
                        .rate(0.2)
                        .forced(ForcedContent.numbersAndUrls())
                        .build()));
        assertTrue(e.getMessage().contains("forced content"), e.getMessage());
    }

    @Test
    void headingsAndCodeBlocksAreKeptWholeAndStructureStays() {
        String code = "```\nint x = 42;\nreturn x * 2;\n```";
        String text = "# Title of the page\n\n" + filler(40) + "\n" + code + "\n\n## Second heading\n\n" + filler(40);
        CompressionResult r =
                c.compress(CompressionRequest.builder(text).rate(0.3).build());
        assertTrue(r.compressed().startsWith("# Title of the page\n"), r.compressed());
        assertTrue(r.compressed().contains(code));
        assertTrue(r.compressed().contains("\n## Second heading"));
    }

    @Test
    void squeezeSegmentsHonourTheirOwnRateAndCompressFalse() {
        String keep = "Do not change this sentence, it is a contract clause number 7.";
        String text = "<squeeze compress=false>" + keep + "</squeeze>\n" + filler(50) + "<squeeze rate=0.9>"
                + filler(10) + "</squeeze>";
        CompressionResult r =
                c.compress(CompressionRequest.builder(text).rate(0.4).build());
        assertTrue(r.compressed().startsWith(keep + "\n"), r.compressed());
        assertFalse(r.compressed().contains("<squeeze"));
        int tail = TokenCounter.cl100k().count(filler(10));
        assertTrue(r.compressedTokens() > 0.4 * r.originTokens() - 0.02 * r.originTokens());
        assertTrue(tail > 0);
    }

    @Test
    void badInputFailsClearly() {
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("").rate(0.5).build());
        var e1 = assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("abc").rate(0).build());
        assertTrue(e1.getMessage().contains("(0, 1]"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("abc").rate(1.5).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("abc").rate(Double.NaN).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("abc").targetTokens(0).build());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("ab\u0000c").rate(0.5).build());
        assertTrue(e2.getMessage().contains("offset 2"), e2.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> CompressionRequest.builder("ab\uD800c").rate(0.5).build());
        var e3 = assertThrows(
                IllegalArgumentException.class,
                () -> TextChecks.decodeUtf8(new byte[] {'a', 'b', (byte) 0xC3, (byte) 0x28}, "in.txt"));
        assertTrue(e3.getMessage().contains("in.txt") && e3.getMessage().contains("byte offset 2"), e3.getMessage());
        var e4 = assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(filler(5))
                        .rate(0.1)
                        .question(
                                "What did the committee discuss about rainfall in the long report, and who planted the tulips near the fence?")
                        .build()));
        assertTrue(e4.getMessage().contains("question has"), e4.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder("<squeeze rate=2>x</squeeze>")
                        .rate(0.5)
                        .build()));
        assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder("<squeeze rate=0.2>x")
                        .rate(0.5)
                        .build()));
        var e5 = assertThrows(
                IllegalArgumentException.class, () -> CompressorRegistry.load().get("nope"));
        assertTrue(e5.getMessage().contains("lexical"));
    }

    @Test
    void rateOneAndLargeBudgetsReturnTheInputUnchanged() {
        String text = filler(10);
        assertEquals(
                text,
                c.compress(CompressionRequest.builder(text).rate(1.0).build()).compressed());
        assertEquals(
                text,
                c.compress(CompressionRequest.builder(text)
                                .targetTokens(100_000)
                                .build())
                        .compressed());
    }

    @Test
    void oneInstanceIsSafeAcrossThreads() throws Exception {
        List<CompressionRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            reqs.add(CompressionRequest.builder(filler(40 + 7 * i))
                    .rate(0.1 + 0.05 * (i % 8))
                    .question(i % 2 == 0 ? "tulips fence" : null)
                    .build());
        }
        List<String> expected =
                reqs.stream().map(r -> c.compress(r).compressed()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 4; round++) {
                List<Future<String>> fs = new ArrayList<>();
                for (CompressionRequest r : reqs)
                    fs.add(pool.submit(() -> c.compress(r).compressed()));
                for (int i = 0; i < fs.size(); i++)
                    assertEquals(expected.get(i), fs.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void registryFindsLexicalAndO200kCountsDiffer() {
        CompressorRegistry reg = CompressorRegistry.load();
        assertEquals("lexical", reg.get("lexical").method());
        String text = filler(20);
        CompressionResult a = reg.get("lexical")
                .compress(CompressionRequest.builder(text)
                        .rate(0.5)
                        .encoding(TokenEncoding.O200K_BASE)
                        .build());
        assertEquals(TokenCounter.of(TokenEncoding.O200K_BASE).count(text), a.originTokens());
        assertEquals(
                Map.of(), CompressionRequest.builder(text).rate(0.5).build().options());
    }
}
