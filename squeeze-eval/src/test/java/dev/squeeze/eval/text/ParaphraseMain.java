package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paraphrase task for chosen methods, rates and needle count, with retention per haystack length (development aid;
 * the suite's rows are {@code squeeze bench text --option tasks=paraphrase}). Arguments:
 * {@code methods=lexical,extractive rates=0.25,0.1 needles=12}.
 */
public final class ParaphraseMain {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("methods", "lexical", "rates", "0.25,0.1", "needles", "48"));
        for (String a : args) o.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        int needles = Integer.parseInt(o.get("needles"));
        List<TextTasks.Example> ex = ParaphraseTask.examples(
                SharedData.require(""), ParaphraseTask.NEEDLES, ParaphraseTask.LENGTHS, needles);
        int per = Math.min(needles, ParaphraseTask.NEEDLES.size());
        CompressorRegistry reg = CompressorRegistry.load();
        for (String m : o.get("methods").split(",")) {
            PromptCompressor c = reg.get(m);
            for (String r : o.get("rates").split(",")) {
                double rate = Double.parseDouble(r);
                StringBuilder line = new StringBuilder(m + " rate " + rate + ":");
                int total = 0;
                for (int j = 0; j < ParaphraseTask.LENGTHS.length; j++) {
                    int kept = 0;
                    for (int i = 0; i < per; i++) {
                        TextTasks.Example e = ex.get(j * per + i);
                        CompressionResult res = c.compress(CompressionRequest.builder(e.context())
                                .rate(rate)
                                .question(e.question())
                                .build());
                        if (TextTasks.retained(e, res.compressed())) kept++;
                    }
                    total += kept;
                    line.append(String.format(" %dk %d/%d", ParaphraseTask.LENGTHS[j] / 1000, kept, per));
                }
                line.append(String.format(" | all %d/%d", total, per * ParaphraseTask.LENGTHS.length));
                System.out.println(line);
            }
        }
    }
}
