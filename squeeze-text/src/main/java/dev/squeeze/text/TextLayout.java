package dev.squeeze.text;

import java.util.Arrays;
import java.util.Set;

/**
 * One pass over a text: pieces (words, punctuation runs, URLs, fenced code blocks), the units they belong
 * to (sentences or lines; a fenced code block or a Markdown heading is one unit) and paragraphs (separated
 * by blank lines). Word terms are interned lower-cased into {@link TermTable} ids. A hand-written scanner,
 * no regular expressions, so it runs at memory speed. Built per call; not shared.
 */
final class TextLayout {
    static final byte WORD = 0, PUNCT = 1, URL = 2, CODE = 3;
    static final int SPACE_BEFORE = 1, FORCED = 2, NUMBER = 4, ID = 8, ENTITY = 16;
    static final byte UNIT_TEXT = 0, UNIT_HEADING = 1, UNIT_CODE = 2;

    final String text;
    final TermTable terms;
    int pieces;
    int[] start, end, term, unit, flags, nlBefore, paraBefore;
    byte[] kind;
    int units;
    int[] unitFirst, unitEnd, unitPara;
    byte[] unitKind;
    int paragraphs;

    private TextLayout(String text) {
        this.text = text;
        int cap = Math.max(16, text.length() / 4);
        start = new int[cap];
        end = new int[cap];
        term = new int[cap];
        unit = new int[cap];
        flags = new int[cap];
        nlBefore = new int[cap];
        paraBefore = new int[cap];
        kind = new byte[cap];
        int ucap = Math.max(8, text.length() / 60);
        unitFirst = new int[ucap];
        unitEnd = new int[ucap];
        unitPara = new int[ucap];
        unitKind = new byte[ucap];
        terms = new TermTable(Math.max(64, text.length() / 30));
    }

    static TextLayout scan(String text, ForcedContent forced) {
        TextLayout l = new TextLayout(text);
        l.run(forced);
        return l;
    }

