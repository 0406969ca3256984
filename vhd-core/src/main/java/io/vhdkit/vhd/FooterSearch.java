package io.vhdkit.vhd;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.ImageProbe;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.io.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the footer to use, the way the most forgiving of the reference tools do (blktap's {@code vhd_read_footer},
 * DiscUtils): the last 512 bytes; else a legacy 511-byte footer; else, for dynamic and differencing disks, the copy
 * at offset 0; else a footer followed by trailing bytes. Every fallback is recorded as a finding, because Azure and
 * most tools read only the last 512 bytes.
 */
final class FooterSearch {

    /** How far back from the end a footer followed by trailing bytes is looked for. */
    static final int TRAILING_SCAN_BYTES = 8 * 1024 * 1024;

    /**
     * The footer found.
     *
     * @param footer   the footer to use
     * @param location where it was
     * @param offset   its absolute offset
     * @param end      the footer decoded from the last 512 bytes, whatever it holds, or null if the file is shorter
     * @param head     the 512 bytes at offset 0 decoded as a footer, or null if the file is shorter
     */
    record Result(VhdFooter footer, FooterLocation location, long offset, VhdFooter end, VhdFooter head) {
    }

    private FooterSearch() {
    }

    static Result find(ByteSource source, long size, List<Finding> anomalies) throws IOException {
        FieldRef endCookie = FieldRef.of("VHD", "footer", "cookie", Math.max(0, size - VhdFooter.SIZE));
        if (size < VhdFooter.LEGACY_SIZE) {
            throw new NotThisFormatException(endCookie, size + " bytes", "at least 512",
                    "the file is " + size + " bytes, too short to hold a VHD footer (512 bytes)" + hint(source));
        }
        VhdFooter end = size >= VhdFooter.SIZE ? decodeAt(source, size - VhdFooter.SIZE, VhdFooter.SIZE) : null;
        VhdFooter legacy = size % VhdFooter.SECTOR_SIZE == VhdFooter.LEGACY_SIZE
                ? decodeAt(source, size - VhdFooter.LEGACY_SIZE, VhdFooter.LEGACY_SIZE) : null;
        VhdFooter head = size >= 2L * VhdFooter.SIZE ? decodeAt(source, 0, VhdFooter.SIZE) : null;

        if (intact(end)) {
            return new Result(end, FooterLocation.END, size - VhdFooter.SIZE, end, head);
        }
        if (intact(legacy)) {
            anomalies.add(Finding.of(Severity.WARNING,
                    FieldRef.of("VHD", "footer", "length", size - VhdFooter.LEGACY_SIZE), "511 bytes", "512 bytes",
                    "the footer is a 511-byte legacy footer (Virtual PC before 2004); Azure and most tools expect "
                            + "512 bytes"));
            return new Result(legacy, FooterLocation.LEGACY_END, size - VhdFooter.LEGACY_SIZE, end, head);
        }
        if (intact(head) && head.diskType().map(DiskType::isSparse).orElse(false)) {
            anomalies.add(endFooterDamaged(end, size));
            return new Result(head, FooterLocation.BACKUP_COPY, 0, end, head);
        }
        if (end != null && end.cookieValid()) {
            anomalies.add(badChecksum(end, size - VhdFooter.SIZE));
            return new Result(end, FooterLocation.END, size - VhdFooter.SIZE, end, head);
        }
        if (legacy != null && legacy.cookieValid()) {
            anomalies.add(badChecksum(legacy, size - VhdFooter.LEGACY_SIZE));
            return new Result(legacy, FooterLocation.LEGACY_END, size - VhdFooter.LEGACY_SIZE, end, head);
        }
        Result trailing = beforeTrailingBytes(source, size, end, head);
        if (trailing != null) {
            long extra = size - trailing.offset() - VhdFooter.SIZE;
            anomalies.add(Finding.of(Severity.ERROR,
                    FieldRef.of("VHD", "file", "trailing bytes", trailing.offset() + VhdFooter.SIZE), extra + " bytes",
                    "0 bytes", extra + " bytes follow the footer at offset " + trailing.offset()
                            + "; the footer must be the last 512 bytes of the file (truncate the file to "
                            + (trailing.offset() + VhdFooter.SIZE) + " bytes)"));
            return trailing;
        }
        if (head != null && head.cookieValid() && head.diskType().map(DiskType::isSparse).orElse(false)) {
            anomalies.add(endFooterDamaged(end, size));
            anomalies.add(badChecksum(head, 0));
            return new Result(head, FooterLocation.BACKUP_COPY, 0, end, head);
        }
        String found = end == null ? "" : " (found \"" + end.cookie() + "\")";
        throw new NotThisFormatException(endCookie, end == null ? null : "\"" + end.cookie() + "\"",
                "\"" + VhdFooter.COOKIE + "\"",
                "no VHD footer: the last 512 bytes do not start with \"conectix\"" + found + hint(source));
    }

