package dev.squeeze.core.data;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class DataAssumptionsTest {
    @Test
    void absentDataSkipsUnlessRequiredThenFails() {
        TestAbortedException skip =
                assertThrows(TestAbortedException.class, () -> DataAssumptions.absent("../shared/data/x.bin", false));
        assertTrue(skip.getMessage().contains("../shared/data/x.bin is absent: skipped"), skip.getMessage());
        AssertionFailedError fail =
                assertThrows(AssertionFailedError.class, () -> DataAssumptions.absent("../shared/data/x.bin", true));
        assertTrue(
                fail.getMessage().startsWith("../shared/data/x.bin is absent, and SQUEEZE_REQUIRE_DATA=1"),
                fail.getMessage());
    }

    @Test
    void aMissingFileIsNeverPresent() {
        if (DataAssumptions.required()) {
            assertThrows(AssertionFailedError.class, () -> DataAssumptions.present("no/such/file.bin"));
        } else {
            assertFalse(DataAssumptions.present("no/such/file.bin"));
        }
    }
}
