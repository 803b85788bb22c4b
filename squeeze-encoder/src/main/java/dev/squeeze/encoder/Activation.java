package dev.squeeze.encoder;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The feed-forward activation named by config.json's hidden_act (DistilBERT: activation). */
public enum Activation {
    /** "gelu": x/2 (1 + erf(x / sqrt 2)), the core kernel's erf (A&amp;S 7.1.26). */
    GELU,
    /** "gelu_new", "gelu_pytorch_tanh", "gelu_fast": x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH,
    /** "relu". */
    RELU;

    /** The activation of a hidden_act value, or null when unsupported. */
    public static @Nullable Activation of(@Nullable String name) {
        switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "gelu":
                return GELU;
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast":
                return GELU_TANH;
            case "relu":
                return RELU;
            default:
                return null;
        }
    }
}
