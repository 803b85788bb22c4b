package dev.squeeze.eval.text;

import dev.squeeze.bench.Row;
import dev.squeeze.text.CompressorRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The goals for the default method, checked on the text suite's rows (notes in the report; the numbers are
 * the rows'): paraphrase retention >= 0.9 at rate 0.25 and >= 0.8 at 0.1; needle, kv-75, kv-140 1.000 at 0.1; NQ >= 0.99
 * at 0.25; achieved rate within 0.02 of the request; >= 300k input tokens per CPU-second on the 32k-token contexts, and
 * >= 10k for the MiniLM cascade. A goal whose rows were not run is not reported.
 */
final class TextGoals {
    private TextGoals() {}

    static List<String> check(List<Row> rows) {
        String m = CompressorRegistry.DEFAULT_METHOD;
        List<String> out = new ArrayList<>();
        for (String task : List.of("paraphrase", "paraphrase-check")) {
            retention(out, rows, m, task, 0.25, 0.9);
            retention(out, rows, m, task, 0.1, 0.8);
        }
        for (String task : List.of("needle", "kv-75", "kv-140")) retention(out, rows, m, task, 0.1, 1.0);
        for (String task : List.of("nq-10", "nq-20")) retention(out, rows, m, task, 0.25, 0.99);
        List<Row> mine = select(rows, r -> m.equals(r.get("method")) && !"gsm8k".equals(r.task()));
        if (!mine.isEmpty()) {
            double worst = 0;
            String where = "";
            for (Row r : mine) {
                double e = num(r, "maxRateError");
                if (e > worst) {
                    worst = e;
                    where = r.task() + " at rate " + r.get("rate");
                }
            }
            out.add(String.format(
                    Locale.ROOT,
                    "goal: %s achieved rate within 0.02 of the request (every task but GSM8K): %s (worst %.4f, %s)",
                    m,
                    worst <= 0.02 ? "met" : "NOT met",
                    worst,
                    where));
        }
        speed(out, rows, m, 300_000);
        speed(out, rows, TextBenchSuite.CASCADE, 10_000);
        return out;
    }

    private static void retention(
            List<String> out, List<Row> rows, String method, String task, double rate, double goal) {
        for (Row r :
                select(rows, x -> method.equals(x.get("method")) && task.equals(x.task()) && num(x, "rate") == rate)) {
            double v = num(r, "retention");
            out.add(String.format(
                    Locale.ROOT,
                    "goal: %s %s retention >= %s at rate %s: %s (%.3f)",
                    method,
                    task,
                    goal,
                    rate,
                    v >= goal ? "met" : "NOT met",
                    v));
        }
    }

    private static void speed(List<String> out, List<Row> rows, String method, double goal) {
        List<Row> rs = select(rows, x -> method.equals(x.get("method")) && TextBenchSuite.SPEED_TASK.equals(x.task()));
        if (rs.isEmpty()) return;
        double worst = Double.POSITIVE_INFINITY;
        for (Row r : rs) worst = Math.min(worst, num(r, "tokensPerSecond"));
        out.add(String.format(
                Locale.ROOT,
                "goal: %s >= %,.0f input tokens per CPU-second on 32k-token contexts (%s): %s (slowest rate: %,.0f)",
                method,
                goal,
                rs.getFirst().get("clock"),
                worst >= goal ? "met" : "NOT met",
                worst));
    }

    private static List<Row> select(List<Row> rows, Predicate<Row> p) {
        return rows.stream().filter(p).toList();
    }

    private static double num(Row r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
