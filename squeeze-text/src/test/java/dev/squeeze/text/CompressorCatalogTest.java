package dev.squeeze.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.MethodCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressorCatalogTest {
    @Test
    void everyRegistryMethodExceptTheJsonWrapperIsInTheCatalogWithItsPaper() {
        MethodCatalog cat = MethodCatalog.load();
        List<String> text = cat.family(Family.TEXT).stream().map(m -> m.name()).toList();
        for (String n : CompressorRegistry.load().names()) {
            if (n.equals("json")) continue;
            assertTrue(text.contains(n), n + " missing from the catalog: " + text);
        }
        cat.family(Family.TEXT)
                .forEach(m -> assertTrue(m.paper().url().startsWith("https://arxiv.org/abs/"), m.name()));
    }

    @Test
    void causalLmMethodsNameTheBridgeModuleWhenItIsAbsent() {
        CompressorRegistry reg = CompressorRegistry.load(); // squeeze-text alone: no squeeze-text-llm here
        assertFalse(reg.names().contains("llmlingua"));
        var e = assertThrows(IllegalArgumentException.class, () -> reg.create("llmlingua", java.util.Map.of()));
        assertTrue(
                e.getMessage().startsWith("method 'llmlingua' needs dev.squeeze:squeeze-text-llm on the class path"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> reg.create("no-such-method", java.util.Map.of()));
        assertTrue(e.getMessage().startsWith("unknown method 'no-such-method'"), e.getMessage());
    }
}
