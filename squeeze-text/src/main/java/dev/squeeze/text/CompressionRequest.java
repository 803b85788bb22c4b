package dev.squeeze.text;

import java.util.Map;
import java.util.Objects;

/**
 * What to compress and how far. Exactly one of {@code rate} and {@code targetTokens} is set. Validation
 * happens here, so a request that exists is well formed; content checks (binary text) happen here too.
 *
 * @param text         the context to compress (not empty, no NUL or unpaired surrogate)
 * @param rate         wanted compressed/original token ratio in (0, 1], or {@code null} when targetTokens is set
 * @param targetTokens wanted compressed size in tokens (> 0), or {@code null} when rate is set
 * @param question     the question the context must answer, or {@code null}; used for relevance, not emitted
 * @param forced       content never dropped
 * @param encoding     vocabulary used to count tokens for the budget and the result
 * @param options      method-specific settings (documented by each method), never null
 */
public record CompressionRequest(String text, Double rate, Integer targetTokens, String question,
                                 ForcedContent forced, TokenEncoding encoding, Map<String, String> options) {
    public CompressionRequest {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        if (text.isEmpty()) throw new IllegalArgumentException("text is empty: nothing to compress");
        TextChecks.requireText("text", text);
        if ((rate == null) == (targetTokens == null)) {
            throw new IllegalArgumentException("give exactly one of rate and targetTokens (got rate=" + rate
                    + ", targetTokens=" + targetTokens + ")");
        }
        if (rate != null && !(rate > 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("rate must be in (0, 1], got " + rate);
        }
        if (targetTokens != null && targetTokens <= 0) {
            throw new IllegalArgumentException("targetTokens must be > 0, got " + targetTokens);
        }
        if (question != null) {
            if (question.isBlank()) question = null;
            else TextChecks.requireText("question", question);
        }
        forced = forced == null ? ForcedContent.none() : forced;
        encoding = encoding == null ? TokenEncoding.CL100K_BASE : encoding;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static Builder builder(String text) { return new Builder(text); }

    /** The budget in tokens for a text of {@code originTokens} tokens: round(rate x origin), at least 1. */
    public int budget(int originTokens) {
        if (targetTokens != null) return targetTokens;
        return Math.max(1, (int) Math.round(rate * originTokens));
    }

    public String option(String key, String fallback) { return options.getOrDefault(key, fallback); }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private final String text;
        private Double rate;
        private Integer targetTokens;
        private String question;
        private ForcedContent forced = ForcedContent.none();
        private TokenEncoding encoding = TokenEncoding.CL100K_BASE;
        private Map<String, String> options = Map.of();

        private Builder(String text) { this.text = text; }

        public Builder rate(double r) { this.rate = r; this.targetTokens = null; return this; }
        public Builder targetTokens(int n) { this.targetTokens = n; this.rate = null; return this; }
        public Builder question(String q) { this.question = q; return this; }
        public Builder forced(ForcedContent f) { this.forced = Objects.requireNonNull(f); return this; }
        public Builder encoding(TokenEncoding e) { this.encoding = Objects.requireNonNull(e); return this; }
        public Builder options(Map<String, String> o) { this.options = Map.copyOf(o); return this; }

        public CompressionRequest build() {
            return new CompressionRequest(text, rate, targetTokens, question, forced, encoding, options);
        }
    }
}
