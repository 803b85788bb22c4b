package dev.squeeze.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The offline HTML report: notes, then per task its plots (inline SVG line charts) and a table of its
 * rows. No scripts, no external resources: it opens from disk anywhere.
 */
final class HtmlReport {
    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"
    };

    private final String suite;
    private final String machine;
    private final String commit;
    private final List<Row> rows;
    private final List<PlotSpec> plots;
    private final List<String> notes;

    HtmlReport(String suite, String machine, String commit, List<Row> rows, List<PlotSpec> plots, List<String> notes) {
        this.suite = suite;
        this.machine = machine;
        this.commit = commit;
        this.rows = rows;
        this.plots = plots;
        this.notes = notes;
    }

    String render() {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Squeeze bench: ")
                .append(esc(suite))
                .append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px;margin:1em 0}")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append(
                        "td.s{text-align:left}.meta{color:#555}.note{background:#fff8e1;padding:.5em 1em;border-left:4px solid #f0b400}")
                .append("</style></head><body>");
        h.append("<h1>Squeeze bench: ").append(esc(suite)).append("</h1>");
        h.append("<p class=\"meta\">")
                .append(esc(machine))
                .append("<br>commit ")
                .append(esc(commit))
                .append(" &middot; ")
                .append(rows.size())
                .append(" rows</p>");
        for (String n : notes) h.append("<p class=\"note\">").append(esc(n)).append("</p>");
        Map<String, List<Row>> byTask = new LinkedHashMap<>();
        for (Row r : rows)
            byTask.computeIfAbsent(r.task(), t -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<Row>> e : byTask.entrySet()) {
            h.append("<h2>").append(esc(e.getKey())).append("</h2>");
            for (PlotSpec p : plots) if (p.task().equals(e.getKey())) h.append(svg(p, e.getValue()));
            h.append(table(e.getValue()));
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String table(List<Row> rs) {
        Set<String> cols = new LinkedHashSet<>();
        for (Row r : rs) cols.addAll(r.values().keySet());
        cols.remove("task");
        StringBuilder t = new StringBuilder("<table><tr>");
        for (String c : cols) t.append("<th>").append(esc(c)).append("</th>");
        t.append("</tr>");
        for (Row r : rs) {
            t.append("<tr>");
            for (String c : cols) {
                Object v = r.get(c);
                boolean num = v instanceof Number;
                t.append(num ? "<td>" : "<td class=\"s\">")
                        .append(esc(format(v)))
                        .append("</td>");
            }
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e12) return String.format(Locale.ROOT, "%.0f", d);
            double a = Math.abs(d);
            return a >= 100
                    ? String.format(Locale.ROOT, "%.1f", d)
                    : a >= 0.01 ? String.format(Locale.ROOT, "%.4f", d) : String.format(Locale.ROOT, "%.3g", d);
        }
        return v.toString();
    }

    /** A line chart: one polyline per series value, points sorted by x. */
    private static String svg(PlotSpec p, List<Row> rs) {
        int w = 720, hgt = 400, left = 60, right = 190, top = 30, bottom = 45;
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
        for (Row r : rs) {
            if (!(r.get(p.x()) instanceof Number xv) || !(r.get(p.y()) instanceof Number yv)) continue;
            double x = xv.doubleValue(), y = yv.doubleValue();
            if (!Double.isFinite(x) || !Double.isFinite(y)) continue;
            String s = String.valueOf(r.get(p.series()));
            series.computeIfAbsent(s, k -> new ArrayList<>()).add(new double[] {x, y});
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        StringBuilder s = new StringBuilder();
        s.append("<h3>").append(esc(p.title())).append("</h3>");
        if (series.isEmpty()) return s.append("<p>(no numeric points)</p>").toString();
        if (maxX == minX) {
            maxX += 1;
            minX -= 1;
        }
        if (maxY == minY) {
            maxY += Math.max(1e-9, Math.abs(maxY) * 0.05);
            minY -= Math.max(1e-9, Math.abs(minY) * 0.05);
        }
        double pw = w - left - right, ph = hgt - top - bottom;
        final double x0 = minX, x1 = maxX, y0 = minY, y1 = maxY;
        java.util.function.DoubleUnaryOperator sx = x -> left + (x - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator sy = y -> top + ph - (y - y0) / (y1 - y0) * ph;
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(w)
                .append("\" height=\"")
                .append(hgt)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">");
        s.append("<rect x=\"")
                .append(left)
                .append("\" y=\"")
                .append(top)
                .append("\" width=\"")
                .append(fmt(pw))
                .append("\" height=\"")
                .append(fmt(ph))
                .append("\" fill=\"none\" stroke=\"#999\"/>");
        for (int i = 0; i <= 4; i++) {
            double xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
            double px = sx.applyAsDouble(xv), py = sy.applyAsDouble(yv);
            s.append("<line x1=\"")
                    .append(fmt(px))
                    .append("\" y1=\"")
                    .append(top + ph)
                    .append("\" x2=\"")
                    .append(fmt(px))
                    .append("\" y2=\"")
                    .append(top)
                    .append("\" stroke=\"#eee\"/>");
            s.append("<text x=\"")
                    .append(fmt(px))
                    .append("\" y=\"")
                    .append(fmt(top + ph + 15))
                    .append("\" text-anchor=\"middle\">")
                    .append(esc(format(xv)))
                    .append("</text>");
            s.append("<line x1=\"")
                    .append(left)
                    .append("\" y1=\"")
                    .append(fmt(py))
                    .append("\" x2=\"")
                    .append(fmt(left + pw))
                    .append("\" y2=\"")
                    .append(fmt(py))
                    .append("\" stroke=\"#eee\"/>");
            s.append("<text x=\"")
                    .append(left - 5)
                    .append("\" y=\"")
                    .append(fmt(py + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(esc(format(yv)))
                    .append("</text>");
        }
        s.append("<text x=\"")
                .append(fmt(left + pw / 2))
                .append("\" y=\"")
                .append(hgt - 8)
                .append("\" text-anchor=\"middle\">")
                .append(esc(p.x()))
                .append("</text>");
        s.append("<text x=\"14\" y=\"")
                .append(fmt(top + ph / 2))
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(fmt(top + ph / 2))
                .append(")\">")
                .append(esc(p.y()))
                .append("</text>");
        int ci = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[ci % COLORS.length];
            List<double[]> pts = e.getValue();
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            StringBuilder poly = new StringBuilder();
            for (double[] pt : pts)
                poly.append(fmt(sx.applyAsDouble(pt[0])))
                        .append(',')
                        .append(fmt(sy.applyAsDouble(pt[1])))
                        .append(' ');
            s.append("<polyline fill=\"none\" stroke=\"")
                    .append(color)
                    .append("\" stroke-width=\"1.5\" points=\"")
                    .append(poly.toString().trim())
                    .append("\"/>");
            for (double[] pt : pts) {
                s.append("<circle cx=\"")
                        .append(fmt(sx.applyAsDouble(pt[0])))
                        .append("\" cy=\"")
                        .append(fmt(sy.applyAsDouble(pt[1])))
                        .append("\" r=\"2.5\" fill=\"")
                        .append(color)
                        .append("\"><title>")
                        .append(esc(e.getKey()))
                        .append(": ")
                        .append(esc(format(pt[0])))
                        .append(", ")
                        .append(esc(format(pt[1])))
                        .append("</title></circle>");
            }
            int ly = top + 12 + ci * 14;
            s.append("<rect x=\"")
                    .append(w - right + 10)
                    .append("\" y=\"")
                    .append(ly - 8)
                    .append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(color)
                    .append("\"/><text x=\"")
                    .append(w - right + 25)
                    .append("\" y=\"")
                    .append(ly)
                    .append("\">")
                    .append(esc(e.getKey()))
                    .append("</text>");
            ci++;
        }
        return s.append("</svg>").toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
