package dev.squeeze.encoder.tokenizer;

import java.util.List;

/** tokenizer.json "BertPreTokenizer": split on white space (removed), then isolate every punctuation character. */
final class BertPreTokenizer implements PreTokenizer {
    @Override
    public void split(String piece, boolean first, List<String> out) {
        int start = -1;
        for (int i = 0; i < piece.length(); ) {
            int c = piece.codePointAt(i);
            int n = Character.charCount(c);
            if (UnicodeClasses.isWhiteSpace(c)) {
                if (start >= 0) out.add(piece.substring(start, i));
                start = -1;
            } else if (UnicodeClasses.isBertPunctuation(c)) {
                if (start >= 0) out.add(piece.substring(start, i));
                out.add(piece.substring(i, i + n));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += n;
        }
        if (start >= 0) out.add(piece.substring(start));
    }
}
