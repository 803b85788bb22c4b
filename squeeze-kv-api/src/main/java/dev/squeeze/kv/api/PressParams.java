package dev.squeeze.kv.api;

import dev.squeeze.core.select.Budget;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validated access to a press spec's parameters. Every error names the press, the parameter and
 * the value; nothing is clamped.
 */
public final class PressParams {
    private final String press;
    private final Map<String, String> params;

    public PressParams(String press, Map<String, String> params, List<String> allowed) {
        this.press = press;
        this.params = Map.copyOf(params);
        Presses.allowOnly(press, params, allowed);
    }

    public String press() {
        return press;
    }

    public boolean has(String key) {
        return params.containsKey(key);
    }

    public String string(String key, String def) {
        return params.getOrDefault(key, def);
    }

    public String choice(String key, String def, Set<String> options) {
        String v = string(key, def).toLowerCase(Locale.ROOT);
        if (!options.contains(v)) throw bad(key, v, "one of " + options);
        return v;
    }

    public int integer(String key, int def, int min, int max) {
        if (!has(key)) return def;
        String v = params.get(key);
        int x;
        try {
            x = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "an integer");
        }
        if (x < min || x > max) throw bad(key, v, "an integer in [" + min + ", " + max + "]");
        return x;
    }

    /** A double in [lo, hi] (inclusive flags choose the bracket). */
    public double real(String key, double def, double lo, boolean loIncl, double hi, boolean hiIncl) {
        if (!has(key)) return def;
        String v = params.get(key);
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number");
        }
        boolean ok = (loIncl ? x >= lo : x > lo) && (hiIncl ? x <= hi : x < hi) && Double.isFinite(x);
        if (!ok) throw bad(key, v, "a number in " + (loIncl ? "[" : "(") + lo + ", " + hi + (hiIncl ? "]" : ")"));
        return x;
    }

    public boolean bool(String key, boolean def) {
        if (!has(key)) return def;
        String v = params.get(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw bad(key, v, "true or false");
        };
    }

    /** A bit width from the supported set. */
    public int bits(String key, int def, int... supported) {
        int b = has(key) ? integer(key, def, Integer.MIN_VALUE, Integer.MAX_VALUE) : def;
        for (int s : supported) if (s == b) return b;
        throw bad(key, String.valueOf(b), "one of the supported bit widths " + java.util.Arrays.toString(supported));
    }

    /**
     * The budget of a press that evicts: exactly one of {@code keep=F} (a fraction in (0, 1]), {@code ratio=R}
     * (kvpress's complement: keeps 1 - R, R in [0, 1)) or {@code budget=N} tokens (1 <= N <= {@code maxTokens}, the
     * model's seq_len). Presses resolve it per head with {@link Budget#resolveFloorCapped}.
     */
    public Budget budget(int maxTokens) {
        int given = (has("keep") ? 1 : 0) + (has("ratio") ? 1 : 0) + (has("budget") ? 1 : 0);
        if (given > 1)
            throw new IllegalArgumentException("press '" + press + "': give only one of keep, ratio, budget");
        if (given == 0) {
            throw new IllegalArgumentException(
                    "press '" + press + "' needs keep=F (0 < F <= 1), ratio=R (0 <= R < 1) or budget=N tokens");
        }
        if (has("keep")) return Budget.ratio(real("keep", 1, 0, false, 1, true));
        if (has("ratio")) return Budget.ratio(1 - real("ratio", 0, 0, true, 1, false));
        int b = integer("budget", 1, 1, Integer.MAX_VALUE);
        if (b > maxTokens) throw bad("budget", String.valueOf(b), "at most the model's context seq_len = " + maxTokens);
        return Budget.count(b);
    }

    /** A budget as a spec writes it ({@code keep=0.25}, {@code budget=64}), for names and messages. */
    public static String describe(Budget b) {
        return b instanceof Budget.Count c ? "budget=" + c.keep() : "keep=" + ((Budget.Ratio) b).keep();
    }

    public IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException(
                "press '" + press + "': parameter " + key + "=" + value + " is invalid; expected " + expected);
    }
}
