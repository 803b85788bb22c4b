package dev.squeeze.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compares kernel results computed by C2-compiled code with the same computation in a JVM that only interprets
 * ({@code -Xint}): there the Vector API runs its Java fallback (as under C1), which is what a kernel does until it
 * is compiled. A probe is a class whose {@code main} prints {@link #print}'s lines for a fixed set of results; the
 * test runs the same computation in its own JVM after warming it until C2 compiled the kernels.
 */
public final class TierCheck {
    /** An -Xint JVM runs the Vector API fallback at a few microseconds per lane operation: keep probes small. */
    private static final long FORK_TIMEOUT_S = 120;

    /** Starts each result line of a probe's output. */
    private static final String MARK = "result ";

    private TierCheck() {}

    /** One line per result: its label and its float bits in hex. */
    public static void print(Map<String, Float> results) {
        StringBuilder out = new StringBuilder();
        results.forEach((k, v) -> out.append(MARK)
                .append(k)
                .append(' ')
                .append(Integer.toHexString(Float.floatToRawIntBits(v)))
                .append('\n'));
        System.out.print(out);
        System.out.flush();
    }

    /**
     * Runs {@code probe}'s main in a new JVM (this JVM's java and class path, the Vector API module) with
     * {@code -Xint}, and returns its results by label.
     */
    public static Map<String, Float> interpreted(Class<?> probe) throws IOException, InterruptedException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElseThrow(() -> new IllegalStateException(
                        "the running JVM's command is unknown: cannot fork the interpreted JVM"));
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Xint",
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                probe.getName()));
        Path log = Files.createTempFile("tier-probe", ".txt");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(FORK_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the -Xint probe " + probe.getName() + " did not finish in " + FORK_TIMEOUT_S + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), () -> "-Xint probe " + probe.getName() + " failed:\n" + output);
            Map<String, Float> results = new LinkedHashMap<>();
            for (String line : output.split("\n")) {
                if (!line.startsWith(MARK)) continue; // the JVM's own warnings
                String[] kv = line.substring(MARK.length()).trim().split(" ");
                if (kv.length != 2) fail("unexpected probe output line '" + line + "' in:\n" + output);
                results.put(kv[0], Float.intBitsToFloat(Integer.parseUnsignedInt(kv[1], 16)));
            }
            return results;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Every result bit for bit equal; the message lists each one that differs with both values. */
    public static void assertSameBits(Map<String, Float> interpreted, Map<String, Float> compiled) {
        assertEquals(interpreted.keySet(), compiled.keySet(), "the probes computed different result sets");
        List<String> differ = new ArrayList<>();
        interpreted.forEach((k, v) -> {
            float c = compiled.get(k);
            if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(c))
                differ.add(k + ": interpreted " + v + ", compiled " + c);
        });
        if (!differ.isEmpty())
            fail(differ.size() + " of " + interpreted.size() + " results depend on the JIT tier:\n"
                    + String.join("\n", differ));
    }
}
