package dev.squeeze.cli.batch;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** Adds {@code squeeze batch}. */
public final class BatchSubcommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new BatchCommand());
    }
}
