package dev.squeeze.encoder.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tokenizer.json "Precompiled" (XLM-RoBERTa, T5, mBART): SentencePiece's compiled normalisation rules, applied as the
 * Hugging Face port applies them: the text is cut into extended grapheme clusters; a cluster shorter than 6 UTF-8
 * bytes is replaced whole when the charsmap has a key that is a prefix of it (the shortest such key); otherwise each
 * code point of the cluster is replaced by its own rule, or kept. Grapheme clusters come from {@code \X} of
 * java.util.regex (Unicode TR 29 at the running JDK's Unicode version). Single ASCII characters, the common case,
 * are looked up once and cached.
 */
final class PrecompiledNormalizer implements Normalizer {
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    private final PrecompiledCharsMap map;
    private final String[] ascii = new String[128];

    PrecompiledNormalizer(byte[] charsmap) {
        this.map = new PrecompiledCharsMap(charsmap);
        for (int c = 0; c < 128; c++) ascii[c] = map.firstPrefixReplacement(new byte[] {(byte) c});
    }

    @Override
    public String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        Matcher m = GRAPHEME.matcher(text);
        while (m.find()) {
            int s = m.start(), e = m.end();
            if (e - s == 1 && text.charAt(s) < 128) {
                char c = text.charAt(s);
                String r = ascii[c];
                if (r != null) sb.append(r);
                else sb.append(c);
                continue;
            }
            String g = text.substring(s, e);
            byte[] utf8 = g.getBytes(StandardCharsets.UTF_8);
            if (utf8.length < 6) {
                String r = map.firstPrefixReplacement(utf8);
                if (r != null) {
                    sb.append(r);
                    continue;
                }
            }
            for (int i = 0; i < g.length(); ) {
                int cp = g.codePointAt(i);
                int n = Character.charCount(cp);
                String ch = g.substring(i, i + n);
                String r = cp < 128 ? ascii[cp] : map.firstPrefixReplacement(ch.getBytes(StandardCharsets.UTF_8));
                sb.append(r != null ? r : ch);
                i += n;
            }
        }
        return sb.toString();
    }
}
