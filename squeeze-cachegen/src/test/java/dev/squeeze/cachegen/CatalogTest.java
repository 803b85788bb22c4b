package dev.squeeze.cachegen;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.MethodCatalog;
import dev.squeeze.core.catalog.MethodInfo;
import org.junit.jupiter.api.Test;

class CatalogTest {
    @Test
    void cachegenIsRegisteredWithItsPaperAndConstants() {
        MethodInfo m = MethodCatalog.load().require("cachegen");
        assertEquals(Family.KV, m.family());
        assertEquals("https://arxiv.org/abs/2310.07240", m.paper().url());
        assertEquals(CacheGenEncoder.class.getName(), m.implementation());
        assertTrue(m.notes().contains("31/31/31"), m.notes());
        // the notes state the default level's bins: keep them in sync with the presets
        LevelSpec d = CompressionLevels.preset(CompressionLevels.DEFAULT, 3);
        assertArrayEquals(new int[] {31, 31, 31}, d.keyBins());
        assertArrayEquals(new int[] {15, 7, 7}, d.valueBins());
    }
}
