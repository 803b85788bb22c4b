package dev.squeeze.cli.cachegen;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Registers {@code squeeze kv} (save, inspect). */
public final class KvCommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new KvCommand());
    }
}
