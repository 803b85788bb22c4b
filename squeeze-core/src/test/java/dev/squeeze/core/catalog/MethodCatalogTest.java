package dev.squeeze.core.catalog;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodCatalogTest {

    /** A family's provider as the modules have one (registered in this module's test resources). */
    public static final class Provider implements MethodProvider {
        @Override
        public List<MethodInfo> methods() {
            return List.of(MethodInfo.builder("test-wrapped")
                    .family(Family.VIT)
                    .mechanism(Mechanism.SIMILARITY)
                    .paper(
                            "Token Merging: Your ViT But Faster",
                            "Bolya et al.",
                            2023,
                            "https://arxiv.org/abs/2210.09461")
                    .implementation(MethodCatalog.class)
                    .notesResource(Provider.class)
                    .build());
        }
    }

    @Test
    void loadsTheProvidersOnTheClassPathWithTheirPapersAndNotes() throws Exception {
        MethodCatalog c = MethodCatalog.load();
        MethodInfo tome = c.require("test-wrapped");
        assertEquals(Family.VIT, tome.family());
        assertTrue(tome.paper().url().contains("2210.09461"));
        assertTrue(tome.notes().startsWith("First line of the notes, wrapped"), tome.notes());
        JsonNode json = new ObjectMapper().readTree(c.toJson());
        assertTrue(json.isArray());
        JsonNode first = json.get(0);
        for (String f : List.of("name", "family", "mechanism", "paper", "trainingFree", "inputs", "implementation")) {
            assertTrue(first.has(f), "catalog JSON lacks " + f);
        }
    }

    @Test
    void duplicateNamesAndUnknownNamesFailLoudly() {
        MethodInfo a = MethodInfo.builder("x")
                .family(Family.TEXT)
                .mechanism(Mechanism.QUERY)
                .paper("P", "A", 2024, "https://example.org")
                .implementation(String.class)
                .build();
        assertThrows(IllegalStateException.class, () -> new MethodCatalog(List.of(a, a)));
        String msg = assertThrows(IllegalArgumentException.class, () -> new MethodCatalog(List.of(a)).require("y"))
                .getMessage();
        assertTrue(msg.contains("'y'") && msg.contains("x"));
        assertThrows(
                IllegalArgumentException.class,
                () -> MethodInfo.builder("Bad Name").build());
    }

    @Test
    void notesComeFromAResourceBesideTheDeclarationJoinedWithSingleSpaces() {
        MethodInfo m = MethodInfo.builder("test-wrapped")
                .family(Family.TEXT)
                .mechanism(Mechanism.QUERY)
                .paper("P", "A", 2024, "https://example.org")
                .implementation(String.class)
                .notesResource(MethodCatalogTest.class)
                .appendNotes(" Shared tail.")
                .build();
        assertEquals(
                "First line of the notes, wrapped: joined with single spaces (constants stay exact). Shared tail.",
                m.notes());
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> MethodInfo.builder("no-such-notes").notesResource(MethodCatalogTest.class));
        assertTrue(e.getMessage().contains("META-INF/squeeze/methods/no-such-notes.txt"), e.getMessage());
        assertEquals("a b", MethodNotes.unwrap("a\r\nb\n\n"));
    }
}
