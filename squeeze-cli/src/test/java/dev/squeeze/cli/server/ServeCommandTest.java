package dev.squeeze.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
    @Test
    void serveStartsOnLoopbackAndAnswers() throws Exception {
        ServeCommand cmd = new ServeCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> run =
                CompletableFuture.supplyAsync(() -> cl.execute("--port", "0", "--workers", "1", "--api-key", "k1"));
        Matcher m = null;
        for (int i = 0; i < 200; i++) {
            m = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)").matcher(out.toString());
            if (m.find()) break;
            m = null;
            Thread.sleep(50);
        }
        assertTrue(m != null, "startup line printed: " + out);
        assertTrue(out.toString().contains("API key required"));
        URI base = URI.create(m.group(1));
        try (HttpClient c = HttpClient.newHttpClient()) {
            var health = c.send(
                    HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            var methods = c.send(
                    HttpRequest.newBuilder(base.resolve("/v1/methods")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, methods.statusCode(), "the key from --api-key is enforced");
        } finally {
            cmd.server.close();
        }
        assertEquals(0, run.get(10, TimeUnit.SECONDS));
    }

    @Test
    void badSettingsFailWithExitCodeTwo() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("serve", "--port", "0", "--workers", "0");
        assertEquals(2, code);
        assertTrue(err.toString().contains("workers must be > 0"), err.toString());
        code = cl.execute("serve", "--port", "0", "--upstream", "ftp://example.org");
        assertEquals(2, code);
        assertTrue(err.toString().contains("upstream must be an absolute http(s) URL"), err.toString());
    }
}
