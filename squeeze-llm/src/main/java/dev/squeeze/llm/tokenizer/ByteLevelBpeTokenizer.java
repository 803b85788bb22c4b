package dev.squeeze.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Byte-level BPE (GPT-2, Llama 3, Qwen2): text is split by a pre-tokenizer regex; each piece's UTF-8 bytes
 * are mapped to printable characters (GPT-2's byte-to-unicode table: printable Latin-1 bytes map to
 * themselves, the other 68 bytes to U+0100 onwards in byte order); then the adjacent pair with the lowest
 * merge rank is merged everywhere in the piece, repeatedly; the symbols are looked up in the vocabulary.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** GPT-2's pre-tokenizer. */
    public static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** Llama 3's pre-tokenizer (digits in groups of up to three). */
    public static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Qwen2's pre-tokenizer (single digits). */
    public static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE.put(c, b);
        }
    }

    private final String[] tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final boolean[] special;
    private final Pattern pattern;
    private final @Nullable Pattern
            specialPattern; // control tokens written literally in the text (chat templates), or null
    private final int bos;
    private final int eos;

    /**
     * @param merges  "left right" pairs in priority order
     * @param special which tokens are control tokens (decoded to nothing), or null
     */
    public ByteLevelBpeTokenizer(
            String[] tokens, String[] merges, boolean @Nullable [] special, int bos, int eos, String pattern) {
        this.tokens = tokens;
        for (int i = 0; i < tokens.length; i++) ids.putIfAbsent(tokens[i], i);
        for (int i = 0; i < merges.length; i++) {
            String m = merges[i];
            int sp = m.indexOf(' ', 1);
            if (sp <= 0)
                throw new IllegalArgumentException(
                        "merge " + i + " ('" + m + "') is not two symbols separated by a space");
            ranks.putIfAbsent(m.substring(0, sp) + " " + m.substring(sp + 1), i);
        }
        this.special = special == null ? new boolean[tokens.length] : special;
        if (this.special.length != tokens.length) {
            throw new IllegalArgumentException(
                    "special flags cover " + this.special.length + " tokens, the vocabulary has " + tokens.length);
        }
        this.pattern = Pattern.compile(pattern);
        List<String> specials = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) if (this.special[i] && !tokens[i].isEmpty()) specials.add(tokens[i]);
        specials.sort((a, b) -> Integer.compare(b.length(), a.length()));
        StringBuilder alt = new StringBuilder();
        for (String sp : specials) alt.append(alt.isEmpty() ? "" : "|").append(Pattern.quote(sp));
        this.specialPattern = specials.isEmpty() ? null : Pattern.compile(alt.toString());
        this.bos = bos;
        this.eos = eos;
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        List<Integer> out = new ArrayList<>();
        if (addBos) {
            if (bos < 0) throw new IllegalArgumentException("this tokenizer has no BOS token");
            out.add(bos);
        }
        if (specialPattern == null) {
            encodeOrdinary(text, out);
        } else {
            Matcher sm = specialPattern.matcher(text);
            int last = 0;
            while (sm.find()) {
                encodeOrdinary(text.substring(last, sm.start()), out);
                out.add(ids.get(sm.group()));
                last = sm.end();
            }
            encodeOrdinary(text.substring(last), out);
        }
        int[] a = new int[out.size()];
        for (int i = 0; i < a.length; i++) a[i] = out.get(i);
        return a;
    }

    private void encodeOrdinary(String text, List<Integer> out) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            List<String> sym = new ArrayList<>(bytes.length);
            for (byte b : bytes) sym.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
            mergeAll(sym);
            for (String s : sym) {
                Integer id = ids.get(s);
                if (id == null)
                    throw new IllegalArgumentException(
                            "byte-level symbol '" + s + "' (from '" + m.group() + "') is not in the vocabulary");
                out.add(id);
            }
        }
    }

    private void mergeAll(List<String> sym) {
        while (sym.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestL = null, bestR = null;
            for (int i = 0; i + 1 < sym.size(); i++) {
                Integer r = ranks.get(sym.get(i) + " " + sym.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestL = sym.get(i);
                    bestR = sym.get(i + 1);
                }
            }
            if (bestL == null) return;
            List<String> next = new ArrayList<>(sym.size());
            for (int i = 0; i < sym.size(); i++) {
                if (i + 1 < sym.size()
                        && sym.get(i).equals(bestL)
                        && sym.get(i + 1).equals(bestR)) {
                    next.add(bestL + bestR);
                    i++;
                } else {
                    next.add(sym.get(i));
                }
            }
            sym.clear();
            sym.addAll(next);
        }
    }

    @Override
    public byte[] decodeBytes(int prev, int token) {
        checkToken(token);
        if (special[token]) return new byte[0];
        String s = tokens[token];
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            Integer b = CHAR_TO_BYTE.get(s.charAt(i));
            if (b == null) {
                out.writeBytes(String.valueOf(s.charAt(i)).getBytes(StandardCharsets.UTF_8));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** The printable character GPT-2's table maps byte b to. */
    public static char byteChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }
}
