package dev.squeeze.text;

/**
 * The outcome of one compression.
 *
 * @param compressed       the compressed text
 * @param originTokens     tokens of the input text
 * @param compressedTokens tokens of {@code compressed}
 * @param rate             achieved ratio compressedTokens / originTokens
 * @param method           the method's catalog name
 * @param millis           wall time of the call in milliseconds
 */
public record CompressionResult(
        String compressed, int originTokens, int compressedTokens, double rate, String method, double millis) {
    public static CompressionResult of(String compressed, int origin, int kept, String method, long startNanos) {
        return new CompressionResult(
                compressed,
                origin,
                kept,
                origin == 0 ? 1.0 : kept / (double) origin,
                method,
                (System.nanoTime() - startNanos) / 1e6);
    }
}
