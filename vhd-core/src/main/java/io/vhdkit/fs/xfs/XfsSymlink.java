package io.vhdkit.fs.xfs;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Symlink targets: inline in the data fork (local format), or in up to three extents of "remote" blocks, each of
 * which on v5 starts with a 56-byte {@code xfs_dsymlink_hdr} ("XSLM", the target offset and length it holds, CRC,
 * UUID, owner, block number) before its part of the target.
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
            int payload = g.v5 ? g.blockSize - HEADER : g.blockSize;
            int blocks = (target.length + payload - 1) / payload;
            DataFork fork = DataFork.of(fs, link);
            int done = 0;
            for (int i = 0; i < blocks; i++) {
                DataFork.Mapping m = fork.map(i);
                if (m.hole() || m.unwritten()) {
                    throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, structure, "data fork",
                            link.offset()), structure + ": block " + i + " of the " + size + "-byte target is "
                            + (m.hole() ? "not mapped" : "unwritten"));
                }
                long at = g.fsbToByte(m.startBlock() + (i - m.fileOffset()), 1, FieldRef.of(XfsGeometry.FORMAT,
                        structure, "extent", link.offset()));
                ByteBuffer b = fs.reader().block(at, g.blockSize, "symlink block", "data");
                int n = Math.min(payload, target.length - done);
                int from = 0;
                if (g.v5) {
                    String where = "symlink block " + i + " of inode " + Long.toUnsignedString(link.ino());
                    int magic = b.getInt(0);
                    if (magic != MAGIC) {
                        throw new CorruptFormatException(FieldRef.of(XfsGeometry.FORMAT, where, "magic", at),
                                XfsGeometry.hex(magic), XfsGeometry.hex(MAGIC) + " (XSLM)");
                    }
                    fs.checkV5Block(b, at, OFFSET_CRC, OFFSET_BLKNO, OFFSET_UUID, OFFSET_OWNER, link.ino(), where);
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
                }
                b.get(from, target, done, n);
                done += n;
            }
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
}
