package dev.squeeze.text.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.MethodCatalog;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.text.CompressorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the bridge on the class path the causal-LM methods are registered and declared in the catalog. */
class BridgeCatalogTest {
    @Test
    void causalLmMethodsAreRegisteredAndCatalogued() {
        List<String> text = MethodCatalog.load().family(Family.TEXT).stream()
                .map(MethodInfo::name)
                .toList();
        assertTrue(text.containsAll(List.of("llmlingua", "longllmlingua", "selective-context")), text.toString());
        CompressorRegistry reg = CompressorRegistry.load();
        assertTrue(
                reg.names().containsAll(List.of("llmlingua", "longllmlingua", "selective-context")),
                reg.names().toString());
        var e = assertThrows(IllegalArgumentException.class, () -> reg.create("llmlingua", Map.of()));
        assertTrue(e.getMessage().contains("model"), e.getMessage());
    }
}
