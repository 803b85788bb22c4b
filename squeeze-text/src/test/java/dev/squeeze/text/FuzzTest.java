package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random input never escapes as anything but IllegalArgumentException, and successful output respects the budget. */
class FuzzTest {
    private static final String[] MARKUP = {
        "<squeeze rate=0.3>", "<squeeze compress=false>", "</squeeze>", "<squeeze", ">"
    };
    private static final String[] PARTS = {
        " ",
        "\n",
        "\n\n",
        "```",
        "# ",
        "word",
        "Paris",
        "42",
        "3.5",
        "a-b1",
        "https://x.org/p",
        ".",
        ",",
        "?",
        "é",
        "中文",
        "\uD83D\uDE00",
        "\t",
        "\"k\": \"v\"",
        "{",
        "}",
        "$",
        "%",
        "rate=",
        "'",
        "..."
    };

    @Test
    void utf8DecoderRejectsOrAcceptsRandomBytesCleanly() {
        Random r = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            try {
                String s = TextChecks.decodeUtf8(b, "fuzz");
                assertNotNull(s);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("fuzz"), e.getMessage());
            }
        }
    }

    @Test
    void randomPromptsCompressOrFailClearly() {
        Random r = new Random(7);
        LexicalCompressor c = new LexicalCompressor();
        int ok = 0;
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(120);
            for (int k = 0; k < n; k++) {
                sb.append(r.nextInt(100) < 2 ? MARKUP[r.nextInt(MARKUP.length)] : PARTS[r.nextInt(PARTS.length)]);
            }
            String text = sb.toString();
            double rate = 0.05 + r.nextDouble() * 0.95;
            try {
                CompressionRequest req = CompressionRequest.builder(text)
                        .rate(rate)
                        .question(r.nextBoolean() ? "Paris word?" : null)
                        .forced(r.nextBoolean() ? ForcedContent.numbersAndUrls() : ForcedContent.none())
                        .build();
                CompressionResult res = c.compress(req);
                assertEquals(TokenCounter.cl100k().count(res.compressed()), res.compressedTokens());
                if (!StructuredPrompt.hasMarkup(text)
                        && !req.forced().any()
                        && !text.contains("```")
                        && !text.contains("# ")) {
                    assertTrue(
                            res.compressedTokens() <= Math.max(req.targetTokens(res.originTokens()), 0)
                                    || res.rate() == 1.0,
                            "over budget for " + text + " -> " + res);
                }
                ok++;
            } catch (IllegalArgumentException e) {
                assertNotNull(e.getMessage());
                if (System.getenv("FUZZ_DEBUG") != null)
                    System.err.println("IAE " + e.getMessage().replaceAll("[0-9]+", "N"));
            }
        }
        assertTrue(ok > 200, "most random prompts compress: " + ok);
    }
}
