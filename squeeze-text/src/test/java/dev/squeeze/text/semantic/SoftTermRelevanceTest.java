package dev.squeeze.text.semantic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.kernel.ScalarKernels;
import dev.squeeze.encoder.distill.StaticEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoftTermRelevanceTest {
    static final String QUESTION = "Who got the old clock in the square working again?";
    static final String[] SENTENCES = {
        "The bell mechanism was repaired by a retired watchmaker, Edda Lunde.",
        "And you know who got them?",
        "The old square was quiet in the evening.",
        "Working hard is not the same as working well.",
        "Startups grow fast when the founders talk to users.",
        "Interest rates rose sharply in the third quarter.",
        "A ferry leaves the harbour twice a day."
    };

    /** Units of lower-cased words, as squeeze-text's layout would give them. */
    static TermUnits units(String... sentences) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Integer> unit = new ArrayList<>(), term = new ArrayList<>();
        for (int u = 0; u < sentences.length; u++) {
            for (String w : sentences[u].toLowerCase().split("[^a-z0-9']+")) {
                if (w.isEmpty()) continue;
                unit.add(u);
                term.add(ids.computeIfAbsent(w, k -> ids.size()));
            }
            unit.add(u); // a punctuation piece: not a term
            term.add(-1);
        }
        return new TermUnits(
                sentences.length,
                unit.size(),
                unit.stream().mapToInt(i -> i).toArray(),
                term.stream().mapToInt(i -> i).toArray(),
                ids.keySet().toArray(new String[0]));
    }

    /** The definition, in double precision from the stored vectors, with none of the implementation's shortcuts. */
    static double[] reference(StaticEmbeddings e, String question, String[] sentences) {
        Set<Integer> q = new LinkedHashSet<>();
        for (int id : e.tokenizer().encode(question, false).ids()) if (e.has(id)) q.add(id);
        int U = sentences.length;
        List<Integer> qs = new ArrayList<>(q);
        double[][] best = new double[U][qs.size()];
        for (int u = 0; u < U; u++) {
            for (String w : sentences[u].toLowerCase().split("[^a-z0-9']+")) {
                if (w.isEmpty()) continue;
                for (int id : e.tokenizer().encode(w, false).ids()) {
                    if (!e.has(id)) continue;
                    for (int j = 0; j < qs.size(); j++)
                        best[u][j] = Math.max(best[u][j], cos(e.vector(id), e.vector(qs.get(j))));
                }
            }
        }
        double[] out = new double[U];
        double wSum = 0;
        for (int j = 0; j < qs.size(); j++) {
            float[] v = e.vector(qs.get(j));
            double w = Math.pow(Math.sqrt(dot(v, v)), SoftTermRelevance.WEIGHT_POWER);
            double mean = 0, sq = 0;
            for (int u = 0; u < U; u++) {
                mean += best[u][j];
                sq += best[u][j] * best[u][j];
            }
            mean /= U;
            double sd = Math.max(SoftTermRelevance.MIN_DEVIATION, Math.sqrt(Math.max(0, sq / U - mean * mean)));
            for (int u = 0; u < U; u++) out[u] += w * (best[u][j] - mean) / sd;
            wSum += w;
        }
        for (int u = 0; u < U; u++) out[u] /= wSum;
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * (double) b[i];
        return s;
    }

    static double cos(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    @Test
    void followsItsDefinitionWithVectorAndScalarKernels() {
        StaticEmbeddings e = StaticTokenEmbeddings.miniLm();
        double[] want = reference(e, QUESTION, SENTENCES);
        for (SoftTermRelevance r :
                new SoftTermRelevance[] {SoftTermRelevance.miniLm(), new SoftTermRelevance(e, new ScalarKernels())}) {
            float[] got = r.score(QUESTION, units(SENTENCES)).units();
            for (int u = 0; u < want.length; u++) assertEquals(want[u], got[u], 2e-4, "unit " + u);
            float[] again = r.score(QUESTION, units(SENTENCES)).units(); // second call: words from the memo
            assertArrayEquals(got, again);
        }
    }

    @Test
    void ranksTheParaphraseFirstAmongSentencesOnOtherTopics() {
        String[] text = {
            "A doctor named Ines Varga cured the ill seamen.",
            SENTENCES[4],
            SENTENCES[5],
            SENTENCES[6],
            "The compiler rejected the macro at runtime.",
            "Most investors decide within ten minutes of the first meeting."
        };
        float[] s = SoftTermRelevance.miniLm()
                .score("Which physician treated the sick sailors?", units(text))
                .units();
        for (int u = 1; u < s.length; u++) assertTrue(s[0] > s[u], "needle " + s[0] + " vs '" + text[u] + "' " + s[u]);
    }

    @Test
    void anExactMatchOfARareQuestionWordStillCounts() {
        // The signal is soft, not blind to words: a sentence with the question's own rare words ranks first.
        float[] s = SoftTermRelevance.miniLm().score(QUESTION, units(SENTENCES)).units();
        for (int u = 0; u < s.length; u++)
            if (u != 2)
                assertTrue(s[2] > s[u], "'" + SENTENCES[2] + "' " + s[2] + " vs '" + SENTENCES[u] + "' " + s[u]);
    }

    @Test
    void emptyInputsGiveZeros() {
        SoftTermRelevance r = SoftTermRelevance.miniLm();
        assertEquals(0, r.score(QUESTION, units()).units().length);
        assertArrayEquals(
                new float[2],
                r.score("", units("one sentence.", "another one.")).units());
        assertArrayEquals(
                new float[1],
                r.score(QUESTION, new TermUnits(1, 1, new int[] {0}, new int[] {-1}, new String[0]))
                        .units(),
                "a unit without words");
    }

    @Test
    void groupsAreScoredLikeUnitsOfTheirWords() {
        // Groups {0, 1}, {2, 3, 4}, {5, 6}: the reference on the concatenated sentences is the definition for groups.
        TermUnits flat = units(SENTENCES);
        TermUnits grouped = new TermUnits(
                flat.units(), flat.pieces(), flat.pieceUnit(), flat.pieceTerm(), flat.terms(), 3, new int[] {
                    0, 0, 1, 1, 1, 2, 2
                });
        SoftTermRelevance.Relevance r = SoftTermRelevance.miniLm().score(QUESTION, grouped);
        assertArrayEquals(SoftTermRelevance.miniLm().score(QUESTION, flat).units(), r.units());
        double[] want = reference(StaticTokenEmbeddings.miniLm(), QUESTION, new String[] {
            SENTENCES[0] + " " + SENTENCES[1],
            SENTENCES[2] + " " + SENTENCES[3] + " " + SENTENCES[4],
            SENTENCES[5] + " " + SENTENCES[6]
        });
        for (int g = 0; g < 3; g++) assertEquals(want[g], r.groups()[g], 2e-4, "group " + g);
        assertEquals(0, SoftTermRelevance.miniLm().score(QUESTION, flat).groups().length);
    }

    @Test
    void refusesInconsistentArrays() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new TermUnits(1, 3, new int[2], new int[3], new String[0]));
        assertTrue(e.getMessage().contains("pieces 3"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TermUnits(2, 1, new int[] {2}, new int[] {-1}, new String[0]));
        assertTrue(e.getMessage().contains("piece 0 is in unit 2 of 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TermUnits(1, 1, new int[] {0}, new int[] {1}, new String[] {"a"}));
        assertTrue(e.getMessage().contains("piece 0 has term 1 of 1"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TermUnits(2, 1, new int[] {0}, new int[] {0}, new String[] {"a"}, 1, new int[] {0}));
        assertTrue(e.getMessage().contains("1 groups for 2 units"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new TermUnits(1, 1, new int[] {0}, new int[] {0}, new String[] {"a"}, 1, new int[] {3}));
        assertTrue(e.getMessage().contains("unit 0 is in group 3 of 1"), e.getMessage());
    }
}
