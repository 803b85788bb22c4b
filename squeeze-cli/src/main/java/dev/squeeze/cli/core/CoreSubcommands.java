package dev.squeeze.cli.core;

import dev.squeeze.cli.SubcommandProvider;
import java.util.List;

/** methods, bench, demo. */
public final class CoreSubcommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new MethodsCommand(), new BenchCommand(), new DemoCommand());
    }
}
