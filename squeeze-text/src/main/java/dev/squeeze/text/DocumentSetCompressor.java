package dev.squeeze.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Compresses a list of retrieved documents to one shared token budget while keeping them apart, for RAG
 * integrations (LangChain4j contents, Spring AI documents) that must hand back one compressed text per input
 * document with its metadata.
 *
 * <p>The documents are joined as blank-line paragraphs, each opened by a marker word ({@code SQZDOC<i>X}) passed
 * as forced content, so the compressor ranks and budgets them together (query-aware coarse ranking across
 * documents, then fine pruning) and the markers, never dropped, split the result back. The markers' own tokens
 * are added to the target, so the documents' text gets the whole budget. A document whose text is pruned away
 * entirely comes back as the empty string. Thread-safe when the compressor is.
 */
public final class DocumentSetCompressor {
    private final PromptCompressor compressor;
    private final TokenEncoding encoding;

    public DocumentSetCompressor(PromptCompressor compressor, TokenEncoding encoding) {
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        this.encoding = Objects.requireNonNull(encoding, "encoding");
    }

    /** The default method, cl100k_base counts. */
    public static DocumentSetCompressor withDefaults() {
        return new DocumentSetCompressor(CompressorRegistry.load().defaultCompressor(), TokenEncoding.CL100K_BASE);
    }

    /**
     * @param documents       compressed text per input document ("" when dropped), same order and size as the input
     * @param originTokens    tokens of all input documents
     * @param compressedTokens tokens of all output documents
     */
    public record Result(List<String> documents, int originTokens, int compressedTokens) {}

    /**
     * @param documents    the texts (none null); blank ones pass through unchanged
     * @param question     what the documents must answer, or {@code null}
     * @param budgetTokens tokens for all documents together (> 0); documents already within it are returned as is
     */
    public Result compress(List<String> documents, @Nullable String question, int budgetTokens) {
        Objects.requireNonNull(documents, "documents");
        if (budgetTokens <= 0) throw new IllegalArgumentException("budgetTokens must be > 0, got " + budgetTokens);
        TokenCounter counter = TokenCounter.of(encoding);
        int n = documents.size();
        int total = 0;
        for (int i = 0; i < n; i++) {
            String d = documents.get(i);
            if (d == null) throw new IllegalArgumentException("document " + i + " is null");
            total += counter.count(d);
        }
        if (total <= budgetTokens) return new Result(List.copyOf(documents), total, total);

        String prefix = "SQZDOC";
        while (containsAny(documents, prefix)) prefix += "Q";
        StringBuilder joined = new StringBuilder();
        List<String> markers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (documents.get(i).isBlank()) continue;
            String m = prefix + i + "X";
            markers.add(m);
            if (!joined.isEmpty()) joined.append("\n\n");
            joined.append(m).append('\n').append(documents.get(i).strip());
        }
        int overhead = Math.max(0, counter.count(joined.toString()) - total);
        CompressionRequest req = CompressionRequest.builder(joined.toString())
                .targetTokens(budgetTokens + overhead)
                .question(question)
                .forced(new ForcedContent(false, false, false, false, markers))
                .encoding(encoding)
                .build();
        String out = compressor.compress(req).compressed();

        String[] docs = new String[n];
        for (int i = 0; i < n; i++) docs[i] = documents.get(i).isBlank() ? documents.get(i) : "";
        Matcher mm = Pattern.compile(Pattern.quote(prefix) + "(\\d+)X").matcher(out);
        int lastIndex = -1, lastEnd = 0;
        while (mm.find()) {
            if (lastIndex >= 0)
                docs[lastIndex] = out.substring(lastEnd, mm.start()).strip();
            lastIndex = Integer.parseInt(mm.group(1));
            lastEnd = mm.end();
        }
        if (lastIndex >= 0) docs[lastIndex] = out.substring(lastEnd).strip();
        int kept = 0;
        for (String d : docs) kept += counter.count(d);
        return new Result(Collections.unmodifiableList(java.util.Arrays.asList(docs)), total, kept);
    }

    private static boolean containsAny(List<String> docs, String s) {
        for (String d : docs) if (d.contains(s)) return true;
        return false;
    }
}
