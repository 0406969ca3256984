package io.vhdkit.fs.ext;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.VolumeReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Inline data (EXT4_INLINE_DATA_FL, fs/ext4/inline.c): the first 60 bytes of a small file live in i_block, the rest in
 * the value of the {@code system.data} extended attribute in the inode's own attribute area. That area follows the
 * extra inode fields: a 4-byte magic (0xEA020000), then entries ({@code struct ext4_xattr_entry}: name_len,
 * name_index, value_offs, value_inum, value_size, hash, name padded to 4 bytes) ended by four zero bytes, values
 * placed at value_offs from the first entry.
 */
final class InlineData {

    static final int XATTR_MAGIC = 0xEA020000;
    static final int ENTRY_HEADER = 16;
    static final int OFFSET_NAME_LEN = 0;
    static final int OFFSET_NAME_INDEX = 1;
    static final int OFFSET_VALUE_OFFS = 2;
    static final int OFFSET_VALUE_INUM = 4;
    static final int OFFSET_VALUE_SIZE = 8;
    /** EXT4_XATTR_INDEX_SYSTEM ("system." names): system.data is index 7, name "data". */
    static final int INDEX_SYSTEM = 7;
    static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);

    private InlineData() {
    }

    /** The value of system.data: read-only, little-endian, positioned at 0. */
    static ByteBuffer systemData(Inode inode, VolumeReader reader) throws CorruptFormatException,
            UnsupportedFormatException {
        String structure = "inode " + inode.number() + " inline data";
        ByteBuffer raw = inode.raw();
        int size = raw.capacity();
        int start = Inode.GOOD_OLD_SIZE + inode.extraIsize();
        if (start + 4 > size || raw.getInt(start) != XATTR_MAGIC) {
            throw new CorruptFormatException(reader.ref(structure, "h_magic", inode.offset() + Math.min(start, size)),
                    "the inode has the inline data flag but no in-inode extended attributes, so no system.data "
                            + "attribute with the rest of its data");
        }
        int entries = start + 4;
        int at = entries;
        while (at + 4 <= size && raw.getInt(at) != 0) {
            if (at + ENTRY_HEADER > size) {
                throw new CorruptFormatException(reader.ref(structure, "xattr entry", inode.offset() + at),
                        "an extended attribute entry at byte " + at + " runs past the end of the inode");
            }
            int nameLength = raw.get(at + OFFSET_NAME_LEN) & 0xFF;
            int entrySize = (ENTRY_HEADER + nameLength + 3) & ~3;
            if (at + entrySize > size) {
                throw new CorruptFormatException(reader.ref(structure, "e_name_len", inode.offset() + at),
                        Integer.toString(nameLength), null, "the name of the extended attribute entry at byte " + at
                        + " runs past the end of the inode");
            }
            if ((raw.get(at + OFFSET_NAME_INDEX) & 0xFF) == INDEX_SYSTEM && nameLength == DATA.length
                    && raw.slice(at + ENTRY_HEADER, nameLength).equals(ByteBuffer.wrap(DATA))) {
                int valueOffset = Superblock.u16(raw, at + OFFSET_VALUE_OFFS);
                long inum = Superblock.u32(raw, at + OFFSET_VALUE_INUM);
                long valueSize = Superblock.u32(raw, at + OFFSET_VALUE_SIZE);
                if (inum != 0) {
                    throw new UnsupportedFormatException(reader.ref(structure, "e_value_inum",
                            inode.offset() + at + OFFSET_VALUE_INUM), Long.toString(inum), "0",
                            "system.data is stored in inode " + inum + " (ea_inode), which ext4 never does");
                }
                if (valueSize > size - entries || valueOffset > size - entries - valueSize) {
                    throw new CorruptFormatException(reader.ref(structure, "e_value_offs",
                            inode.offset() + at + OFFSET_VALUE_OFFS), valueOffset + "+" + valueSize,
                            "within the inode's " + (size - entries) + " bytes of attribute space",
                            "the system.data value (" + valueSize + " bytes at " + valueOffset
                                    + ") lies outside the inode's attribute space");
                }
                return raw.slice(entries + valueOffset, (int) valueSize).order(ByteOrder.LITTLE_ENDIAN);
            }
            at += entrySize;
        }
        throw new CorruptFormatException(reader.ref(structure, "system.data", inode.offset() + start),
                "the inode has the inline data flag but no system.data extended attribute");
    }
}
