package io.vhdkit.fs.fat;

import io.vhdkit.fs.VolumeReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads entries of one FAT copy through the volume's block cache, in blocks of up to {@link #BLOCK} bytes. FAT12
 * packs two 12-bit entries in three bytes (entry {@code n} is the 16-bit word at byte {@code n + n/2}, its low 12
 * bits for even {@code n}, its high 12 for odd), so an entry may straddle two blocks; FAT16 and FAT32 entries never
 * do. FAT32 entries keep only their low 28 bits (fatgen103: the high 4 are reserved).
 */
final class FatTable {

    static final int BLOCK = 4096;

    private final VolumeReader reader;
    private final FatLayout layout;
    private final long base;

    /** The FAT copy {@code copy} (0 for the first) of {@code layout}. */
    FatTable(VolumeReader reader, FatLayout layout, int copy) {
        this.reader = reader;
        this.layout = layout;
        this.base = layout.fatOffset() + copy * layout.fatBytes();
    }

    /** The raw entry (masked to its width) for cluster {@code n}, which must lie inside the FAT. */
    long entry(long n) throws IOException {
        return switch (layout.type()) {
            case FAT12 -> {
                long at = n + n / 2;
                int word = byteAt(at) | byteAt(at + 1) << 8;
                yield (n & 1) == 0 ? word & 0xFFF : word >>> 4;
            }
            case FAT16 -> {
                long at = n * 2;
                ByteBuffer b = block(at);
                yield Short.toUnsignedInt(b.getShort((int) (at % BLOCK)));
            }
            case FAT32 -> {
                long at = n * 4;
                ByteBuffer b = block(at);
                yield b.getInt((int) (at % BLOCK)) & 0x0FFF_FFFFL;
            }
        };
    }

    /** Where entry {@code n} sits on the volume, for messages. */
    long entryOffset(long n) {
        return base + n * layout.type().bits() / 8;
    }

    private int byteAt(long at) throws IOException {
        return Byte.toUnsignedInt(block(at).get((int) (at % BLOCK)));
    }

    private ByteBuffer block(long at) throws IOException {
        if (at < 0 || at >= layout.fatBytes()) {
            throw new IllegalStateException("FAT byte " + at + " outside a FAT of " + layout.fatBytes());
        }
        long start = at / BLOCK * BLOCK;
        int length = (int) Math.min(BLOCK, layout.fatBytes() - start);
        return reader.block(base + start, length, "FAT", "entry");
    }
}
