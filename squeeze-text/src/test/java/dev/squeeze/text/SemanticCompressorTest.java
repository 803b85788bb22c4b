package dev.squeeze.text;

import static dev.squeeze.text.LexicalCompressorTest.filler;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SemanticCompressorTest {
    static final String NEEDLE = "A doctor named Ines Varga cured the ill seamen after the storm.";
    static final String QUESTION = "Which physician treated the sick sailors when the boat got back to the old square?";
    private final PromptCompressor semantic = new SemanticCompressor();

    /** Varied prose on other topics; some sentences share the question's words, the needle shares none of its content words. */
    static final String[] PROSE = {
        "Most founders underestimate how long it takes to hire the first engineer.",
        "The old bakery on the corner closed after the landlord doubled the rent.",
        "Interest rates rose sharply in the third quarter, and mortgage demand fell.",
        "We got lucky with the weather on the second day of the trip.",
        "A good essay starts with a question the writer does not yet know how to answer.",
        "Working from home suits some teams far better than others.",
        "The committee published its report on river pollution in March.",
        "Children learn languages faster when they hear them at home every day.",
        "The square in front of the station fills with market stalls on Saturdays.",
        "Compilers for dynamic languages have improved enormously since the nineties.",
        "Investors rarely change their minds after the first meeting.",
        "The museum's new wing displays ceramics from three centuries.",
        "Running a marathon requires months of steady training.",
        "Most of the code in a large program exists to handle errors.",
        "The ferry timetable changes twice a year, in April and October.",
        "Nobody expected the tiny startup to beat the incumbents so quickly.",
        "Good design is often a matter of removing things rather than adding them.",
        "The hikers reached the ridge just before the fog rolled in.",
        "Cities grow along rivers because water once carried all the trade.",
        "The school added a chess club after several students asked for one."
    };

    static String haystack() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < PROSE.length; i++) {
            if (i == 12) sb.append(NEEDLE).append(' ');
            sb.append(PROSE[i]).append(i % 5 == 4 ? "\n\n" : " ");
        }
        return sb.toString();
    }

    @Test
    void keepsWholeAParaphrasedSentenceThatTheLexicalMethodOnlyPicksAt() {
        String text = haystack();
        CompressionRequest req =
                CompressionRequest.builder(text).rate(0.1).question(QUESTION).build();
        CompressionResult s = semantic.compress(req), l = new LexicalCompressor().compress(req);
        assertTrue(s.compressed().contains(NEEDLE), s.compressed());
        // BM25 ranks the sentences that share "old", "square" and "got" first.
        assertFalse(l.compressed().contains(NEEDLE), "the lexical method keeps the needle whole: " + l.compressed());
        assertEquals("semantic", s.method());
        assertTrue(Math.abs(s.rate() - 0.1) <= 0.02, "rate " + s.rate());
        assertTrue(s.compressedTokens() <= Math.round(0.1 * s.originTokens()));
    }

    /** Questions on the README's example whose words are in the text: the semantic signal must not push their answers out. */
    @Test
    void keepsTheAnswersOfTheReadmeExample() throws Exception {
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/rag-context.txt"));
        String[][] qa = {
            {"How long are database backups kept on the Pro plan?", "35 days"},
            {"How much does the Team plan cost?", "29 dollars"},
            {"How many API requests per minute does the Pro plan allow?", "3,000"},
            {"Where are incident postmortems published?", "https://status.harbor.example/history"},
            {"How long did the March outage in eu-west-1 last?", "47 minutes"},
            {"Which audits does Harbor Cloud pass?", "SOC 2"},
            {"How often are snapshots taken on the Team plan?", "every 6 hours"},
            {"What status code does the API return when a limit is exceeded?", "429"},
            {"How long are staff accesses to production logged?", "400 days"},
            {"When are invoices issued?", "first day of each month"},
            {"What discount does annual billing give?", "two months free"},
            {"How long can restores of large instances take?", "up to an hour"}
        };
        for (double rate : new double[] {0.5, 0.25, 0.2}) {
            for (String[] x : qa) {
                String out = semantic.compress(CompressionRequest.builder(text)
                                .rate(rate)
                                .question(x[0])
                                .build())
                        .compressed();
                assertTrue(out.contains(x[1]), "rate " + rate + ", " + x[0] + ": " + out);
            }
        }
    }

    @Test
    void withoutAQuestionItIsTheLexicalMethod() {
        String text = haystack();
        for (double rate : new double[] {0.5, 0.2, 0.1}) {
            CompressionRequest req = CompressionRequest.builder(text).rate(rate).build();
            assertEquals(
                    new LexicalCompressor().compress(req).compressed(),
                    semantic.compress(req).compressed(),
                    "rate " + rate);
        }
    }

    @Test
    void keepsTheRateAndTheExistingGuarantees() {
        String text = filler(200);
        for (double rate : new double[] {0.5, 0.33, 0.2, 0.1}) {
            CompressionResult r = semantic.compress(CompressionRequest.builder(text)
                    .rate(rate)
                    .question("Who repaired the bicycle?")
                    .build());
            assertEquals(TokenCounter.cl100k().count(r.compressed()), r.compressedTokens(), "exact recount");
            assertTrue(Math.abs(r.rate() - rate) <= 0.02, "rate " + rate + " achieved " + r.rate());
        }
        CompressionResult forced =
                semantic.compress(CompressionRequest.builder(filler(30) + " Order 4711 ships today. " + filler(30))
                        .rate(0.2)
                        .question("When does it ship?")
                        .forced(ForcedContent.numbersAndUrls())
                        .build());
        assertTrue(forced.compressed().contains("4711"));
    }

    @Test
    void fusionFollowsItsFormula() {
        float[] lex = {0f, 2f, 1f}, sem = {-1f, 0.5f, 1f};
        float[] f = SemanticCompressor.fuse(lex, sem, 0.5);
        assertArrayEquals(new float[] {0f, 0.5f + 0.5f, 0.25f + 1f}, f, 1e-6f);
        assertArrayEquals(
                new float[] {0f, 0f},
                SemanticCompressor.fuse(new float[2], new float[] {-1f, -2f}, 0.5),
                "nothing positive");
    }

    @Test
    void theCascadePutsItsShortlistFirstInTheScorersOrder() {
        TextLayout L = TextLayout.scan("Alpha one. Beta two. Gamma three. Delta four.", ForcedContent.none());
        assertEquals(4, L.units);
        float[] fused = {0.9f, 0.1f, 0.8f, 0.7f};
        // Shortlist of 6 tokens = 24 characters: units 0 (10 chars) and 2 (12 chars); unit 3 would pass the limit.
        float[] out = SemanticCompressor.rerank(
                L,
                fused,
                "q",
                (q, sents) -> {
                    assertEquals(List.of("Alpha one.", "Gamma three."), sents);
                    return new float[] {0.2f, 0.6f};
                },
                6);
        assertArrayEquals(new float[] {0.9f, 0.1f, 1.8f, 0.7f}, out, 1e-6f);
    }

    @Test
    void isTheRegistryDefaultAndRefusesBadOptions() {
        CompressorRegistry reg = CompressorRegistry.load();
        assertEquals("semantic", CompressorRegistry.DEFAULT_METHOD);
        assertEquals("semantic", reg.defaultCompressor().method());
        assertTrue(reg.offlineNames().containsAll(List.of("semantic", "lexical")));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> reg.create("semantic", Map.of("rerank", "bert")));
        assertTrue(e.getMessage().contains("rerank") && e.getMessage().contains("'bert'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> reg.create("semantic", Map.of("bm25Weight", "-1")));
        assertTrue(e.getMessage().contains("bm25Weight") && e.getMessage().contains("'-1'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> reg.create("semantic", Map.of("rerankTokens", "0")));
        assertTrue(e.getMessage().contains("rerankTokens"), e.getMessage());
    }

    @Test
    void theMiniLmCascadeRunsOnThePureJavaEncoder() {
        PromptCompressor c = CompressorRegistry.load()
                .create("semantic", Map.of("rerank", "minilm", "threads", "2", "rerankTokens", "600"));
        CompressionResult r = c.compress(CompressionRequest.builder(haystack())
                .rate(0.1)
                .question(QUESTION)
                .build());
        assertTrue(r.compressed().contains(NEEDLE), r.compressed());
        assertTrue(Math.abs(r.rate() - 0.1) <= 0.02, "rate " + r.rate());
    }
}
