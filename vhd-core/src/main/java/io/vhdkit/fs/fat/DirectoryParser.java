package io.vhdkit.fs.fat;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the 32-byte entries of a directory, fed in on-disk order, into named items, the way Linux's vfat
 * ({@code fat_parse_long} in fs/fat/dir.c) and fatgen103 ("FAT Long Directory Entries") pair long-name slots with
 * their short entry:
 * <ul>
 *   <li>an entry whose first byte is 0x00 ends the directory (fatgen103; Windows and blkid stop there too);</li>
 *   <li>deleted entries (0xE5) are skipped, and drop any long name being collected;</li>
 *   <li>a long name starts at a slot with the 0x40 flag and ordinal {@code n} (1-20), goes on with ordinals
 *       {@code n-1} down to 1, every slot with the same checksum, and belongs to the short entry right after slot 1
 *       when the checksum of that entry's 11 name bytes matches. Anything else (an orphaned slot, a gap in the
 *       ordinals, a different checksum, a short entry that does not match) drops the long name and the short name
 *       is used;</li>
 *   <li>a long name that is empty, longer than 255 units, {@code "."}, {@code ".."} or contains {@code '/'} is
 *       dropped the same way (it could not be a path component); unpaired surrogates read as U+FFFD;</li>
 *   <li>volume labels, {@code "."} and {@code ".."} are not items; the first label of a root directory is kept,
 *       chosen as blkid chooses it ({@code search_fat_label}: not deleted, no cluster, the volume bit without the
 *       directory bit).</li>
 * </ul>
 * A short name that has to be shown (no long name) but is empty, or holds {@code '/'} or NUL, is corrupt.
 */
final class DirectoryParser {

    /** A file or directory of the listing. */
    record Item(String name, String shortName, long offset, ShortEntry entry) {
    }

    /** The longest name Windows and Linux accept, in UTF-16 units. */
    static final int MAX_NAME_UNITS = 255;

    private final List<Item> items = new ArrayList<>();
    private final boolean strict;
    private String label;
    private boolean ended;

    private char[] pending;
    private int expected;
    private int pendingChecksum;

    /**
     * @param strict whether a short name that cannot be a file name is corrupt (listing), or the entry is skipped
     *               (looking for the label only)
     */
    DirectoryParser(boolean strict) {
        this.strict = strict;
    }

    List<Item> items() {
        return items;
    }

    /** The raw label entry's name (11 characters, CP437, not trimmed), or null. */
    String label() {
        return label;
    }

    boolean ended() {
        return ended;
    }

    /**
     * Parses the whole entries of {@code block} (32 bytes each, from its position), whose first byte sits at volume
     * offset {@code base}.
     *
     * @return false once the end-of-directory entry was met
     */
    boolean accept(ByteBuffer block, long base) throws CorruptFormatException {
        int n = block.remaining() / ShortEntry.SIZE;
        for (int i = 0; i < n && !ended; i++) {
            int at = block.position() + i * ShortEntry.SIZE;
            entry(block.duplicate().position(at), base + (long) i * ShortEntry.SIZE);
        }
        return !ended;
    }

    private void entry(ByteBuffer b, long offset) throws CorruptFormatException {
        int first = Byte.toUnsignedInt(b.get(b.position()));
        if (first == ShortEntry.END_OF_DIRECTORY) {
            ended = true;
            return;
        }
        if (first == ShortEntry.DELETED) {
            pending = null;
            return;
        }
        int attributes = Byte.toUnsignedInt(b.get(b.position() + ShortEntry.OFFSET_ATTRIBUTES));
        if ((attributes & ShortEntry.ATTR_LONG_NAME_MASK) == ShortEntry.ATTR_LONG_NAME) {
            slot(LongNameSlot.decode(b));
            return;
        }
        ShortEntry e = ShortEntry.decode(b);
        String longName = pending != null && expected == 0 && e.checksum() == pendingChecksum ? longName() : null;
        pending = null;
        if (e.volumeLabel()) {
            if (label == null && !e.directory() && e.clusterHigh() == 0 && e.clusterLow() == 0) {
                byte[] raw = e.name();
                if ((raw[0] & 0xFF) == ShortEntry.KANJI_E5) {
                    raw[0] = (byte) ShortEntry.DELETED;
                }
                label = Cp437.decode(raw, 0, 11);
            }
            return;
        }
        if (e.dotEntry()) {
            return;
        }
        String shortName = e.shortName();
        if (longName == null && (shortName.isEmpty() || shortName.equals(".") || shortName.equals("..")
                || shortName.indexOf('/') >= 0 || shortName.indexOf('\0') >= 0)) {
            if (!strict) {
                return;
            }
            throw new CorruptFormatException(FieldRef.of(BootSector.FORMAT, "directory entry", "name", offset),
                    "\"" + shortName.replace("\0", "\\0") + "\"", "an 8.3 name",
                    "the short name \"" + shortName.replace("\0", "\\0") + "\" cannot be a file name");
        }
        items.add(new Item(longName != null ? longName : shortName, shortName, offset, e));
    }

    private void slot(LongNameSlot s) {
        int seq = s.sequence();
        if (s.last()) {
            if (seq < 1 || seq > LongNameSlot.MAX_SLOTS) {
                pending = null;
                return;
            }
            pending = new char[seq * LongNameSlot.UNITS];
            pendingChecksum = s.checksum();
        } else if (pending == null || seq != expected || s.checksum() != pendingChecksum) {
            pending = null;
            return;
        }
        s.copyInto(pending);
        expected = seq - 1;
    }

    /** The collected long name, or null when it cannot be a name. */
    private String longName() {
        int len = 0;
        while (len < pending.length && pending[len] != 0) {
            len++;
        }
        if (len == 0 || len > MAX_NAME_UNITS) {
            return null;
        }
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            char c = pending[i];
            if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(pending[i + 1])) {
                sb.append(c).append(pending[++i]);
            } else {
                sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        String name = sb.toString();
        if (name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            return null;
        }
        return name;
    }
}
