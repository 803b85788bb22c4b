package dev.squeeze.text;

import java.util.List;

/**
 * What a compressor must keep whatever the budget. Everything is opt-in; {@link #none()} keeps only what
 * the prompt itself marks ({@code compress=false} segments, Markdown headings).
 *
 * @param numbers  numbers such as 16, 3.5, 1,000, $2, 40% (a word made of digits and . , separators)
 * @param urls     http(s)/ftp URLs and e-mail addresses
 * @param ids      identifiers: words mixing letters and digits (UUIDs, SKUs, hashes, v1.2.3)
 * @param entities named entities, approximated as capitalised words that do not start a sentence
 * @param tokens   exact strings to keep (LLMLingua-2's force_tokens); matched as whole words
 */
public record ForcedContent(boolean numbers, boolean urls, boolean ids, boolean entities, List<String> tokens) {
    public ForcedContent {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        for (String t : tokens) {
            if (t == null || t.isEmpty()) throw new IllegalArgumentException("forced token must not be empty");
        }
    }

    public static ForcedContent none() {
        return new ForcedContent(false, false, false, false, List.of());
    }

    /** Numbers and URLs: the cheap, usually essential default of the CLI's {@code --keep numbers,urls}. */
    public static ForcedContent numbersAndUrls() {
        return new ForcedContent(true, true, false, false, List.of());
    }

    public boolean any() {
        return numbers || urls || ids || entities || !tokens.isEmpty();
    }

    /** Parses a comma list: numbers, urls, ids, entities, none, all. */
    public static ForcedContent parse(String list) {
        boolean n = false, u = false, i = false, e = false;
        if (list != null && !list.isBlank()) {
            for (String raw : list.split(",")) {
                switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
                    case "numbers" -> n = true;
                    case "urls" -> u = true;
                    case "ids" -> i = true;
                    case "entities" -> e = true;
                    case "all" -> {
                        n = true;
                        u = true;
                        i = true;
                        e = true;
                    }
                    case "none", "" -> {}
                    default ->
                        throw new IllegalArgumentException("unknown forced-content kind '" + raw.trim()
                                + "'; known: numbers, urls, ids, entities, all, none");
                }
            }
        }
        return new ForcedContent(n, u, i, e, List.of());
    }
}
