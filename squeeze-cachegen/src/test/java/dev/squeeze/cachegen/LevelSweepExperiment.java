package dev.squeeze.cachegen;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.llm.format.Llama2cLoader;
import dev.squeeze.llm.model.LlamaModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Manual sweep (-Dsweep=k1,k2,k3/v1,v2,v3;...): custom bins on stories260K. */
class LevelSweepExperiment {
    @Test
    void sweep() throws Exception {
        String spec = System.getProperty("sweep");
        Assumptions.assumeTrue(spec != null);
        try (LlamaModel m = Llama2cLoader.load(SharedData.require("models/stories260K.bin"), SharedData.require("models/tok512.bin"))) {
            List<int[]> seqs = new ArrayList<>();
            for (String p : Files.readString(SharedData.require("text/tinystories-sample.txt")).split("\\n\\s*\\n")) {
                if (!p.isBlank()) seqs.add(m.tokenizer().encode(p.strip(), true));
            }
            int windows = Integer.getInteger("windows", 20);
            int g = Integer.getInteger("g", 0);
            int L = m.config().nLayers();
            for (String one : spec.split(":")) {
                String[] kv = one.split("/");
                int[] kb = Arrays.stream(kv[0].split(",")).mapToInt(Integer::parseInt).toArray();
                int[] vb = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                CacheGenEncoder enc = CacheGenEncoder.builder().spec(new LevelSpec(9, g, kb, vb)).build();
                var r = RoundTripPerplexity.evaluate(m, seqs, 256, 256, windows, enc);
                System.out.printf("%s g=%d  x%.2f vs fp16  bytes/token %.1f  ppl ratio %.5f  agree %.4f%n", one, g, r.compression(),
                        (double) r.bytes() / r.cachedTokens(), r.pplRatio(), r.top1Agreement());
            }
        }
    }
}
