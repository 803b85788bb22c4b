package dev.squeeze.cli.core;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.MethodCatalog;
import dev.squeeze.core.catalog.MethodInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code squeeze methods [--json] [--family F]}: the method catalog. */
@Command(
        name = "methods",
        mixinStandardHelpOptions = true,
        description = "List every implemented method with its paper.")
final class MethodsCommand implements Runnable {
    @Option(names = "--json", description = "Print the catalog as a JSON array.")
    boolean json;

    @Option(
            names = "--family",
            description = "Only this family: ${COMPLETION-CANDIDATES} (lower case accepted).",
            converter = FamilyConverter.class)
    Family family;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        MethodCatalog all = MethodCatalog.load();
        MethodCatalog c = family == null ? all : new MethodCatalog(all.family(family));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(c.toJson());
            out.flush();
            return;
        }
        List<MethodInfo> ms = c.methods();
        out.printf("%-26s %-6s %-14s %-5s %s%n", "NAME", "FAMILY", "MECHANISM", "FREE", "PAPER");
        for (MethodInfo m : ms) {
            out.printf(
                    "%-26s %-6s %-14s %-5s %s (%s %d)%n",
                    m.name(),
                    m.family().id(),
                    m.mechanism().id(),
                    m.trainingFree() ? "yes" : "no",
                    m.paper().title(),
                    m.paper().authors(),
                    m.paper().year());
        }
        out.printf("%d methods%n", ms.size());
        out.flush();
    }

    static final class FamilyConverter implements picocli.CommandLine.ITypeConverter<Family> {
        @Override
        public Family convert(String value) {
            try {
                return Family.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown family '" + value + "'; expected one of "
                        + java.util.Arrays.toString(Family.values()).toLowerCase(java.util.Locale.ROOT));
            }
        }
    }
}
