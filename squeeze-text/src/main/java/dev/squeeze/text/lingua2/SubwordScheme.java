package dev.squeeze.text.lingua2;

/** How a token classifier's tokenizer marks word boundaries; decides word merging and detokenisation. */
enum SubwordScheme {
    /** mBERT WordPiece: continuation pieces start with "##". */
    WORDPIECE,
    /** XLM-RoBERTa SentencePiece: word-initial pieces start with "▁" (U+2581). */
    SENTENCEPIECE;

    static final String SP = "\u2581";
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"; // Python string.punctuation

    /** The reference's is_begin_of_new_word. */
    boolean beginsWord(String token, java.util.Set<String> forceTokens) {
        if (this == WORDPIECE) {
            return forceTokens.contains(lstrip(token, '#')) || !token.startsWith("##");
        }
        return (token.length() == 1 && PUNCTUATION.indexOf(token.charAt(0)) >= 0)
                || forceTokens.contains(token)
                || token.startsWith(SP);
    }

    /** The reference's get_pure_token: Python lstrip of "#" (WordPiece) or "▁" (SentencePiece) characters. */
    String pure(String token) {
        return this == WORDPIECE ? lstrip(token, '#') : lstrip(token, '\u2581');
    }

    /** convert_tokens_to_string: WordPiece joins with spaces and glues "##" pieces; SentencePiece maps "▁" to spaces. */
    public String detokenize(java.util.List<String> tokens) {
        if (this == WORDPIECE)
            return String.join(" ", tokens).replace(" ##", "").strip();
        return String.join("", tokens).replace(SP, " ").strip();
    }

    static String lstrip(String s, char c) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == c) i++;
        return s.substring(i);
    }
}
