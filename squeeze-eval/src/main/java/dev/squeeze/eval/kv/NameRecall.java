package dev.squeeze.eval.kv;

import dev.squeeze.llm.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name-recall task of the kv suite: windows of a story text in which a character's name must be recalled at
 * the end. A character introduced as "named X" keeps X through the paragraphs that follow while they mention X
 * (the story); X is renamed, in that story only, to a name drawn (seeded) from {@link #NAMES} that the tokenizer
 * writes as one token after a space, so the model's prior cannot tell which of the names the story uses: only
 * what the cache keeps of the introduction can. Each window ends where such a story ends (BOS + the 255 tokens
 * before that point, paragraphs concatenated as in {@link KvEval#windows}); the scored predictions are the
 * continuation's occurrences of the story's name when the name also occurs in the context. Windows whose
 * continuation does not mention the name again, or whose context does not hold it, are skipped.
 */
public final class NameRecall {
    /** Common TinyStories names; those the tokenizer does not write as one token are left out. */
    static final List<String> NAMES = List.of(
            "Lily", "Tim", "Ben", "Sue", "Tom", "Max", "Mia", "Amy", "Jack", "Sam", "Anna", "Lucy", "Bob", "Jane",
            "Sara", "Zoe", "Leo", "Kate", "Mark", "Emma", "Jake", "Bella", "Molly", "Daisy", "Joe", "Rose");

    private static final Pattern NAMED = Pattern.compile("\\bnamed ([A-Z][a-z]+)\\b");

    /**
     * @param window  BOS + context + continuation, as {@link KvEval#split} cuts it
     * @param scored  per prediction of {@link KvEval#prefillThenDecode} (prediction i targets continuation[i + 1]):
     *                whether it is a recall of the name
     * @param name    the story's (renamed) name
     */
    public record Item(KvEval.Window window, boolean[] scored, String name) {
        public int count() {
            int n = 0;
            for (boolean b : scored) if (b) n++;
            return n;
        }
    }

    private NameRecall() {}

    /**
     * Builds at most {@code max} items from a text of blank-line separated paragraphs.
     *
     * @param len     window length (BOS included), at most the model's context
     * @param ctxLen  tokens prefilled (BOS included); the rest is the continuation
     */
    public static List<Item> items(Tokenizer tok, String text, int len, int ctxLen, int max, long seed) {
        if (ctxLen < 2 || ctxLen >= len)
            throw new IllegalArgumentException("context " + ctxLen + " must be in [2, window " + len + ")");
        List<String> paras = new ArrayList<>();
        for (String p : text.split("\\r?\\n\\s*\\r?\\n")) {
            String s = p.strip();
            if (s.isEmpty()) continue;
            paras.add(s.length() > 4000 ? s.substring(0, 4000) : s);
        }
        List<String> names = singleTokenNames(tok);
        if (names.size() < 2)
            throw new IllegalArgumentException(
                    "the tokenizer writes fewer than two of the names as one token: " + names);
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] renamed = new boolean[paras.size()];
        List<int[]> stories = new ArrayList<>(); // {last paragraph, name index}
        for (int i = 0; i < paras.size(); i++) {
            if (renamed[i]) continue;
            Matcher m = NAMED.matcher(paras.get(i));
            if (!m.find()) continue;
            String x = m.group(1);
            Pattern word = Pattern.compile("\\b" + x + "\\b");
            int j = i;
            while (j + 1 < paras.size()
                    && !renamed[j + 1]
                    && word.matcher(paras.get(j + 1)).find()) j++;
            int pick;
            do pick = rnd.nextInt(names.size());
            while (names.get(pick).equals(x));
            for (int k = i; k <= j; k++) {
                paras.set(k, word.matcher(paras.get(k)).replaceAll(names.get(pick)));
                renamed[k] = true;
            }
            stories.add(new int[] {j, pick});
        }
        int[] ends = new int[paras.size()]; // token offset after each paragraph
        List<int[]> encoded = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < paras.size(); i++) {
            int[] e = tok.encode(paras.get(i), false);
            encoded.add(e);
            total += e.length;
            ends[i] = total;
        }
        int[] stream = new int[total];
        int at = 0;
        for (int[] e : encoded) {
            System.arraycopy(e, 0, stream, at, e.length);
            at += e.length;
        }
        List<Item> out = new ArrayList<>();
        for (int[] s : stories) {
            int end = ends[s[0]];
            if (end < len - 1) continue;
            int[] w = new int[len];
            w[0] = tok.bos();
            System.arraycopy(stream, end - (len - 1), w, 1, len - 1);
            String name = names.get(s[1]);
            int id = tok.encode(name, false)[0];
            boolean inContext = false;
            for (int p = 1; p < ctxLen; p++) if (w[p] == id) inContext = true;
            if (!inContext) continue;
            boolean[] scored = new boolean[len - ctxLen - 1];
            boolean any = false;
            for (int i = 0; i < scored.length; i++) {
                scored[i] = w[ctxLen + 1 + i] == id;
                any |= scored[i];
            }
            if (!any) continue;
            out.add(new Item(KvEval.split(w, ctxLen), scored, name));
            if (out.size() == max) break;
        }
        return out;
    }

    /** The names of {@link #NAMES} the tokenizer writes as one token after a space (the dummy prefix). */
    static List<String> singleTokenNames(Tokenizer tok) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : NAMES) if (tok.encode(n, false).length == 1) out.add(n);
        return List.copyOf(out);
    }

    /** The scored masks of the items, in order (for {@link KvEval#tally}). */
    static List<boolean[]> masks(List<Item> items) {
        return items.stream().map(Item::scored).toList();
    }

    static List<KvEval.Window> windows(List<Item> items) {
        return items.stream().map(Item::window).toList();
    }
}
