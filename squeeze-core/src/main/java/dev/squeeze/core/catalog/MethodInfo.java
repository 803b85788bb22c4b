package dev.squeeze.core.catalog;

import java.util.List;
import java.util.Objects;

/**
 * One catalog entry.
 *
 * @param name           stable identifier used on the command line and in benchmark rows ("tome", "snapkv")
 * @param family         what it reduces
 * @param mechanism      how it decides
 * @param paper          what it implements
 * @param trainingFree   true when it needs no training or fine-tuning
 * @param inputs         what it needs at run time ("tokens", "cls-attention", "question", ...)
 * @param implementation fully qualified class that implements it
 * @param notes          constants chosen, deviations from the paper, faithfulness caveats
 */
public record MethodInfo(
        String name,
        Family family,
        Mechanism mechanism,
        Paper paper,
        boolean trainingFree,
        List<String> inputs,
        String implementation,
        String notes) {
    public MethodInfo {
        if (name == null || !name.matches("[a-z0-9][a-z0-9.+-]*")) {
            throw new IllegalArgumentException(
                    "method name must be lowercase letters, digits, '.', '+' or '-', got '" + name + "'");
        }
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(paper, "paper");
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(implementation, "implementation");
        notes = notes == null ? "" : notes;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Fluent construction of entries. */
    public static final class Builder {
        private final String name;
        private Family family;
        private Mechanism mechanism;
        private Paper paper;
        private boolean trainingFree = true;
        private List<String> inputs = List.of();
        private String implementation;
        private String notes = "";

        private Builder(String name) {
            this.name = name;
        }

        public Builder family(Family f) {
            this.family = f;
            return this;
        }

        public Builder mechanism(Mechanism m) {
            this.mechanism = m;
            return this;
        }

        public Builder paper(String title, String authors, int year, String url) {
            this.paper = new Paper(title, authors, year, url);
            return this;
        }

        public Builder trainingFree(boolean t) {
            this.trainingFree = t;
            return this;
        }

        public Builder inputs(String... in) {
            this.inputs = List.of(in);
            return this;
        }

        public Builder implementation(Class<?> c) {
            this.implementation = c.getName();
            return this;
        }

        public Builder notes(String n) {
            this.notes = n;
            return this;
        }

        /** The notes from {@code META-INF/squeeze/methods/<name>.txt} beside {@code declaring} ({@link MethodNotes}). */
        public Builder notesResource(Class<?> declaring) {
            return notes(MethodNotes.load(declaring, name));
        }

        /** Appends text to the notes (a family's shared paragraph after a method's own). */
        public Builder appendNotes(String more) {
            this.notes = notes + more;
            return this;
        }

        public MethodInfo build() {
            return new MethodInfo(name, family, mechanism, paper, trainingFree, inputs, implementation, notes);
        }
    }
}
