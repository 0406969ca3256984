package io.vhdkit.fs.ext;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.VolumeReader;
import java.nio.ByteBuffer;

/**
 * Linear directory entries (kernel {@code struct ext4_dir_entry_2}): inode (4 bytes), rec_len (2), name_len (1),
 * file_type (1, with the filetype feature), then the name, each record padded to 4 bytes, the records of a block
 * filling it exactly. Every record is checked as the kernel's {@code __ext4_check_dir_entry} does before it is used.
 * Records with inode 0 are unused space: deleted entries, the htree's interior nodes (which look like one empty
 * record to a linear scan) and the metadata_csum tail.
 */
final class DirBlock {

    static final int OFFSET_INODE = 0;
    static final int OFFSET_REC_LEN = 4;
    static final int OFFSET_NAME_LEN = 6;
    static final int OFFSET_FILE_TYPE = 7;
    static final int OFFSET_NAME = 8;
    /** EXT4_DIR_REC_LEN(1): the smallest record. */
    static final int MIN_REC_LEN = 12;

    /** What a visitor gets for each used record; returning false stops the walk. */
    interface Visitor {
        boolean entry(long inode, ByteBuffer region, int nameOffset, int nameLength, int fileType, long offset)
                throws CorruptFormatException;
    }

    private DirBlock() {
    }

    /** EXT4_DIR_REC_LEN(name_len): 8 bytes of header and the name, rounded up to 4. */
    static int recLenFor(int nameLength) {
        return (nameLength + 8 + 3) & ~3;
    }

    /**
     * Walks the records of {@code region} (a whole directory block, or one of an inline directory's two areas).
     *
     * @param volumeOffset the absolute offset of the region's first byte, for messages
     * @param largeRecLen  whether rec_len uses the 64 KiB-block encoding (ext4_rec_len_from_disk)
     * @return false when the visitor stopped the walk
     */
    static boolean walk(ByteBuffer region, long volumeOffset, String structure, VolumeReader reader,
                        long inodesCount, boolean fileTypes, boolean largeRecLen, Visitor visitor)
            throws CorruptFormatException {
        int size = region.limit();
        int at = 0;
        while (at < size) {
            if (size - at < MIN_REC_LEN) {
                throw corrupt(reader, structure, "rec_len", volumeOffset + at, Integer.toString(size - at),
                        "the entry at byte " + at + " has only " + (size - at) + " bytes left in its block");
            }
            long inode = Superblock.u32(region, at + OFFSET_INODE);
            int recLen = Superblock.u16(region, at + OFFSET_REC_LEN);
            if (largeRecLen) {
                recLen = recLen == 0xFFFF || recLen == 0 ? 1 << 16 : (recLen & 0xFFFC) | ((recLen & 3) << 16);
            }
            int nameLength = region.get(at + OFFSET_NAME_LEN) & 0xFF;
            String problem = null;
            if (recLen < MIN_REC_LEN) {
                problem = "rec_len " + recLen + " is smaller than the minimum " + MIN_REC_LEN;
            } else if (recLen % 4 != 0) {
                problem = "rec_len " + recLen + " is not a multiple of 4";
            } else if (recLen < recLenFor(nameLength)) {
                problem = "rec_len " + recLen + " is too small for name_len " + nameLength;
            } else if (recLen > size - at) {
                problem = "rec_len " + recLen + " runs past the end of the block (" + (size - at) + " bytes left)";
            } else if (recLen != size - at && recLen > size - at - MIN_REC_LEN) {
                problem = "rec_len " + recLen + " leaves " + (size - at - recLen)
                        + " bytes at the end of the block, too few for an entry";
            }
            if (problem != null) {
                throw corrupt(reader, structure, "rec_len", volumeOffset + at + OFFSET_REC_LEN,
                        Integer.toString(recLen), "the entry at byte " + at + ": " + problem);
            }
            if (inode > inodesCount) {
                throw corrupt(reader, structure, "inode", volumeOffset + at, Long.toString(inode),
                        "the entry at byte " + at + " names inode " + inode + ", beyond s_inodes_count ("
                                + inodesCount + ")");
            }
            if (inode != 0) {
                if (nameLength == 0) {
                    throw corrupt(reader, structure, "name_len", volumeOffset + at + OFFSET_NAME_LEN, "0",
                            "the entry at byte " + at + " for inode " + inode + " has an empty name");
                }
                for (int i = 0; i < nameLength; i++) {
                    byte c = region.get(at + OFFSET_NAME + i);
                    if (c == 0 || c == '/') {
                        throw corrupt(reader, structure, "name", volumeOffset + at + OFFSET_NAME + i,
                                c == 0 ? "NUL" : "'/'", "the name of the entry at byte " + at + " contains "
                                        + (c == 0 ? "a NUL byte" : "a '/'") + ", which no name may hold");
                    }
                }
                int fileType = fileTypes ? region.get(at + OFFSET_FILE_TYPE) & 0xFF : 0;
                if (!visitor.entry(inode, region, at + OFFSET_NAME, nameLength, fileType, volumeOffset + at)) {
                    return false;
                }
            }
            at += recLen;
        }
        return true;
    }

    /** The file type of a directory entry (EXT4_FT_*), or UNKNOWN for 0 and undefined values. */
    static FileType fileType(int code) {
        return switch (code) {
            case 1 -> FileType.REGULAR;
            case 2 -> FileType.DIRECTORY;
            case 3 -> FileType.CHAR_DEVICE;
            case 4 -> FileType.BLOCK_DEVICE;
            case 5 -> FileType.FIFO;
            case 6 -> FileType.SOCKET;
            case 7 -> FileType.SYMLINK;
            default -> FileType.UNKNOWN;
        };
    }

    /** Whether the name at {@code offset} is "." or "..". */
    static boolean isDot(ByteBuffer region, int offset, int length) {
        return region.get(offset) == '.' && (length == 1 || (length == 2 && region.get(offset + 1) == '.'));
    }

    private static CorruptFormatException corrupt(VolumeReader reader, String structure, String field, long offset,
                                                  String actual, String detail) {
        return new CorruptFormatException(reader.ref(structure, field, offset), actual, null, detail);
    }
}
