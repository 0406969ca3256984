package io.vhdkit.validator.linux;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The "newc" cpio format the kernel unpacks into its rootfs (Documentation/driver-api/early-userspace/buffer-format.rst):
 * a 110-byte ASCII header, magic {@code 070701} (or {@code 070702}, with a checksum of the data), then 13 fields of
 * 8 hex digits; the name ({@code c_namesize} bytes with its NUL) padded so that header and name end on 4 bytes; the
 * data padded to 4 bytes; the archive ends with the name {@code TRAILER!!!}. Data is read past, not kept.
 */
final class CpioReader {

    static final int HEADER_SIZE = 110;
    static final String MAGIC_NEWC = "070701";
    static final String MAGIC_CRC = "070702";
    static final String TRAILER = "TRAILER!!!";
    /** The kernel refuses names longer than PATH_MAX. */
    static final int MAX_NAME = 4096;

    /** Field offsets in the header: magic, then 13 fields of 8 hex digits. */
    static final int OFFSET_MODE = 14;
    static final int OFFSET_FILESIZE = 54;
    static final int OFFSET_NAMESIZE = 94;
    static final int OFFSET_CHECK = 102;
    private static final String[] FIELDS = {"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
        "c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check"};

    /** Receives each member; it enforces the caps on counts by throwing. */
    interface Sink {
        void entry(CpioEntry e, long offset) throws IOException;
    }

    private CpioReader() {
    }

    /**
     * Reads one archive, from a header at the current (4-byte aligned) position to its trailer and the trailer's
     * padding to 4 bytes.
     *
     * @return the number of members, the trailer not counted
     */
    static int readArchive(PositionedInput in, int segment, Sink sink) throws IOException {
        int count = 0;
        byte[] buf = new byte[8192];
        while (true) {
            long at = in.position();
            byte[] h = in.readNBytes(HEADER_SIZE);
            if (h.length < HEADER_SIZE) {
                throw corrupt(in, "header", at, "the data ends inside a cpio header (" + h.length + " of "
                        + HEADER_SIZE + " bytes)");
            }
            String magic = new String(h, 0, 6, StandardCharsets.ISO_8859_1);
            if (!magic.equals(MAGIC_NEWC) && !magic.equals(MAGIC_CRC)) {
                String printable = printable(magic);
                throw new CorruptFormatException(ref(in, "c_magic", at), printable, "070701 or 070702 (newc)",
                        "c_magic is " + printable + " - should be 070701 or 070702 (newc)"
                                + (magic.equals("070707") ? ": an old binary-portable cpio, which Linux refuses" : ""));
            }
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = hex(in, h, 6 + 8 * i, FIELDS[i], at);
            }
            int mode = (int) f[1];
            long size = f[6];
            long nameSize = f[11];
            if (nameSize < 1 || nameSize > MAX_NAME) {
                throw new CorruptFormatException(ref(in, "c_namesize", at + OFFSET_NAMESIZE), Long.toString(nameSize),
                        "1 to " + MAX_NAME);
            }
            long nameAt = in.position();
            byte[] nameBytes = in.readNBytes((int) nameSize);
            if (nameBytes.length < nameSize) {
                throw corrupt(in, "name", nameAt, "the data ends inside a cpio name");
            }
            if (nameBytes[(int) nameSize - 1] != 0) {
                throw new CorruptFormatException(ref(in, "name", nameAt), "not NUL-terminated",
                        "a name of c_namesize bytes ending in NUL",
                        "the name is not NUL-terminated within its c_namesize of " + nameSize);
            }
            int len = 0;
            while (nameBytes[len] != 0) {
                len++;
            }
            String name = new String(nameBytes, 0, len, StandardCharsets.UTF_8);
            pad(in);
            if (name.equals(TRAILER)) {
                return count;
            }
            sink.entry(new CpioEntry(name, mode, size, segment), at);
            count++;
            boolean crc = magic.equals(MAGIC_CRC);
            long sum = 0;
            long left = size;
            long dataAt = in.position();
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw corrupt(in, "data", dataAt, "the data ends inside " + name + " (" + (size - left) + " of "
                            + size + " bytes)");
                }
                for (int i = 0; crc && i < n; i++) {
                    sum += buf[i] & 0xFF;
                }
                left -= n;
            }
            if (crc && (mode & CpioEntry.S_IFMT) == CpioEntry.S_IFREG && (sum & 0xFFFFFFFFL) != f[12]) {
                throw new CorruptFormatException(ref(in, "c_check", at + OFFSET_CHECK),
                        String.format(Locale.ROOT, "0x%08X", f[12]), String.format(Locale.ROOT, "0x%08X", sum & 0xFFFFFFFFL),
                        "c_check of " + name + " is " + String.format(Locale.ROOT, "0x%08X", f[12])
                                + " - the data sums to " + String.format(Locale.ROOT, "0x%08X", sum & 0xFFFFFFFFL));
            }
            pad(in);
        }
    }

    /** Reads up to the next multiple of 4; the padding is zeros in what cpio and the kernel write. */
    private static void pad(PositionedInput in) throws IOException {
        int n = (int) ((4 - (in.position() & 3)) & 3);
        if (n > 0 && in.readNBytes(n).length < n) {
            throw corrupt(in, "padding", in.position(), "the data ends inside the padding of a cpio member");
        }
    }

    private static long hex(PositionedInput in, byte[] h, int off, String field, long at)
            throws CorruptFormatException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(h[off + i] & 0xFF, 16);
            if (d < 0) {
                String s = printable(new String(h, off, 8, StandardCharsets.ISO_8859_1));
                throw new CorruptFormatException(ref(in, field, at + off), s, "8 hex digits");
            }
            v = v << 4 | d;
        }
        return v;
    }

    static FieldRef ref(PositionedInput in, String field, long offset) {
        return FieldRef.of("initramfs", "cpio header in " + in.what(), field, offset);
    }

    static CorruptFormatException corrupt(PositionedInput in, String field, long offset, String detail) {
        return new CorruptFormatException(ref(in, field, offset), detail);
    }

    static UnsupportedFormatException unsupported(PositionedInput in, String detail) {
        return new UnsupportedFormatException(FieldRef.of("initramfs", in.what(), "", FieldRef.NO_OFFSET), detail);
    }

    /** Shows bytes as text, with anything unprintable as \xNN. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            }
        }
        return b.append('"').toString();
    }
}
