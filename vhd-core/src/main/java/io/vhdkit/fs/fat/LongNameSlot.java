package io.vhdkit.fs.fat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One VFAT long-name slot (fatgen103, "FAT Long Directory Entries"): 13 UTF-16LE code units of the name, its
 * position in the sequence and the checksum of the short name it belongs to. Slots precede their short entry in
 * reverse order: the first one on disk has the {@link #LAST} flag and the highest ordinal, the one just before the
 * short entry has ordinal 1.
 *
 * @param ordinal  {@code LDIR_Ord}: the sequence number (1-20) with {@link #LAST} on the last slot of the name
 * @param units    the 13 code units, as stored (0x0000 ends the name, 0xFFFF pads it)
 * @param checksum {@code LDIR_Chksum}
 */
public record LongNameSlot(int ordinal, char[] units, int checksum) {

    public static final int OFFSET_ORDINAL = 0;
    public static final int OFFSET_NAME1 = 1;
    public static final int OFFSET_TYPE = 12;
    public static final int OFFSET_CHECKSUM = 13;
    public static final int OFFSET_NAME2 = 14;
    public static final int OFFSET_CLUSTER = 26;
    public static final int OFFSET_NAME3 = 28;
    public static final int LAST = 0x40;
    /** 20 slots of 13 units hold the longest name, 255 units plus the terminating NUL (Linux: "ceil(256 * 2 / 26)"). */
    public static final int MAX_SLOTS = 20;
    public static final int UNITS = 13;

    public LongNameSlot {
        units = units.clone();
    }

    @Override
    public char[] units() {
        return units.clone();
    }

    public static LongNameSlot decode(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice(buffer.position(), ShortEntry.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        char[] u = new char[UNITS];
        for (int i = 0; i < 5; i++) {
            u[i] = b.getChar(OFFSET_NAME1 + 2 * i);
        }
        for (int i = 0; i < 6; i++) {
            u[5 + i] = b.getChar(OFFSET_NAME2 + 2 * i);
        }
        for (int i = 0; i < 2; i++) {
            u[11 + i] = b.getChar(OFFSET_NAME3 + 2 * i);
        }
        return new LongNameSlot(Byte.toUnsignedInt(b.get(OFFSET_ORDINAL)), u,
                Byte.toUnsignedInt(b.get(OFFSET_CHECKSUM)));
    }

    public boolean last() {
        return (ordinal & LAST) != 0;
    }

    /** The sequence number without the {@link #LAST} flag; valid from 1 to {@link #MAX_SLOTS}. */
    public int sequence() {
        return ordinal & ~LAST & 0xFF;
    }

    /** Copies the units into {@code name} at the slot's place ({@code (sequence - 1) * 13}). */
    void copyInto(char[] name) {
        System.arraycopy(units, 0, name, (sequence() - 1) * UNITS, UNITS);
    }
}
