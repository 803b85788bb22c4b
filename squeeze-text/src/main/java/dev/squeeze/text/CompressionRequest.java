package dev.squeeze.text;

import dev.squeeze.core.select.Budget;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to compress and how far. Validation happens here, so a request that exists is well formed; content
 * checks (binary text) happen here too.
 *
 * @param text     the context to compress (not empty, no NUL or unpaired surrogate)
 * @param budget   how far: {@link Budget#ratio} = the wanted compressed/original token ratio in (0, 1] ("rate"),
 *                 {@link Budget#count} = the wanted compressed size in tokens ("targetTokens")
 * @param question the question the context must answer, or {@code null}; used for relevance, not emitted
 * @param forced   content never dropped
 * @param encoding vocabulary used to count tokens for the budget and the result
 * @param options  method-specific settings (documented by each method), never null
 */
public record CompressionRequest(
        String text,
        Budget budget,
        @Nullable String question,
        ForcedContent forced,
        TokenEncoding encoding,
        Map<String, String> options) {
    public CompressionRequest {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        if (text.isEmpty()) throw new IllegalArgumentException("text is empty: nothing to compress");
        TextChecks.requireText("text", text);
        if (budget == null) throw new IllegalArgumentException("give a budget: a rate in (0, 1] or targetTokens > 0");
        if (question != null) {
            if (question.isBlank()) question = null;
            else TextChecks.requireText("question", question);
        }
        forced = forced == null ? ForcedContent.none() : forced;
        encoding = encoding == null ? TokenEncoding.CL100K_BASE : encoding;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static Builder builder(String text) {
        return new Builder(text);
    }

    /**
     * The budget in tokens for a text of {@code originTokens} tokens: round(rate x origin), at least 1, or the
     * target itself ({@link Budget#resolveRoundedUncapped}).
     */
    public int targetTokens(int originTokens) {
        return budget.resolveRoundedUncapped(originTokens);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private final String text;
        private @Nullable Budget budget;
        private @Nullable String question;
        private ForcedContent forced = ForcedContent.none();
        private TokenEncoding encoding = TokenEncoding.CL100K_BASE;
        private Map<String, String> options = Map.of();

        private Builder(String text) {
            this.text = text;
        }

        /** Compressed/original token ratio in (0, 1]. */
        public Builder rate(double r) {
            return budget(ratio("rate", r));
        }
        /** Compressed size in tokens (> 0). */
        public Builder targetTokens(int n) {
            return budget(count("targetTokens", n));
        }

        public Builder budget(Budget b) {
            this.budget = Objects.requireNonNull(b, "budget");
            return this;
        }

        public Builder question(@Nullable String q) {
            this.question = q;
            return this;
        }

        public Builder forced(ForcedContent f) {
            this.forced = Objects.requireNonNull(f);
            return this;
        }

        public Builder encoding(TokenEncoding e) {
            this.encoding = Objects.requireNonNull(e);
            return this;
        }

        public Builder options(Map<String, String> o) {
            this.options = Map.copyOf(o);
            return this;
        }

        public CompressionRequest build() {
            return new CompressionRequest(text, budget, question, forced, encoding, options);
        }

        private static Budget ratio(String name, double r) {
            if (!(r > 0.0 && r <= 1.0)) throw new IllegalArgumentException(name + " must be in (0, 1], got " + r);
            return Budget.ratio(r);
        }

        private static Budget count(String name, int n) {
            if (n <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + n);
            return Budget.count(n);
        }
    }
}
