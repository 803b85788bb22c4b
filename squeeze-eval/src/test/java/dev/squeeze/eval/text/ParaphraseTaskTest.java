package dev.squeeze.eval.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.data.SharedData;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ParaphraseTaskTest {
    @Test
    void porterStemmerGivesThePublishedStems() {
        String[][] cases = {
            {"caresses", "caress"},
            {"ponies", "poni"},
            {"ties", "ti"},
            {"cats", "cat"},
            {"feed", "feed"},
            {"agreed", "agre"},
            {"plastered", "plaster"},
            {"bled", "bled"},
            {"motoring", "motor"},
            {"sing", "sing"},
            {"conflated", "conflat"},
            {"troubled", "troubl"},
            {"sized", "size"},
            {"hopping", "hop"},
            {"tanned", "tan"},
            {"falling", "fall"},
            {"hissing", "hiss"},
            {"fizzed", "fizz"},
            {"failing", "fail"},
            {"filing", "file"},
            {"happy", "happi"},
            {"sky", "sky"},
            {"relational", "relat"},
            {"conditional", "condit"},
            {"rational", "ration"},
            {"digitizer", "digit"},
            {"operator", "oper"},
            {"feudalism", "feudal"},
            {"hopefulness", "hope"},
            {"callousness", "callous"},
            {"formative", "form"},
            {"formalize", "formal"},
            {"electrical", "electr"},
            {"hopeful", "hope"},
            {"goodness", "good"},
            {"revival", "reviv"},
            {"allowance", "allow"},
            {"inference", "infer"},
            {"airliner", "airlin"},
            {"adjustable", "adjust"},
            {"defensible", "defens"},
            {"irritant", "irrit"},
            {"replacement", "replac"},
            {"adjustment", "adjust"},
            {"dependent", "depend"},
            {"adoption", "adopt"},
            {"communism", "commun"},
            {"activate", "activ"},
            {"effective", "effect"},
            {"bowdlerize", "bowdler"},
            {"probate", "probat"},
            {"rate", "rate"},
            {"cease", "ceas"},
            {"controlling", "control"},
            {"generalizations", "gener"},
            {"oscillators", "oscil"}
        };
        for (String[] c : cases) assertEquals(c[1], PorterStemmer.stem(c[0]), c[0]);
    }

    @Test
    void everyNeedleSharesNoContentWordWithItsQuestion() {
        assertTrue(ParaphraseTask.NEEDLES.size() >= 40, "at least 40 needles");
        for (ParaphraseTask.Needle n : ParaphraseTask.NEEDLES) ParaphraseTask.check(n);
        assertEquals(24, ParaphraseTask.CHECK_NEEDLES.size());
        for (ParaphraseTask.Needle n : ParaphraseTask.CHECK_NEEDLES) ParaphraseTask.check(n);
        Set<String> sentences = new java.util.HashSet<>();
        for (ParaphraseTask.Needle n : ParaphraseTask.NEEDLES) sentences.add(n.sentence());
        for (ParaphraseTask.Needle n : ParaphraseTask.CHECK_NEEDLES)
            assertTrue(sentences.add(n.sentence()), "used twice: " + n.sentence());
        assertEquals(
                Set.of("bell", "mechan", "repair", "retir", "watchmak", "edda", "lund"),
                ParaphraseTask.contentStems(ParaphraseTask.NEEDLES.get(0).sentence()));
    }

    @Test
    void theBuilderRefusesAViolatingNeedle() {
        var bad = new ParaphraseTask.Needle(
                "The clocks were repaired by Edda Lunde.", "Who repairs clocks?", "Edda Lunde");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParaphraseTask.check(bad));
        assertTrue(e.getMessage().contains("[repair, clock]"), e.getMessage());
        var missing = new ParaphraseTask.Needle("The bell rang.", "Which sound was heard?", "a gong");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ParaphraseTask.check(missing))
                .getMessage()
                .contains("'a gong'"));
    }

    @Test
    void examplesPlaceEveryNeedleInEveryLength() throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<TextTasks.Example> ex = ParaphraseTask.examples(data, ParaphraseTask.NEEDLES, new int[] {1000, 4000}, 100);
        assertEquals(2 * ParaphraseTask.NEEDLES.size(), ex.size());
        for (int i = 0; i < ex.size(); i++) {
            ParaphraseTask.Needle n = ParaphraseTask.NEEDLES.get(i % ParaphraseTask.NEEDLES.size());
            assertTrue(ex.get(i).context().contains(n.sentence()));
            assertEquals(n.question(), ex.get(i).question());
            assertTrue(TextTasks.retained(ex.get(i), ex.get(i).context()));
        }
        assertEquals(
                ex,
                ParaphraseTask.examples(data, ParaphraseTask.NEEDLES, new int[] {1000, 4000}, 100),
                "deterministic");
    }
}
