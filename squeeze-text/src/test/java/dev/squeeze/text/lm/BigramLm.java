package dev.squeeze.text.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hand-made causal LM for tests: words are tokens ("\n\n" is the token "&lt;p&gt;"), p(w | previous word) comes
 * from a table, unlisted pairs get {@link #DEFAULT_P}; the first token is conditioned on "&lt;s&gt;". Losses are
 * therefore hand-computable: loss = -ln p.
 */
final class BigramLm implements CausalLm {
    static final double DEFAULT_P = 0.01;
    private final Map<String, Double> p;
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, String> words = new ConcurrentHashMap<>();

    BigramLm(Map<String, Double> pairProbabilities) {
        this.p = pairProbabilities;
    }

    static String pair(String prev, String next) {
        return prev + " " + next;
    }

    double prob(String prev, String next) {
        return p.getOrDefault(pair(prev, next), DEFAULT_P);
    }

    private synchronized int id(String w) {
        return ids.computeIfAbsent(w, k -> {
            int i = ids.size();
            words.put(i, k);
            return i;
        });
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        String[] paras = text.split("\n\n", -1);
        for (int k = 0; k < paras.length; k++) {
            if (k > 0) out.add(id("<p>"));
            for (String w : paras[k].trim().split("\\s+")) if (!w.isEmpty()) out.add(id(w));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokenIds) {
            String w = words.get(t);
            if (w.equals("<p>")) sb.append("\n\n");
            else {
                if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '\n') sb.append(' ');
                sb.append(w);
            }
        }
        return sb.toString();
    }

    @Override
    public float[] tokenLosses(int[] tokenIds) {
        float[] l = new float[tokenIds.length];
        String prev = "<s>";
        for (int i = 0; i < tokenIds.length; i++) {
            String w = words.get(tokenIds[i]);
            l[i] = (float) -Math.log(prob(prev, w));
            prev = w;
        }
        return l;
    }
}
