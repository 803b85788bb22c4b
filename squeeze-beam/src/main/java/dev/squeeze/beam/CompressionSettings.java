package dev.squeeze.beam;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.ForcedContent;
import dev.squeeze.text.TokenEncoding;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How every record of a job is compressed: the budget (a rate, or a target in tokens), the token counting
 * vocabulary, the content never dropped and the method's per-request options. Each record's own question is
 * added per record. Checked when built, so a bad setting fails the job's construction, not each record.
 *
 * @param rate         compressed/original token ratio in (0, 1], or null when {@code targetTokens} is given
 * @param targetTokens compressed size in tokens (> 0), or null when {@code rate} is given
 * @param encoding     {@code cl100k_base} or {@code o200k_base}
 * @param keep         forced content, as {@code squeeze compress --keep} ("none", "numbers,urls", ...)
 * @param options      per-request method options
 */
public record CompressionSettings(
        @Nullable Double rate,
        @Nullable Integer targetTokens,
        String encoding,
        String keep,
        TreeMap<String, String> options)
        implements Serializable {
    public CompressionSettings {
        if ((rate == null) == (targetTokens == null)) {
            throw new IllegalArgumentException(
                    "give exactly one of rate and targetTokens, got rate=" + rate + ", targetTokens=" + targetTokens);
        }
        options = new TreeMap<>(options);
        build(
                "x",
                null,
                rate,
                targetTokens,
                encoding,
                keep,
                options); // validates once, with the request builder's messages
    }

    public static CompressionSettings rate(double rate) {
        return new CompressionSettings(rate, null, "cl100k_base", "none", new TreeMap<>());
    }

    public static CompressionSettings targetTokens(int n) {
        return new CompressionSettings(null, n, "cl100k_base", "none", new TreeMap<>());
    }

    public CompressionSettings withEncoding(String e) {
        return new CompressionSettings(rate, targetTokens, e, keep, options);
    }

    public CompressionSettings withKeep(String k) {
        return new CompressionSettings(rate, targetTokens, encoding, k, options);
    }

    public CompressionSettings withOptions(Map<String, String> o) {
        return new CompressionSettings(rate, targetTokens, encoding, keep, new TreeMap<>(o));
    }

    /** The request for one record. */
    public CompressionRequest request(String text, @Nullable String question) {
        return build(text, question, rate, targetTokens, encoding, keep, options);
    }

    private static CompressionRequest build(
            String text,
            @Nullable String question,
            @Nullable Double rate,
            @Nullable Integer targetTokens,
            String encoding,
            String keep,
            Map<String, String> options) {
        CompressionRequest.Builder b = CompressionRequest.builder(text)
                .encoding(TokenEncoding.parse(encoding))
                .forced(ForcedContent.parse(keep))
                .options(options)
                .question(question);
        if (rate != null) b.rate(rate);
        else b.targetTokens(targetTokens == null ? 0 : targetTokens);
        return b.build();
    }
}
