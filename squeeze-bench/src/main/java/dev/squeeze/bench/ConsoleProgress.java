package dev.squeeze.bench;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on a terminal; plain lines (about every 10%) when output is not a terminal. */
final class ConsoleProgress implements Progress {
    private final ProgressBar bar;
    private final PrintStream plain;
    private final String task;
    private final long total;
    private long done;
    private long lastReported = -1;
    private String message = "";

    private ConsoleProgress(ProgressBar bar, PrintStream plain, String task, long total) {
        this.bar = bar;
        this.plain = plain;
        this.task = task;
        this.total = total;
    }

    static Progress create(String task, long total, boolean terminal, PrintStream err) {
        if (terminal) {
            ProgressBar bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(err))
                    .build();
            return new ConsoleProgress(bar, null, task, total);
        }
        err.println("[" + task + "] 0/" + total);
        return new ConsoleProgress(null, err, task, total);
    }

    @Override
    public void step() {
        stepBy(1);
    }

    @Override
    public synchronized void stepBy(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long decile = total <= 0 ? done : (done * 10) / total;
        if (decile != lastReported) {
            lastReported = decile;
            plain.println("[" + task + "] " + done + "/" + total + (message.isEmpty() ? "" : " " + message));
        }
    }

    @Override
    public synchronized void message(String text) {
        message = text == null ? "" : text;
        if (bar != null) bar.setExtraMessage(" " + message);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
        else plain.println("[" + task + "] done " + done + "/" + total);
    }
}
