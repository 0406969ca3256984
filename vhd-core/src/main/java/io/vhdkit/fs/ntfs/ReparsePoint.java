package io.vhdkit.fs.ntfs;

import io.vhdkit.format.CorruptFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The value of {@code $REPARSE_POINT} ([MS-FSCC] 2.1.2): the reparse tag (u32 at 0), the length of the data (u16 at
 * 4), a reserved u16, then for third-party tags (bit 31 clear) a 16-byte GUID, then the data.
 *
 * <p>Symbolic links ({@link #TAG_SYMLINK}) and junctions ({@link #TAG_MOUNT_POINT}) hold a substitute name and a
 * print name (offsets and lengths in bytes, u16 each, from the path buffer: 8 bytes after the data start for a
 * junction, 12 for a symlink, which has a u32 of flags before it, {@link #SYMLINK_FLAG_RELATIVE}); WSL symlinks
 * ({@link #TAG_LX_SYMLINK}) a u32 version (2) and the UTF-8 target. {@link #target} converts the target to a path
 * inside this volume, or says why it cannot.
 *
 * @param tag  the reparse tag
 * @param data the reparse data (after the header and any GUID)
 */
record ReparsePoint(int tag, byte[] data) {

    static final int TAG_MOUNT_POINT = 0xA0000003;
    static final int TAG_SYMLINK = 0xA000000C;
    static final int TAG_LX_SYMLINK = 0xA000001D;
    static final int SYMLINK_FLAG_RELATIVE = 0x1;
    static final int OFFSET_TAG = 0;
    static final int OFFSET_DATA_LENGTH = 4;
    static final int HEADER = 8;
    static final int GUID = 16;
    /** {@code MAXIMUM_REPARSE_DATA_BUFFER_SIZE}. */
    static final int MAX_SIZE = 16 * 1024;

    static ReparsePoint decode(byte[] v, String structure, long at) throws CorruptFormatException {
        if (v.length < HEADER) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$REPARSE_POINT length", at),
                    Integer.toString(v.length), "at least " + HEADER);
        }
        int tag = Ntfs.i32(v, OFFSET_TAG);
        int length = Ntfs.u16(v, OFFSET_DATA_LENGTH);
        int start = HEADER + (tag < 0 ? 0 : GUID);   // Microsoft tags have bit 31 set and no GUID
        if (start + length > v.length) {
            throw new CorruptFormatException(Ntfs.ref(structure, "$REPARSE_POINT data length",
                    at + OFFSET_DATA_LENGTH), Integer.toString(length), "at most " + Math.max(0, v.length - start)
                    + " (the " + v.length + "-byte value)");
        }
        return new ReparsePoint(tag, java.util.Arrays.copyOfRange(v, start, start + length));
    }

    /** Whether vhdkit shows this reparse point as a symbolic link. */
    boolean isLink() {
        return isLinkTag(tag);
    }

    static boolean isLinkTag(int tag) {
        return tag == TAG_SYMLINK || tag == TAG_MOUNT_POINT || tag == TAG_LX_SYMLINK;
    }

    /** The result of converting a link's target: the path, or why there is none. */
    record Target(String path, String problem) {
    }

    /**
     * The target as a path vhdkit's resolver can follow inside this volume: an absolute Windows path
     * ({@code \??\C:\Windows\System32}, {@code C:\Windows}) becomes {@code /Windows/System32} from the volume's root,
     * a relative one ({@code ..\lib\x.dll}) keeps its form with {@code /} separators, a path from the current drive's
     * root ({@code \Windows}) becomes {@code /Windows}. The drive letter is assumed to be this volume's: an image
     * seen offline has no drive letters, and a link inside a system volume almost always points within it. Targets on
     * other volumes by GUID ({@code \??\Volume{...}\}), network shares ({@code \??\UNC\}) and device paths have no
     * path here.
     */
    Target target(String structure, long at) throws CorruptFormatException {
        if (tag == TAG_LX_SYMLINK) {
            if (data.length < 4) {
                throw new CorruptFormatException(Ntfs.ref(structure, "WSL symlink data", at),
                        Integer.toString(data.length), "at least 4 bytes (the version)");
            }
            String t = new String(data, 4, data.length - 4, StandardCharsets.UTF_8);
            return t.isEmpty() ? new Target(null, "the WSL symlink's target is empty") : new Target(t, null);
        }
        int buffer = tag == TAG_SYMLINK ? 12 : 8;
        if (data.length < buffer) {
            throw new CorruptFormatException(Ntfs.ref(structure, "reparse data", at), Integer.toString(data.length),
                    "at least " + buffer + " bytes (the name offsets" + (tag == TAG_SYMLINK ? " and flags" : "")
                    + ")");
        }
        boolean relative = tag == TAG_SYMLINK && (Ntfs.i32(data, 8) & SYMLINK_FLAG_RELATIVE) != 0;
        String substitute = name(0, buffer, "substitute name", structure, at);
        String print = name(4, buffer, "print name", structure, at);
        String t = substitute.isEmpty() ? print : substitute;
        if (t.isEmpty()) {
            return new Target(null, "the link's substitute and print names are empty");
        }
        return convert(t, relative);
    }

    private String name(int field, int buffer, String what, String structure, long at)
            throws CorruptFormatException {
        int offset = Ntfs.u16(data, field);
        int length = Ntfs.u16(data, field + 2);
        if ((offset & 1) != 0 || (length & 1) != 0 || buffer + offset + length > data.length) {
            throw new CorruptFormatException(Ntfs.ref(structure, "reparse " + what, at + field),
                    length + " bytes at offset " + offset, "even, within the " + (data.length - buffer)
                    + "-byte path buffer");
        }
        return Ntfs.utf16(data, buffer + offset, length / 2);
    }

    static Target convert(String t, boolean relative) {
        if (relative) {
            // from the link's directory; a leading backslash means from the root of the link's drive
            return new Target(slashes(t), null);
        }
        String p = t;
        boolean prefixed = p.startsWith("\\??\\") || p.startsWith("\\\\?\\") || p.startsWith("\\\\.\\");
        if (prefixed) {
            p = p.substring(4);
        }
        if (p.length() >= 2 && p.charAt(1) == ':' && isAsciiLetter(p.charAt(0))
                && (p.length() == 2 || p.charAt(2) == '\\')) {
            // a drive letter: taken to be this volume (see target())
            return new Target("/" + slashes(p.length() <= 3 ? "" : p.substring(3)), null);
        }
        if (!prefixed && p.startsWith("\\") && !p.startsWith("\\\\")) {
            return new Target(slashes(p), null);
        }
        String lower = p.toLowerCase(Locale.ROOT);
        String why = prefixed && lower.startsWith("volume{") ? "another volume, named by its GUID"
                : prefixed && lower.startsWith("unc\\") || !prefixed && p.startsWith("\\\\") ? "a network share"
                : "a path that does not name a place on this volume";
        return new Target(null, "the target \"" + t + "\" is on " + why);
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static String slashes(String s) {
        String r = s.replace('\\', '/');
        while (r.contains("//")) {
            r = r.replace("//", "/");
        }
        return r;
    }

    /** The name of a tag, for messages. */
    static String tagName(int tag) {
        String name = switch (tag) {
            case TAG_MOUNT_POINT -> "IO_REPARSE_TAG_MOUNT_POINT (junction)";
            case TAG_SYMLINK -> "IO_REPARSE_TAG_SYMLINK";
            case TAG_LX_SYMLINK -> "IO_REPARSE_TAG_LX_SYMLINK (WSL symlink)";
            case 0x80000017 -> "IO_REPARSE_TAG_WOF (a file compressed by the Windows Overlay Filter, compact OS)";
            case 0x80000013 -> "IO_REPARSE_TAG_DEDUP (a file deduplicated by Data Deduplication)";
            case 0x8000001B -> "IO_REPARSE_TAG_APPEXECLINK (an app execution alias)";
            case 0x80000012 -> "IO_REPARSE_TAG_DFSR";
            case 0x8000000A -> "IO_REPARSE_TAG_DFS";
            case 0xC0000004 -> "IO_REPARSE_TAG_HSM";
            case 0x80000006 -> "IO_REPARSE_TAG_HSM2";
            case 0x80000007 -> "IO_REPARSE_TAG_SIS (single instance storage)";
            case 0x80000023 -> "IO_REPARSE_TAG_AF_UNIX (a WSL socket)";
            case 0x80000024 -> "IO_REPARSE_TAG_LX_FIFO (a WSL FIFO)";
            case 0x80000025 -> "IO_REPARSE_TAG_LX_CHR (a WSL character device)";
            case 0x80000026 -> "IO_REPARSE_TAG_LX_BLK (a WSL block device)";
            default -> (tag & 0xFFFF0FFF) == 0x9000001A
                    ? "IO_REPARSE_TAG_CLOUD (a OneDrive or cloud files placeholder)" : null;
        };
        String hex = String.format(Locale.ROOT, "0x%08X", tag);
        return name == null ? "reparse tag " + hex : hex + " " + name;
    }
}
