package dev.squeeze.core.kernel;

/**
 * GELU's erf by Abramowitz and Stegun, Handbook of Mathematical Functions (1964), 7.1.26:
 * {@code erf(z) = 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-z^2)}, {@code t = 1 / (1 + p z)}, z >= 0,
 * |error| <= 1.5e-7. The polynomial term is erfc(z), used directly for negative arguments (no cancellation).
 */
final class GeluErf {
    static final float P = 0.3275911f;
    static final float A1 = 0.254829592f;
    static final float A2 = -0.284496736f;
    static final float A3 = 1.421413741f;
    static final float A4 = -1.453152027f;
    static final float A5 = 1.061405429f;
    static final float INV_SQRT2 = 0.70710678118654752f;

    private GeluErf() {}

    /** x/2 (1 + erf(x / sqrt 2)). */
    static float gelu(float x) {
        float z = x * INV_SQRT2;
        float az = Math.abs(z);
        float t = 1f / (1f + P * az);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float q = poly * (float) Math.exp(-z * z); // erfc(|z|)
        return 0.5f * x * (z < 0 ? q : 2f - q); // x/2 (1 + erf(z))
    }
}
