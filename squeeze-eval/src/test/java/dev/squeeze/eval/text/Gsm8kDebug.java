package dev.squeeze.eval.text;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.text.*;

public final class Gsm8kDebug {
    public static void main(String[] a) throws Exception {
        var ex = TextTasks.gsm8k(SharedData.locate().orElseThrow(), 300);
        var c = new LexicalCompressor();
        for (var e : ex) {
            try {
                var r = c.compress(CompressionRequest.builder(e.context())
                        .rate(Double.parseDouble(a[0]))
                        .forced(ForcedContent.numbersAndUrls())
                        .build());
                if (Math.abs(r.rate() - Double.parseDouble(a[0])) > 0.03)
                    System.out.println(
                            r.originTokens() + " " + r.compressedTokens() + " " + r.rate() + " | " + r.compressed());
            } catch (IllegalArgumentException err) {
            }
        }
    }
}
