package dev.squeeze.bench;

/** Progress of a long step: a bar on a terminal, plain lines otherwise. */
public interface Progress extends AutoCloseable {
    void step();

    void stepBy(long n);

    /** Short text shown beside the bar (e.g. the method being run). */
    void message(String text);

    @Override
    void close();
}
