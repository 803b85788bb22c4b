package dev.squeeze.encoder.tokenizer;

import java.util.List;

/** tokenizer.json "WhitespaceSplit": split on Unicode white space, which is removed. */
final class WhitespaceSplitPreTokenizer implements PreTokenizer {
    @Override
    public void split(String piece, boolean first, List<String> out) {
        int start = -1;
        for (int i = 0; i < piece.length(); ) {
            int c = piece.codePointAt(i);
            if (UnicodeClasses.isWhiteSpace(c)) {
                if (start >= 0) out.add(piece.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) out.add(piece.substring(start));
    }
}
