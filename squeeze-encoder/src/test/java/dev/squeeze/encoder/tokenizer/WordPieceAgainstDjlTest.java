package dev.squeeze.encoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.squeeze.core.data.SharedData;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.RealSentences;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our WordPiece pipeline against DJL's binding of the Rust Hugging Face tokenizers, on all-MiniLM-L6-v2's tokenizer.json. */
class WordPieceAgainstDjlTest {

    static HuggingFaceTokenizer djl(Path json) throws Exception {
        return HuggingFaceTokenizer.newInstance(
                json,
                Map.of(
                        "addSpecialTokens",
                        "false",
                        "truncation",
                        "false",
                        "padding",
                        "false",
                        "maxLength",
                        "1000000000"));
    }

    static void assertSame(HfTokenizer ours, HuggingFaceTokenizer ref, String text) {
        ai.djl.huggingface.tokenizers.Encoding e = ref.encode(text, true, false);
        Encoding o = ours.encode(text, true);
        assertEquals(Arrays.asList(e.getTokens()), o.tokens(), () -> "tokens of: " + text);
        long[] ids = e.getIds();
        int[] want = new int[ids.length];
        for (int i = 0; i < ids.length; i++) want[i] = (int) ids[i];
        assertArrayEquals(want, o.ids(), () -> "ids of: " + text);
    }

    @Test
    void realSentencesTokeniseAsTheReference() throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<String> texts = new ArrayList<>(RealSentences.load(data, 300, 200));
        HfTokenizer ours = HfTokenizer.load(MiniLmFiles.tokenizerJson());
        try (HuggingFaceTokenizer ref = djl(MiniLmFiles.tokenizerJson())) {
            for (String t : texts) assertSame(ours, ref, t);
        }
        assertEquals(500, texts.size());
    }

    @Test
    void edgeCasesTokeniseAsTheReference() throws Exception {
        HfTokenizer ours = HfTokenizer.load(MiniLmFiles.tokenizerJson());
        String[] texts = {
            "",
            " ",
            "Hello, World!",
            "naïve café résumé ÉCOLE",
            "İstanbul ΣΟΦΙΑ straße",
            "北京欢迎你 and 東京",
            "tab\there\nnew line\r\ncarriage",
            "zero\u200bwidth\u00a0nbsp\u202fnarrow",
            "emoji 😀👍🏽 family 👨‍👩‍👧",
            "[CLS] inside [SEP] text [MASK]",
            "a" + "b".repeat(120) + " long word",
            "$100 + 5% = ^_^ | ~`",
            "control\u0001chars\u0085nel\ufffdrepl",
            "Ångström ﬁ ligature ①②",
            "don't won't it's",
            "U.S.A. e.g. i.e.",
            "mixed1234numbers56 7.5e-3",
            "\u0000nul",
            "Hindi हिन्दी Arabic العربية",
            "combining e\u0301 o\u0308"
        };
        try (HuggingFaceTokenizer ref = djl(MiniLmFiles.tokenizerJson())) {
            for (String t : texts) assertSame(ours, ref, t);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void addedTokensMatchedBeforeAndAfterNormalisationAsTheReference() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode)
                om.readTree(MiniLmFiles.tokenizerJson().toFile());
        var added = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("added_tokens");
        added.addObject()
                .put("id", 30522)
                .put("content", "New York")
                .put("single_word", false)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", true)
                .put("special", false);
        added.addObject()
                .put("id", 30523)
                .put("content", "<Ent>")
                .put("single_word", false)
                .put("lstrip", true)
                .put("rstrip", true)
                .put("normalized", false)
                .put("special", true);
        added.addObject()
                .put("id", 30524)
                .put("content", "zz")
                .put("single_word", true)
                .put("lstrip", false)
                .put("rstrip", false)
                .put("normalized", false)
                .put("special", false);
        Path json = tmp.resolve("tokenizer.json");
        om.writeValue(json.toFile(), root);
        HfTokenizer ours = HfTokenizer.load(json);
        String[] texts = {
            "I moved to NEW YORK from new york.", "the <Ent>  tag <Ent>x and <ent>", "zz buzz zz! zzz", "New Yorkers"
        };
        try (HuggingFaceTokenizer ref = djl(json)) {
            for (String t : texts) assertSame(ours, ref, t);
        }
        assertEquals(30522, ours.encode("new york", false).ids()[0]);
    }
}
