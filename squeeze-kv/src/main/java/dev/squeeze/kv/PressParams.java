package dev.squeeze.kv;

import dev.squeeze.llm.kv.Presses;

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

    public String press() { return press; }

    public boolean has(String key) { return params.containsKey(key); }

    public String string(String key, String def) { return params.getOrDefault(key, def); }

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

    public IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("press '" + press + "': parameter " + key + "=" + value + " is invalid; expected " + expected);
    }
}
