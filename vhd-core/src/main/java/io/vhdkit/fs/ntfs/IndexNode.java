package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of a directory's {@code $I30} B+ tree: the entries of the index root or of one INDX block, after its
 * {@code INDEX_HEADER}:
 * <pre>
 *   header: 0x00 entries offset u32 (from the header)  0x04 index length u32 (bytes in use, from the header)
 *           0x08 allocated size u32  0x0C flags u8 (0x01: the node has children)
 *   entry:  0x00 file reference u64  0x08 entry length u16  0x0A key length u16  0x0C flags u16
 *           (0x01: has a child node, 0x02: the last entry, which has no key)  0x10 key ($FILE_NAME value)
 *           and, with a child, the child's VCN (s64) in the entry's last 8 bytes
 * </pre>
 * Entries are sorted by {@code COLLATION_FILE_NAME}; an entry's child holds the names that sort before it, the last
 * entry's child those after every other entry.
 *
 * @param entries  the entries in order, the last one the end entry
 * @param children whether the header says the node has children
 */
record IndexNode(List<Entry> entries, boolean children) {

    static final int HEADER_ENTRIES_OFFSET = 0x00;
    static final int HEADER_INDEX_LENGTH = 0x04;
    static final int HEADER_ALLOCATED_SIZE = 0x08;
    static final int HEADER_FLAGS = 0x0C;
    static final int HEADER_SIZE = 0x10;
    static final int NODE_HAS_CHILDREN = 0x01;

    static final int ENTRY_REFERENCE = 0x00;
    static final int ENTRY_LENGTH = 0x08;
    static final int ENTRY_KEY_LENGTH = 0x0A;
    static final int ENTRY_FLAGS = 0x0C;
    static final int ENTRY_KEY = 0x10;
    static final int ENTRY_NODE = 0x01;
    static final int ENTRY_END = 0x02;

    /**
     * One index entry.
     *
     * @param reference the file reference (record number and sequence) of the file the key names; 0 in the end entry
     * @param key       the $FILE_NAME key, null in the end entry
     * @param child     the VCN of the child node, or -1
     * @param at        the entry's offset in the volume (approximate for INDX blocks that span runs)
     */
    record Entry(long reference, FileName key, long child, long at) {

        boolean end() {
            return key == null;
        }

        boolean hasChild() {
            return child >= 0;
        }
    }

    /**
     * Decodes the node whose header is at {@code header} of {@code b}, the node's bytes ending at {@code limit}.
     *
     * @param at where {@code b[0]} lies in the volume, for messages
     */
    static IndexNode decode(byte[] b, int header, int limit, String structure, long at)
            throws CorruptFormatException {
        long entriesOffset = Ntfs.u32(b, header + HEADER_ENTRIES_OFFSET);
        long indexLength = Ntfs.u32(b, header + HEADER_INDEX_LENGTH);
        long allocated = Ntfs.u32(b, header + HEADER_ALLOCATED_SIZE);
        int flags = Ntfs.u8(b, header + HEADER_FLAGS);
        long room = limit - header;
        if (allocated > room || indexLength > allocated) {
            throw new CorruptFormatException(Ntfs.ref(structure, "index length", at + header + HEADER_INDEX_LENGTH),
                    indexLength + " (allocated " + allocated + ")", "at most the allocated size, itself at most "
                    + room, "the node's index length " + indexLength + " and allocated size " + allocated
                    + " do not fit: in use <= allocated <= " + room + " bytes");
        }
        if (entriesOffset < HEADER_SIZE || (entriesOffset & 7) != 0 || entriesOffset >= indexLength) {
            throw new CorruptFormatException(Ntfs.ref(structure, "entries offset", at + header
                    + HEADER_ENTRIES_OFFSET), Long.toString(entriesOffset), "a multiple of 8 from 16, below the "
                    + "index length " + indexLength);
        }
        boolean children = (flags & NODE_HAS_CHILDREN) != 0;
        List<Entry> entries = new ArrayList<>();
        int p = header + (int) entriesOffset;
        int end = header + (int) indexLength;
        while (true) {
            if (p + ENTRY_KEY > end) {
                throw new CorruptFormatException(Ntfs.ref(structure, "index entries", at + p),
                        "the entries run past the node's index length without an end entry");
            }
            long reference = Ntfs.i64(b, p + ENTRY_REFERENCE);
            int length = Ntfs.u16(b, p + ENTRY_LENGTH);
            int keyLength = Ntfs.u16(b, p + ENTRY_KEY_LENGTH);
            int entryFlags = Ntfs.u16(b, p + ENTRY_FLAGS);
            boolean node = (entryFlags & ENTRY_NODE) != 0;
            boolean last = (entryFlags & ENTRY_END) != 0;
            int min = ENTRY_KEY + (node ? 8 : 0) + (last ? 0 : FileName.OFFSET_NAME + 2);
            if (length < min || (length & 7) != 0 || length > end - p) {
                throw new CorruptFormatException(Ntfs.ref(structure, "index entry length", at + p + ENTRY_LENGTH),
                        Integer.toString(length), "a multiple of 8 from " + min + " within the " + (end - p)
                        + " bytes left in the node");
            }
            if (node && !children) {
                throw new CorruptFormatException(Ntfs.ref(structure, "index entry flags", at + p + ENTRY_FLAGS),
                        Ntfs.hex4(entryFlags), "no child (0x01 clear): the node header says it has no children");
            }
            FileName key = null;
            if (!last) {
                int room2 = length - ENTRY_KEY - (node ? 8 : 0);
                if (keyLength > room2) {
                    throw new CorruptFormatException(Ntfs.ref(structure, "index entry key length",
                            at + p + ENTRY_KEY_LENGTH), Integer.toString(keyLength), "at most " + room2
                            + " (the entry's " + length + " bytes)");
                }
                key = FileName.decode(b, p + ENTRY_KEY, keyLength, structure, at + p + ENTRY_KEY);
            }
            long child = -1;
            if (node) {
                child = Ntfs.i64(b, p + length - 8);
                if (child < 0 || child > Attribute.MAX_VCN) {
                    throw new CorruptFormatException(Ntfs.ref(structure, "index entry child VCN", at + p + length
                            - 8), Long.toString(child), "a VCN from 0");
                }
            }
            entries.add(new Entry(last ? 0 : reference, key, child, at + p));
            if (last) {
                break;
            }
            p += length;
        }
        return new IndexNode(List.copyOf(entries), children);
    }
}
