package dev.squeeze.vision;

import dev.squeeze.core.data.DataAssumptions;
import dev.squeeze.vision.model.CctModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared test fixtures: the CCT model and images from ../shared/data (tests skip when absent). */
public final class TestData {
    private static CctModel model;

    private TestData() {}

    public static synchronized CctModel model() {
        Path file = DataAssumptions.require("models/cct-cifar10.pt");
        if (model == null) {
            try {
                model = CctModel.load(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** The first {@code n} sample photos in name order. */
    public static List<Path> images(int n) {
        try (var s = Files.list(DataAssumptions.require("images/imagenet-sample"))) {
            List<Path> all = new ArrayList<>(
                    s.filter(p -> p.toString().endsWith(".JPEG")).sorted().toList());
            return all.subList(0, Math.min(n, all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
