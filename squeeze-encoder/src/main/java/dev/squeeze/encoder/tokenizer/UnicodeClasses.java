package dev.squeeze.encoder.tokenizer;

/**
 * The character classes Hugging Face tokenizers use, in Rust's definitions rather than Java's where they differ:
 * white space is the Unicode White_Space property ({@code char::is_whitespace}: includes U+00A0 and U+202F, excludes
 * U+001C..U+001F, unlike {@link Character#isWhitespace}); "other" is general category C (Cc, Cf, Cs, Co, Cn);
 * punctuation is category P or ASCII punctuation. Category data comes from the running JDK's Unicode version,
 * which can differ from the Rust crate's on characters assigned since.
 */
final class UnicodeClasses {
    private UnicodeClasses() {}

    /** Unicode White_Space (PropList.txt). */
    static boolean isWhiteSpace(int c) {
        return (c >= 0x09 && c <= 0x0D)
                || c == 0x20
                || c == 0x85
                || c == 0xA0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    /** General category C: control, format, surrogate, private use, unassigned. */
    static boolean isOther(int c) {
        int t = Character.getType(c);
        return t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.SURROGATE
                || t == Character.PRIVATE_USE
                || t == Character.UNASSIGNED;
    }

    /** General category P (Pc, Pd, Ps, Pe, Pi, Pf, Po). */
    static boolean isPunctuation(int c) {
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION
                || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** BERT's punctuation: ASCII punctuation (which includes $ + &lt; = &gt; ^ ` |) or category P. */
    static boolean isBertPunctuation(int c) {
        return (c >= 33 && c <= 47)
                || (c >= 58 && c <= 64)
                || (c >= 91 && c <= 96)
                || (c >= 123 && c <= 126)
                || isPunctuation(c);
    }

    /** The CJK Unified Ideograph blocks BERT pads with spaces (its _is_chinese_char). */
    static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
