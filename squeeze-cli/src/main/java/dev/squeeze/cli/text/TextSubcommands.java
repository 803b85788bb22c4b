package dev.squeeze.cli.text;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Adds {@code squeeze compress}. */
public final class TextSubcommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new CompressCommand());
    }
}
