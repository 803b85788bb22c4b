package dev.squeeze.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.RealSentences;
import dev.squeeze.encoder.testing.SyntheticTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unigram (Viterbi, unknown fusion), the Precompiled normaliser (Darts double array, grapheme rule) and Metaspace
 * against the Rust reference (DJL), on an XLM-R-shaped tokenizer.json built from MiniLM's vocabulary.
 */
class UnigramAgainstDjlTest {
    @TempDir
    static Path tmp;

    static Path json;

    @BeforeAll
    static void write() throws Exception {
        json = tmp.resolve("tokenizer.json");
        Files.write(json, SyntheticTokenizers.unigram(MiniLmFiles.tokenizerJson(), 7));
    }

    @Test
    void realSentencesTokeniseAsTheReference() throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<String> texts = RealSentences.load(data, 300, 200);
        HfTokenizer ours = HfTokenizer.load(json);
        assertEquals(HfTokenizer.Model.UNIGRAM, ours.model());
        int unknown = 0;
        try (HuggingFaceTokenizer ref = WordPieceAgainstDjlTest.djl(json)) {
            for (String t : texts) {
                WordPieceAgainstDjlTest.assertSame(ours, ref, t);
                for (int id : ours.encode(t, false).ids()) if (id == 3) unknown++;
            }
        }
        assertTrue(
                unknown > 50, "upper-case letters are unknown to this vocabulary, so fusion is exercised: " + unknown);
    }

    @Test
    void charsmapRulesAndEdgeCasesAsTheReference() throws Exception {
        HfTokenizer ours = HfTokenizer.load(json);
        String[] texts = {
            "",
            " ",
            "  double  spaces ",
            "\uFB01nd the \u2460st \uFF21 \u2026 here",
            "nbsp\u00A0and\u3000wide",
            "zero\u200Bwidth",
            "co\u0308operate o\u0308 \u00F6",
            "line\r\nbreak\rcr",
            "m\u00FCnchen",
            "\uFF76\uFF9E\uFF76 kana",
            "\u212Bngstr\u00F6m",
            "<s> special </s> and <mask> tokens <unk>",
            "text   <mask>",
            "emoji \uD83D\uDE00 and \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "UPPER CASE IS UNKNOWN",
            "mixed Case Words",
            "tab\tsep",
            "\u00E9t\u00E9 e\u0301te\u0301"
        };
        try (HuggingFaceTokenizer ref = WordPieceAgainstDjlTest.djl(json)) {
            for (String t : texts) WordPieceAgainstDjlTest.assertSame(ours, ref, t);
        }
    }
}
