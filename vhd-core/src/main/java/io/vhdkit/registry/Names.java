package io.vhdkit.registry;

/**
 * Key and value names as Windows compares them: character by character (UTF-16 code units), upper-cased, by code
 * (spec: "Index leaf": lists are "sorted ascending by an uppercase version of a key name string"). Upper-casing is
 * {@link Character#toUpperCase(char)} per code unit, the simple mapping that Windows' {@code RtlUpcaseUnicodeChar}
 * table also uses (it differs only for a few rare letters between Unicode versions).
 */
final class Names {

    private Names() {
    }

    static String upcase(String name) {
        char[] c = name.toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = Character.toUpperCase(c[i]);
        }
        return new String(c);
    }

    static boolean equal(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && Character.toUpperCase(x) != Character.toUpperCase(y)) {
                return false;
            }
        }
        return true;
    }

    /** The "lh" name hash: H = 37 * H + C over the upper-cased name's code units (spec: "Hash leaf"). */
    static int hash(String name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = 37 * h + Character.toUpperCase(name.charAt(i));
        }
        return h;
    }

    /**
     * Whether an "lf" name hint can belong to {@code name}: the hint holds the first four characters as extended
     * ASCII, padded with NULs, or a NUL first byte when a character is above 255 (spec: "Fast leaf"). Compared
     * case-insensitively, since writers differ in whether they store the hint upper-cased.
     */
    static boolean hintMatches(int hint, String name) {
        if ((hint & 0xFF) == 0) {
            return true;                          // no usable hint
        }
        for (int i = 0; i < 4; i++) {
            int h = (hint >>> (8 * i)) & 0xFF;
            if (i >= name.length()) {
                return h == 0;
            }
            char c = name.charAt(i);
            if (c > 0xFF) {
                return false;
            }
            if (h != c && Character.toUpperCase((char) h) != Character.toUpperCase(c)) {
                return false;
            }
        }
        return true;
    }
}
