package dev.squeeze.cli.server;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Adds {@code squeeze serve}. */
public final class ServerSubcommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new ServeCommand());
    }
}