    private static boolean intact(VhdFooter f) {
        return f != null && f.cookieValid() && f.checksumValid();
    }

    private static Finding badChecksum(VhdFooter f, long at) {
        return Finding.mismatch(Severity.ERROR, FieldRef.of("VHD", "footer", "checksum", at + VhdFooter.OFFSET_CHECKSUM),
                VhdFooter.hex32(f.checksum()), VhdFooter.hex32(f.computedChecksum()));
    }

    private static Finding endFooterDamaged(VhdFooter end, long size) {
        long at = Math.max(0, size - VhdFooter.SIZE);
        String advice = "; the copy at offset 0 was used instead. Azure and most tools read only the end footer: "
                + "rewrite it from the copy at offset 0";
        if (end != null && end.cookieValid()) {
            return Finding.of(Severity.ERROR, FieldRef.of("VHD", "footer", "checksum", at + VhdFooter.OFFSET_CHECKSUM),
                    VhdFooter.hex32(end.checksum()), VhdFooter.hex32(end.computedChecksum()),
                    "the footer at the end of the file has a bad checksum (" + VhdFooter.hex32(end.checksum())
                            + ", computed " + VhdFooter.hex32(end.computedChecksum()) + ")" + advice);
        }
        return Finding.of(Severity.ERROR, FieldRef.of("VHD", "footer", "cookie", at),
                end == null ? null : "\"" + end.cookie() + "\"", "\"" + VhdFooter.COOKIE + "\"",
                "the footer at the end of the file has no \"conectix\" cookie" + advice);
    }

    /**
     * Looks for an intact footer in the last {@link #TRAILING_SCAN_BYTES} bytes that is followed by other bytes. To
     * tell a real footer from a VHD stored inside the disk's data, a fixed footer must sit exactly at its current
     * size, and a dynamic one must match the copy at offset 0.
     */
    private static Result beforeTrailingBytes(ByteSource source, long size, VhdFooter end, VhdFooter head)
            throws IOException {
        int window = (int) Math.min(size, TRAILING_SCAN_BYTES);
        long base = size - window;
        byte[] bytes = new byte[window];
        source.readFully(base, ByteBuffer.wrap(bytes));
        ByteBuffer tail = ByteBuffer.wrap(bytes);
        // every cookie in the window, found by String.indexOf (a vectorized search) over its bytes as Latin-1 chars,
        // then tried from the last one back
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int[] cookies = new int[16];
        int count = 0;
        for (int i = text.indexOf(VhdFooter.COOKIE); i >= 0 && i < window - VhdFooter.SIZE;
                i = text.indexOf(VhdFooter.COOKIE, i + 1)) {
            if (count == cookies.length) {
                cookies = Arrays.copyOf(cookies, count * 2);
            }
            cookies[count++] = i;
        }
        while (count > 0) {
            int i = cookies[--count];
            VhdFooter f = VhdFooter.decode(tail.slice(i, VhdFooter.SIZE));
            long at = base + i;
            if (!f.checksumValid()) {
                continue;
            }
            boolean fixedHere = f.diskTypeCode() == DiskType.FIXED.code() && f.currentSize() == at;
            boolean sparseHere = f.diskType().map(DiskType::isSparse).orElse(false) && head != null
                    && head.equals(f);
            if (fixedHere || sparseHere) {
                return new Result(f, FooterLocation.BEFORE_TRAILING_BYTES, at, end, head);
            }
        }
        return null;
    }

    private static VhdFooter decodeAt(ByteSource source, long offset, int length) throws IOException {
        return VhdFooter.decode(source.read(offset, length));
    }

    private static String hint(ByteSource source) throws IOException {
        ImageProbe.Kind kind = ImageProbe.probe(source);
        if (kind == ImageProbe.Kind.UNKNOWN) {
            return "";
        }
        return "; this is " + kind.description() + (kind.hint() == null ? "" : " (" + kind.hint() + ")");
    }
}
