package dev.squeeze.eval.text;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.LexicalCompressor;
import dev.squeeze.text.TokenCounter;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What a long "word" costs (development aid for docs/RELIABILITY.md): thread CPU of counting cl100k tokens and of
 * the default method at rate 0.5 on texts of {@code args[0]} characters (default 2,000,000) made of random
 * lower-case words of a fixed length, from 8 characters to one word filling the text. Median of 3 after a warm-up.
 */
public final class LongWordCostMain {
    static final java.lang.management.ThreadMXBean T = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int chars = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        TokenCounter counter = TokenCounter.cl100k();
        LexicalCompressor lexical = new LexicalCompressor();
        counter.count(text(100, 200_000)); // warm-up
        lexical.compress(
                CompressionRequest.builder(text(100, 200_000)).rate(0.5).build());
        System.out.printf("%-12s %10s %12s %14s%n", "word chars", "tokens", "count ms", "compress ms");
        for (int len : new int[] {8, 100, 250, 500, 1000, 4096, chars}) {
            String s = text(len, chars);
            double[] count = new double[3], compress = new double[3];
            int tokens = 0;
            for (int r = 0; r < 3; r++) {
                long c0 = T.getCurrentThreadCpuTime();
                tokens = counter.count(s);
                long c1 = T.getCurrentThreadCpuTime();
                lexical.compress(CompressionRequest.builder(s).rate(0.5).build());
                long c2 = T.getCurrentThreadCpuTime();
                count[r] = (c1 - c0) / 1e6;
                compress[r] = (c2 - c1) / 1e6;
            }
            System.out.printf("%-12d %10d %12.0f %14.0f%n", len, tokens, median(count), median(compress));
        }
    }

    /** {@code chars} characters of random words of {@code len} letters, one space between. */
    static String text(int len, int chars) {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder sb = new StringBuilder(chars + len + 1);
        while (sb.length() < chars) {
            for (int i = 0; i < len && sb.length() < chars; i++) sb.append((char) ('a' + r.nextInt(26)));
            if (sb.length() < chars) sb.append(' ');
        }
        return sb.toString();
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
