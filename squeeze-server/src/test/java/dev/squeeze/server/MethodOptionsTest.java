package dev.squeeze.server;

import static dev.squeeze.server.ServerTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorFactory;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Method settings come from the operator's configuration, are applied once, and a method that needs one says so. */
class MethodOptionsTest {
    /** Needs a "model" option, like LLMLingua-2; answers with the model it was built with. */
    static final class NeedsModel implements CompressorFactory {
        final AtomicInteger builds = new AtomicInteger();

        @Override
        public String name() {
            return "needs-model";
        }

        @Override
        public java.util.Optional<dev.squeeze.core.catalog.MethodInfo> info() {
            return java.util.Optional.empty();
        }

        @Override
        public boolean offline() {
            return false;
        }

        @Override
        public PromptCompressor create(Map<String, String> options) {
            String model = options.get("model");
            if (model == null) throw new IllegalArgumentException("needs-model requires option model=PATH");
            builds.incrementAndGet();
            return new PromptCompressor() {
                @Override
                public String method() {
                    return "needs-model";
                }

                @Override
                public CompressionResult compress(CompressionRequest r) {
                    return new CompressionResult("built with " + model, 3, 3, 1.0, "needs-model", 0);
                }
            };
        }
    }

    @Test
    void configuredOptionsReachTheFactoryOnce() throws Exception {
        NeedsModel f = new NeedsModel();
        ServerConfig cfg = ServerConfig.builder()
                .port(0)
                .methodOption("needs-model.model=/models/m.onnx")
                .build();
        try (SqueezeServer s = SqueezeServer.start(cfg, new CompressorRegistry(List.of(f)))) {
            for (int i = 0; i < 3; i++) {
                var r = post(s.uri(), "/v1/compress", "{\"text\": \"some text\", \"method\": \"needs-model\"}");
                assertEquals(200, r.status(), r.body());
                assertEquals(
                        "built with /models/m.onnx", r.json().path("compressed").asText());
            }
            assertEquals(1, f.builds.get(), "built once, shared by every request");
        }
    }

    @Test
    void aMethodMissingItsSettingIsA400NamingTheFlag() throws Exception {
        try (SqueezeServer s = SqueezeServer.start(
                ServerConfig.builder().port(0).build(), new CompressorRegistry(List.of(new NeedsModel())))) {
            var r = post(s.uri(), "/v1/compress", "{\"text\": \"some text\", \"method\": \"needs-model\"}");
            assertEquals(400, r.status());
            assertEquals("method_unavailable", r.errorType());
            assertTrue(r.errorMessage().contains("requires option model=PATH"), r.errorMessage());
            assertTrue(r.errorMessage().contains("--method-option needs-model.KEY=VALUE"), r.errorMessage());
        }
    }

    @Test
    void malformedOptionSpecsAreRejected() {
        for (String bad : new String[] {"model=/x", ".model=/x", "needs-model.=/x", "needs-model.model"}) {
            assertThrows(
                    IllegalArgumentException.class, () -> ServerConfig.builder().methodOption(bad), bad);
        }
        ServerConfig c = ServerConfig.builder()
                .methodOption("llmlingua-2.model=/a/b.onnx")
                .build();
        assertEquals(Map.of("model", "/a/b.onnx"), c.methodOptions().get("llmlingua-2"));
    }
}
