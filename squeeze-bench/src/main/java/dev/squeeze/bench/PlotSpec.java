package dev.squeeze.bench;

/**
 * A line plot in the report: one line per distinct {@code series} value, y against x, over the rows of
 * {@code task}.
 *
 * @param task   rows to plot (their {@code task} field)
 * @param title  heading
 * @param x      numeric field for the x axis
 * @param y      numeric field for the y axis
 * @param series field whose values name the lines (usually {@code method})
 */
public record PlotSpec(String task, String title, String x, String y, String series) {}
