package dev.squeeze.vision;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.catalog.MethodCatalog;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.cct.CctMethods;
import org.junit.jupiter.api.Test;

class VisionCatalogTest {
    @Test
    void everyBenchMethodIsInTheCatalogWithALoadableImplementation() throws Exception {
        MethodCatalog c = MethodCatalog.load();
        for (CctMethod m : CctMethods.image()) assertTrue(c.find(m.name()).isPresent(), m.name());
        for (AnyResReducer m : CctMethods.anyRes()) {
            if (!m.name().startsWith("random")) assertTrue(c.find(m.name()).isPresent(), m.name());
        }
        for (String name : new String[] {
            "dycoke",
            "prunevid",
            "fastvid",
            "holitom",
            "tempme",
            "audio-segment-topk",
            "audio-adjacent-pooling",
            "lsh-cross-polytope",
            "tome-linear"
        }) {
            MethodInfo i = c.require(name);
            Class.forName(i.implementation());
            assertFalse(i.notes().isBlank(), name);
        }
    }
}