    static boolean isWordChar(char c) {
        if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        return Character.isLetterOrDigit(c) && !Character.isIdeographic(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' '
                || c == '\t'
                || c == '\r'
                || c == '\f'
                || (c >= 128 && Character.isWhitespace(c))
                || c == '\u00A0';
    }

    private void run(ForcedContent forced) {
        final String s = text;
        final int n = s.length();
        Set<String> forceTokens = forced.tokens().isEmpty() ? null : Set.copyOf(forced.tokens());
        int pos = 0, nl = 0, para = 0, gapNewlines = 0;
        boolean space = false, lineStart = true, unitOpen = false, sentenceStart = true;
        byte openKind = UNIT_TEXT;
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '\n') {
                if (gapNewlines == 0
                        && unitOpen
                        && wrappedLine(s, pos, n)) { // hard-wrapped prose: the sentence goes on
                    space = true;
                    pos++;
                    continue;
                }
                gapNewlines++;
                nl++;
                if (gapNewlines == 2) para++;
                unitOpen = false;
                lineStart = true;
                sentenceStart = true;
                pos++;
                continue;
            }
            if (isSpace(c)) {
                space = true;
                pos++;
                continue;
            }
            if (lineStart && c == '`' && s.startsWith("```", pos)) {
                int close = s.indexOf("\n```", pos + 3);
                int stop = close < 0 ? n : s.indexOf('\n', close + 4);
                if (stop < 0) stop = n;
                openUnit(para, UNIT_CODE);
                addPiece(pos, stop, CODE, space || gapNewlines > 0, nl, para, -1);
                unitOpen = false;
                lineStart = false;
                space = false;
                gapNewlines = 0;
                pos = stop;
                continue;
            }
            if (lineStart) {
                openKind = c == '#' ? UNIT_HEADING : UNIT_TEXT;
                lineStart = false;
            }
            if (!unitOpen) {
                openUnit(para, openKind);
                unitOpen = true;
                sentenceStart = true;
            }
            boolean sp = space || gapNewlines > 0;
            space = false;
            gapNewlines = 0;
            int stop;
            if (urlAt(s, pos)) {
                stop = pos;
                while (stop < n
                        && !isSpace(s.charAt(stop))
                        && s.charAt(stop) != '\n'
                        && "<>\"'`".indexOf(s.charAt(stop)) < 0) stop++;
                while (stop > pos + 4 && ".,;:!?)]}".indexOf(s.charAt(stop - 1)) >= 0) stop--;
                int p = addPiece(pos, stop, URL, sp, nl, para, terms.intern(s, pos, stop));
                if (forced.urls()) flags[p] |= FORCED;
                sentenceStart = false;
            } else if (isWordChar(c) || Character.isIdeographic(c)) {
                stop = Character.isIdeographic(c) ? pos + 1 : wordEnd(s, pos, n);
                int p = addPiece(pos, stop, WORD, sp, nl, para, terms.intern(s, pos, stop));
                classifyWord(p, sentenceStart, forced, forceTokens);
                sentenceStart = false;
            } else {
                stop = pos + 1;
                while (stop < n) {
                    char d = s.charAt(stop);
                    if (d == '\n' || isSpace(d) || isWordChar(d) || Character.isIdeographic(d)) break;
                    stop++;
                }
                int p = addPiece(pos, stop, PUNCT, sp, nl, para, terms.intern(s, pos, stop));
                if (forceTokens != null && forceTokens.contains(s.substring(pos, stop))) flags[p] |= FORCED;
                boolean ends = false;
                for (int k = pos; k < stop; k++) {
                    char d = s.charAt(k);
                    if (d == '.' || d == '!' || d == '?' || d == '。' || d == '！' || d == '？') {
                        ends = true;
                        break;
                    }
                }
                if (ends && (stop == n || isSpace(s.charAt(stop)) || s.charAt(stop) == '\n')) {
                    unitOpen = false; // next piece opens a new sentence unit on the same line
                    openKind = openKind == UNIT_HEADING ? UNIT_HEADING : UNIT_TEXT;
                }
            }
            pos = stop;
        }
        paragraphs = para + 1;
    }

    /**
     * A single newline inside a sentence of hard-wrapped prose: the previous piece is a word or a comma-like mark
     * and the next line starts with a lower-case letter (so never a heading, list item, code fence or JSON line).
     */
    private boolean wrappedLine(String s, int nl, int n) {
        if (pieces == 0 || unit[pieces - 1] != units - 1 || unitKind[units - 1] != UNIT_TEXT) return false;
        int k = nl + 1;
        while (k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) k++;
        if (k >= n || !Character.isLowerCase(s.charAt(k))) return false;
        if (kind[pieces - 1] == WORD) return true;
        if (kind[pieces - 1] != PUNCT) return false;
        char last = s.charAt(end[pieces - 1] - 1);
        return last == ',' || last == ';' || last == '-' || last == '(' || last == ')';
    }

    private static boolean urlAt(String s, int pos) {
        char c = s.charAt(pos);
        if (c != 'h' && c != 'f' && c != 'w') return false;
        return s.startsWith("https://", pos)
                || s.startsWith("http://", pos)
                || s.startsWith("ftp://", pos)
                || s.startsWith("www.", pos);
    }

    /** End of a word: word chars joined by connectors that sit between two word chars (3.5, 1,000, don't, a-b). */
    private static int wordEnd(String s, int pos, int n) {
        int k = pos + 1;
        while (k < n) {
            char c = s.charAt(k);
            if (isWordChar(c)) {
                k++;
                continue;
            }
            if (k + 1 < n && isWordChar(s.charAt(k + 1))) {
                char prev = s.charAt(k - 1), next = s.charAt(k + 1);
                boolean join = switch (c) {
                    case '-', '.', '\'', '\u2019', '/', '@' -> true;
                    case ',', ':' -> isDigit(prev) && isDigit(next);
                    default -> false;
                };
                if (join) {
                    k += 2;
                    continue;
                }
            }
            break;
        }
        return k;
    }

    private void classifyWord(int p, boolean sentenceStart, ForcedContent forced, Set<String> forceTokens) {
        final String s = text;
        int a = start[p], b = end[p];
        boolean letters = false, digits = false, other = false;
        for (int k = a; k < b; k++) {
            char c = s.charAt(k);
            if (isDigit(c)) digits = true;
            else if (c == '.' || c == ',' || c == ':') other |= false;
            else if (c == '-' || c == '_' || c == '/') other = true;
            else letters = true;
        }
        int f = 0;
        if (digits && !letters && !other) f |= NUMBER;
        else if (digits && (letters || other) && b - a >= 3) f |= ID;
        char first = s.charAt(a);
        if (!sentenceStart && b - a >= 2 && Character.isUpperCase(first)) f |= ENTITY;
        if ((f & NUMBER) != 0 && forced.numbers()) f |= FORCED;
        if ((f & ID) != 0 && forced.ids()) f |= FORCED;
        if ((f & ENTITY) != 0 && forced.entities()) f |= FORCED;
        if (forceTokens != null && forceTokens.contains(s.substring(a, b))) f |= FORCED;
        flags[p] |= f;
    }

    private void openUnit(int para, byte k) {
        if (units == unitFirst.length) {
            int m = units * 2;
            unitFirst = Arrays.copyOf(unitFirst, m);
            unitEnd = Arrays.copyOf(unitEnd, m);
            unitPara = Arrays.copyOf(unitPara, m);
            unitKind = Arrays.copyOf(unitKind, m);
        }
        unitFirst[units] = pieces;
        unitEnd[units] = pieces;
        unitPara[units] = para;
        unitKind[units] = k;
        units++;
    }

    private int addPiece(int a, int b, byte k, boolean spaceBefore, int nl, int para, int termId) {
        if (pieces == start.length) grow();
        int p = pieces++;
        start[p] = a;
        end[p] = b;
        kind[p] = k;
        term[p] = termId;
        unit[p] = units - 1;
        flags[p] = spaceBefore ? SPACE_BEFORE : 0;
        nlBefore[p] = nl;
        paraBefore[p] = para;
        if (unitKind[units - 1] != UNIT_TEXT) flags[p] |= FORCED_IF_STRUCTURE;
        unitEnd[units - 1] = pieces;
        return p;
    }

    /** Headings and code blocks: kept as structure (whole) unless the caller says otherwise. */
    static final int FORCED_IF_STRUCTURE = 32;

    private void grow() {
        int m = start.length * 2;
        start = Arrays.copyOf(start, m);
        end = Arrays.copyOf(end, m);
        term = Arrays.copyOf(term, m);
        unit = Arrays.copyOf(unit, m);
        flags = Arrays.copyOf(flags, m);
        nlBefore = Arrays.copyOf(nlBefore, m);
        paraBefore = Arrays.copyOf(paraBefore, m);
        kind = Arrays.copyOf(kind, m);
    }
}
