package io.vhdkit.fs.xfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Symlink targets: inline in the data fork (local format), or in "remote" blocks mapped by up to three extents. On
 * v5 each extent (one buffer of its blocks, as {@code xfs_symlink_remote_read} reads it) starts with a 56-byte
 * {@code xfs_dsymlink_hdr}: "XSLM", the offset and length of the part of the target that follows, a CRC over the
 * whole extent, the UUID, the owner and the block number.
 */
final class XfsSymlink {

    /** {@code XFS_SYMLINK_MAXLEN}. */
    static final int MAX_LENGTH = 1024;
    static final int MAGIC = 0x58534C4D;    // XSLM
    static final int HEADER = 56;
    static final int OFFSET_OFFSET = 4;
    static final int OFFSET_BYTES = 8;
    static final int OFFSET_CRC = 12;
    static final int OFFSET_UUID = 16;
    static final int OFFSET_OWNER = 32;
    static final int OFFSET_BLKNO = 40;

    private XfsSymlink() {
    }

    static String read(XfsFileSystem fs, XfsInode link) throws IOException {
        XfsGeometry g = fs.geometry();
        String structure = "symlink " + Long.toUnsignedString(link.ino());
        long size = link.stat().size();
        if (size < 1 || size > MAX_LENGTH) {
            throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "di_size",
                    link.offset() + XfsInode.OFFSET_SIZE), Long.toString(size), "1 to " + MAX_LENGTH);
        }
        byte[] target = new byte[(int) size];
        if (link.format() == XfsInode.FORMAT_LOCAL) {
            System.arraycopy(link.fork(), 0, target, 0, target.length);   // size <= fork: checked on decode
        } else {
            readRemote(fs, link, structure, target);
        }
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "target",
                        link.offset()), "a NUL at byte " + i, "no NUL", structure + ": the target has a NUL byte at "
                        + i + " of " + target.length);
            }
        }
        return new String(target, StandardCharsets.UTF_8);
    }

    /** Reads the target from the extents, in file order, until all its bytes are there. */
    private static void readRemote(XfsFileSystem fs, XfsInode link, String structure, byte[] target)
            throws IOException {
        XfsGeometry g = fs.geometry();
        DataFork fork = DataFork.of(fs, link);
        // xfs_symlink_blocks: as if each block had a header; the kernel maps exactly these blocks
        int perBlock = g.v5 ? g.blockSize - HEADER : g.blockSize;
        long fsblocks = (target.length + perBlock - 1) / perBlock;
        int done = 0;
        long block = 0;
        while (done < target.length) {
            if (block >= fsblocks) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "data fork",
                        link.offset()), structure + ": " + fsblocks + " blocks hold only " + done + " of the "
                        + target.length + " bytes of the target");
            }
            DataFork.Mapping m = fork.map(block);
            if (m.hole() || m.unwritten()) {
                throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "data fork",
                        link.offset()), structure + ": file block " + block + " of the " + target.length
                        + "-byte target is " + (m.hole() ? "not mapped" : "unwritten"));
            }
            long blocks = Math.min(m.end(), fsblocks) - block;   // one buffer: the extent, trimmed
            long at = g.fsbToByte(m.startBlock() + (block - m.fileOffset()), blocks, FieldRef.of(XfsGeometry.FORMAT,
                    structure, "extent", link.offset()));
            int length = (int) (blocks << g.blockLog);
            ByteBuffer b = fs.reader().block(at, length, "symlink block", "data");
            int from = 0;
            int n;
            if (g.v5) {
                String where = "symlink block " + block + " of inode " + Long.toUnsignedString(link.ino());
                int magic = b.getInt(0);
                if (magic != MAGIC) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "magic", at),
                            XfsGeometry.hex(magic), XfsGeometry.hex(MAGIC) + " (XSLM)");
                }
                fs.checkV5Block(b, at, OFFSET_CRC, OFFSET_BLKNO, OFFSET_UUID, OFFSET_OWNER, link.ino(), where);
                n = Math.min(length - HEADER, target.length - done);
                int offset = b.getInt(OFFSET_OFFSET);
                int bytes = b.getInt(OFFSET_BYTES);
                if (offset != done) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "sl_offset",
                            at + OFFSET_OFFSET), Integer.toUnsignedString(offset), Integer.toString(done));
                }
                if (bytes != n) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "sl_bytes",
                            at + OFFSET_BYTES), Integer.toUnsignedString(bytes), Integer.toString(n));
                }
                from = HEADER;
            } else {
                n = Math.min(length, target.length - done);
            }
            b.get(from, target, done, n);
            done += n;
            block += blocks;
        }
    }
}
