package dev.squeeze.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Splits a prompt into segments marked with {@code <squeeze rate=0.3>...</squeeze>} (own rate) or
 * {@code <squeeze compress=false>...</squeeze>} (kept verbatim); the tags themselves are removed. Text
 * outside tags is one default segment per run. Nesting is not allowed.
 */
final class StructuredPrompt {
    private static final String OPEN = "<squeeze";
    private static final String CLOSE = "</squeeze>";

    /**
     * @param text     segment text without tags
     * @param rate     own rate, or {@code null} for the request's rate
     * @param compress false when the segment is kept verbatim
     */
    public record Segment(String text, @Nullable Double rate, boolean compress) {}

    private StructuredPrompt() {}

    /** True when the text contains segment markup. */
    public static boolean hasMarkup(String text) {
        return text.contains(OPEN);
    }

    public static List<Segment> parse(String text) {
        List<Segment> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = text.indexOf(OPEN, pos);
            if (open < 0) break;
            int endOfTag = text.indexOf('>', open);
            if (endOfTag < 0)
                throw new IllegalArgumentException("unterminated <squeeze ...> tag at char offset " + open);
            char after = text.charAt(open + OPEN.length());
            if (after != ' ' && after != '>' && after != '\t') { // e.g. "<squeezed": ordinary text
                pos = open + OPEN.length();
                continue;
            }
            if (open > pos) out.add(new Segment(text.substring(pos, open), null, true));
            String attrs = text.substring(open + OPEN.length(), endOfTag).trim();
            int close = text.indexOf(CLOSE, endOfTag + 1);
            if (close < 0)
                throw new IllegalArgumentException(
                        "<squeeze> tag at char offset " + open + " is never closed with </squeeze>");
            int nested = text.indexOf(OPEN, endOfTag + 1);
            if (nested >= 0 && nested < close)
                throw new IllegalArgumentException("nested <squeeze> tag at char offset " + nested);
            Double rate = null;
            boolean compress = true;
            for (String a : attrs.split("\\s+")) {
                if (a.isEmpty()) continue;
                int eq = a.indexOf('=');
                if (eq < 0)
                    throw new IllegalArgumentException(
                            "attribute '" + a + "' of <squeeze> at char offset " + open + " has no value");
                String key = a.substring(0, eq).toLowerCase(Locale.ROOT);
                String val = a.substring(eq + 1).replace("\"", "").replace("'", "");
                switch (key) {
                    case "rate" -> {
                        try {
                            rate = Double.parseDouble(val);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(
                                    "rate '" + val + "' of <squeeze> at char offset " + open + " is not a number");
                        }
                        if (!(rate > 0 && rate <= 1))
                            throw new IllegalArgumentException(
                                    "rate of <squeeze> at char offset " + open + " must be in (0, 1], got " + val);
                    }
                    case "compress" -> {
                        if (!val.equals("false") && !val.equals("true"))
                            throw new IllegalArgumentException("compress of <squeeze> at char offset " + open
                                    + " must be true or false, got " + val);
                        compress = Boolean.parseBoolean(val);
                    }
                    default ->
                        throw new IllegalArgumentException("unknown attribute '" + key
                                + "' of <squeeze> at char offset " + open + "; known: rate, compress");
                }
            }
            out.add(new Segment(text.substring(endOfTag + 1, close), compress ? rate : null, compress));
            pos = close + CLOSE.length();
        }
        int stray = text.indexOf(CLOSE, pos);
        if (stray >= 0)
            throw new IllegalArgumentException("</squeeze> at char offset " + stray + " has no opening tag");
        if (pos < text.length()) out.add(new Segment(text.substring(pos), null, true));
        return out;
    }
}
