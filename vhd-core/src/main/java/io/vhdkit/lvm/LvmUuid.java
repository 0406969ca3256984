package io.vhdkit.lvm;

/**
 * LVM's identifiers (lvm2 {@code lib/uuid/uuid.c}): 32 characters from a 64-character alphabet, stored bare in the
 * pv_header and written in the text metadata with dashes in groups of 6-4-4-4-4-4-6.
 */
public final class LvmUuid {

    /** lvm2's {@code _c}: the characters an id is made of. */
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#";
    public static final int LENGTH = 32;
    private static final int[] GROUPS = {6, 4, 4, 4, 4, 4, 6};

    private LvmUuid() {
    }

    /** Whether {@code id} is 32 characters of the alphabet, without dashes. */
    public static boolean isBare(String id) {
        if (id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (ALPHABET.indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The bare 32 characters of an id as the text metadata writes it, or null when it is not one. Like lvm2's
     * {@code id_read_format}, dashes are skipped wherever they are.
     */
    public static String bare(String formatted) {
        if (formatted.length() > 2 * LENGTH) {
            return null;
        }
        String s = formatted.replace("-", "");
        return isBare(s) ? s : null;
    }

    /** The id with dashes, 6-4-4-4-4-4-6, as LVM's tools print it. */
    public static String format(String bare) {
        if (bare.length() != LENGTH) {
            return bare;
        }
        StringBuilder sb = new StringBuilder(LENGTH + GROUPS.length - 1);
        int at = 0;
        for (int g : GROUPS) {
            if (at > 0) {
                sb.append('-');
            }
            sb.append(bare, at, at + g);
            at += g;
        }
        return sb.toString();
    }
}
