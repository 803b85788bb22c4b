package dev.squeeze.text;

import java.util.ArrayList;
import java.util.List;

/** Sentence (or line) spans of a text, from the same scanner as the default method; code blocks are one span. */
public final class Sentences {
    /**
     * @param start     first char
     * @param end       char after the last
     * @param paragraph blank-line paragraph index
     * @param structure true for a Markdown heading or fenced code block
     * @param forced    true when the span holds content the request forces (numbers, URLs, ...)
     */
    public record Span(int start, int end, int paragraph, boolean structure, boolean forced) {
        public String of(String text) {
            return text.substring(start, end);
        }
    }

    private Sentences() {}

    /** True when {@code word} (one whitespace-free token) is content {@code forced} asks to keep. */
    public static boolean isForced(String word, ForcedContent forced) {
        if (!forced.any()) return false;
        TextLayout l = TextLayout.scan(word, forced);
        for (int p = 0; p < l.pieces; p++) if ((l.flags[p] & TextLayout.FORCED) != 0) return true;
        return false;
    }

    public static List<Span> split(String text) {
        return split(text, ForcedContent.none());
    }

    /** Spans, each marked when it contains forced content. */
    public static List<Span> split(String text, ForcedContent forced) {
        TextLayout l = TextLayout.scan(text, forced);
        List<Span> out = new ArrayList<>(l.units);
        for (int u = 0; u < l.units; u++) {
            int a = l.unitFirst[u], b = l.unitEnd[u];
            if (a == b) continue;
            boolean f = false;
            for (int p = a; p < b && !f; p++) f = (l.flags[p] & TextLayout.FORCED) != 0;
            out.add(new Span(l.start[a], l.end[b - 1], l.unitPara[u], l.unitKind[u] != TextLayout.UNIT_TEXT, f));
        }
        return out;
    }

    /** Joins kept spans: original text between adjacent spans, else "\n\n" across paragraphs, "\n" across lines, " ". */
    public static String join(String text, List<Span> spans, boolean[] keep) {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        for (int i = 0; i < spans.size(); i++) {
            if (!keep[i]) continue;
            Span s = spans.get(i);
            if (prev >= 0) {
                Span p = spans.get(prev);
                if (prev == i - 1) sb.append(text, p.end(), s.start());
                else if (s.paragraph() != p.paragraph()) sb.append("\n\n");
                else if (hasNewline(text, p.end(), s.start())) sb.append('\n');
                else sb.append(' ');
            }
            sb.append(text, s.start(), s.end());
            prev = i;
        }
        return sb.toString();
    }

    static boolean hasNewline(String text, int from, int to) {
        int i = text.indexOf('\n', from);
        return i >= 0 && i < to;
    }
}
