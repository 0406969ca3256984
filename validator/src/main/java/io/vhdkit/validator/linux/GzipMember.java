package io.vhdkit.validator.linux;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One gzip member (RFC 1952) decompressed: the header, the deflate data, the CRC-32 and size trailer, checked. Reading
 * stops exactly at the member's end, so that what follows it in the initramfs (padding, another archive) is read
 * next, as the kernel's unpacker does.
 */
final class GzipMember extends InputStream {

    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED = 0xE0;
    /** Longest file name or comment in the header read. */
    private static final int MAX_HEADER_STRING = 64 * 1024;

    private final PositionedInput in;
    private final long start;
    private long dataStart;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkLength;
    private long produced;
    private boolean done;

    GzipMember(PositionedInput in) throws IOException {
        this.in = in;
        this.start = in.position();
        try {
            readHeader();
            dataStart = in.position();
        } catch (IOException e) {
            inflater.end();
            throw e;
        }
    }

    private void readHeader() throws IOException {
        byte[] h = fully(10, "header");
        if ((h[0] & 0xFF) != 0x1F || (h[1] & 0xFF) != 0x8B) {
            throw new CorruptFormatException(ref("ID1 ID2", start), hex(h[0]) + " " + hex(h[1]), "1F 8B");
        }
        if (h[2] != 8) {
            throw new UnsupportedFormatException(ref("CM", start + 2), hex(h[2]), "08 (deflate)");
        }
        int flags = h[3] & 0xFF;
        if ((flags & RESERVED) != 0) {
            throw new CorruptFormatException(ref("FLG", start + 3), hex(h[3]), "reserved bits 5-7 clear");
        }
        if ((flags & FEXTRA) != 0) {
            byte[] x = fully(2, "XLEN");
            int xlen = (x[0] & 0xFF) | (x[1] & 0xFF) << 8;
            fully(xlen, "extra field");
        }
        if ((flags & FNAME) != 0) {
            zeroTerminated("FNAME");
        }
        if ((flags & FCOMMENT) != 0) {
            zeroTerminated("FCOMMENT");
        }
        if ((flags & FHCRC) != 0) {
            fully(2, "CRC16");
        }
    }

    private void zeroTerminated(String field) throws IOException {
        long at = in.position();
        for (int i = 0; i < MAX_HEADER_STRING; i++) {
            int b = in.read();
            if (b < 0) {
                throw new CorruptFormatException(ref(field, at), "the data ends inside the gzip header's " + field);
            }
            if (b == 0) {
                return;
            }
        }
        throw new CorruptFormatException(ref(field, at), "the gzip header's " + field + " is longer than "
                + MAX_HEADER_STRING + " bytes");
    }

    private byte[] fully(int n, String field) throws IOException {
        long at = in.position();
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new CorruptFormatException(ref(field, at), "the data ends inside the gzip " + field);
        }
        return b;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new CorruptFormatException(ref("deflate data", dataStart), "the deflate data is damaged: "
                        + e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                produced += n;
                return n;
            }
            if (inflater.finished()) {
                finish();
                return -1;
            }
            if (inflater.needsDictionary()) {
                throw new CorruptFormatException(ref("deflate data", dataStart), "the deflate data asks for a preset "
                        + "dictionary, which gzip has not");
            }
            if (!inflater.needsInput()) {
                throw new CorruptFormatException(ref("deflate data", dataStart), "the inflater makes no progress");
            }
            chunkLength = in.read(chunk, 0, chunk.length);
            if (chunkLength < 0) {
                throw new CorruptFormatException(ref("deflate data", dataStart), "the data ends inside the gzip data "
                        + "(" + produced + " bytes decompressed)");
            }
            inflater.setInput(chunk, 0, chunkLength);
        }
    }

    private void finish() throws IOException {
        int rest = inflater.getRemaining();
        in.unread(chunk, chunkLength - rest, rest);
        inflater.end();
        done = true;
        long at = in.position();
        byte[] t = fully(8, "trailer");
        long crc32 = le32(t, 0);
        long isize = le32(t, 4);
        if (crc32 != crc.getValue()) {
            throw new CorruptFormatException(ref("CRC32", at), String.format(Locale.ROOT, "0x%08X", crc32),
                    String.format(Locale.ROOT, "0x%08X", crc.getValue()), "CRC32 is "
                    + String.format(Locale.ROOT, "0x%08X", crc32) + " - the decompressed data's is "
                    + String.format(Locale.ROOT, "0x%08X", crc.getValue()));
        }
        if (isize != (produced & 0xFFFFFFFFL)) {
            throw new CorruptFormatException(ref("ISIZE", at + 4), Long.toString(isize),
                    Long.toString(produced & 0xFFFFFFFFL));
        }
    }

    private static long le32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    private FieldRef ref(String field, long offset) {
        return FieldRef.of("initramfs", String.format(Locale.ROOT, "gzip member at 0x%X", start), field, offset);
    }

    private static String hex(byte b) {
        return String.format(Locale.ROOT, "%02X", b & 0xFF);
    }

    @Override
    public void close() {
        inflater.end();
    }
}
