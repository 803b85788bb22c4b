package dev.squeeze.eval.text;

/**
 * The Porter stemming algorithm (M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980), steps 1a to
 * 5b as published, on lower-case ASCII words; other words are returned unchanged. "y" is a consonant at the start of a
 * word and after a vowel, a vowel after a consonant.
 */
public final class PorterStemmer {
    private char[] b;
    private int k; // end of the current word (inclusive)
    private int j; // end of the stem before a suffix

    private PorterStemmer() {}

    public static String stem(String word) {
        if (word.length() <= 2) return word;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c < 'a' || c > 'z') return word;
        }
        PorterStemmer s = new PorterStemmer();
        s.b = word.toCharArray();
        s.k = word.length() - 1;
        s.step1ab();
        if (s.k > 0) {
            s.step1c();
            s.step2();
            s.step3();
            s.step4();
            s.step5();
        }
        return new String(s.b, 0, s.k + 1);
    }

    private boolean cons(int i) {
        switch (b[i]) {
            case 'a':
            case 'e':
            case 'i':
            case 'o':
            case 'u':
                return false;
            case 'y':
                return i == 0 || !cons(i - 1);
            default:
                return true;
        }
    }

    /** m, the number of VC sequences in b[0..j]. */
    private int m() {
        int n = 0, i = 0;
        while (true) {
            if (i > j) return n;
            if (!cons(i)) break;
            i++;
        }
        i++;
        while (true) {
            while (true) {
                if (i > j) return n;
                if (cons(i)) break;
                i++;
            }
            i++;
            n++;
            while (true) {
                if (i > j) return n;
                if (!cons(i)) break;
                i++;
            }
            i++;
        }
    }

    private boolean vowelInStem() {
        for (int i = 0; i <= j; i++) if (!cons(i)) return true;
        return false;
    }

    private boolean doubleC(int i) {
        return i >= 1 && b[i] == b[i - 1] && cons(i);
    }

    /** cvc(i): consonant-vowel-consonant ending at i, the last not w, x or y. */
    private boolean cvc(int i) {
        if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
        char ch = b[i];
        return ch != 'w' && ch != 'x' && ch != 'y';
    }

    private boolean ends(String s) {
        int l = s.length(), o = k - l + 1;
        if (o < 0) return false;
        for (int i = 0; i < l; i++) if (b[o + i] != s.charAt(i)) return false;
        j = k - l;
        return true;
    }

    /** Replaces b[j+1..k] by s. */
    private void setTo(String s) {
        int l = s.length(), o = j + 1;
        if (o + l > b.length) b = java.util.Arrays.copyOf(b, o + l);
        for (int i = 0; i < l; i++) b[o + i] = s.charAt(i);
        k = j + l;
    }

    private void r(String s) {
        if (m() > 0) setTo(s);
    }

    private void step1ab() {
        if (b[k] == 's') {
            if (ends("sses")) k -= 2;
            else if (ends("ies")) setTo("i");
            else if (b[k - 1] != 's') k--;
        }
        if (ends("eed")) {
            if (m() > 0) k--;
        } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
            k = j;
            if (ends("at")) setTo("ate");
            else if (ends("bl")) setTo("ble");
            else if (ends("iz")) setTo("ize");
            else if (doubleC(k)) {
                k--;
                char ch = b[k];
                if (ch == 'l' || ch == 's' || ch == 'z') k++;
            } else if (m() == 1 && cvc(k)) setTo("e");
        }
    }

    private void step1c() {
        if (ends("y") && vowelInStem()) b[k] = 'i';
    }

    private void step2() {
        if (k == 0) return;
        switch (b[k - 1]) {
            case 'a':
                if (ends("ational")) r("ate");
                else if (ends("tional")) r("tion");
                break;
            case 'c':
                if (ends("enci")) r("ence");
                else if (ends("anci")) r("ance");
                break;
            case 'e':
                if (ends("izer")) r("ize");
                break;
            case 'l':
                if (ends("abli")) r("able");
                else if (ends("alli")) r("al");
                else if (ends("entli")) r("ent");
                else if (ends("eli")) r("e");
                else if (ends("ousli")) r("ous");
                break;
            case 'o':
                if (ends("ization")) r("ize");
                else if (ends("ation")) r("ate");
                else if (ends("ator")) r("ate");
                break;
            case 's':
                if (ends("alism")) r("al");
                else if (ends("iveness")) r("ive");
                else if (ends("fulness")) r("ful");
                else if (ends("ousness")) r("ous");
                break;
            case 't':
                if (ends("aliti")) r("al");
                else if (ends("iviti")) r("ive");
                else if (ends("biliti")) r("ble");
                break;
            default:
                break;
        }
    }

    private void step3() {
        switch (b[k]) {
            case 'e':
                if (ends("icate")) r("ic");
                else if (ends("ative")) r("");
                else if (ends("alize")) r("al");
                break;
            case 'i':
                if (ends("iciti")) r("ic");
                break;
            case 'l':
                if (ends("ical")) r("ic");
                else if (ends("ful")) r("");
                break;
            case 's':
                if (ends("ness")) r("");
                break;
            default:
                break;
        }
    }

    private void step4() {
        if (k == 0) return;
        boolean found;
        switch (b[k - 1]) {
            case 'a':
                found = ends("al");
                break;
            case 'c':
                found = ends("ance") || ends("ence");
                break;
            case 'e':
                found = ends("er");
                break;
            case 'i':
                found = ends("ic");
                break;
            case 'l':
                found = ends("able") || ends("ible");
                break;
            case 'n':
                found = ends("ant") || ends("ement") || ends("ment") || ends("ent");
                break;
            case 'o':
                found = (ends("ion") && j >= 0 && (b[j] == 's' || b[j] == 't')) || ends("ou");
                break;
            case 's':
                found = ends("ism");
                break;
            case 't':
                found = ends("ate") || ends("iti");
                break;
            case 'u':
                found = ends("ous");
                break;
            case 'v':
                found = ends("ive");
                break;
            case 'z':
                found = ends("ize");
                break;
            default:
                found = false;
        }
        if (found && m() > 1) k = j;
    }

    private void step5() {
        j = k;
        if (b[k] == 'e') {
            int a = m();
            if (a > 1 || (a == 1 && !cvc(k - 1))) k--;
        }
        if (b[k] == 'l' && doubleC(k) && m() > 1) k--;
    }
}
