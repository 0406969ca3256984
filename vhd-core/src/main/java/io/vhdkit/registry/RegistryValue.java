package io.vhdkit.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A value of a registry key: its name, type and data. The data is read when first asked for, and decoded on
 * request as Windows programs see it: strings are UTF-16LE (an odd last byte is dropped; REG_SZ and
 * REG_EXPAND_SZ end at their first NUL, or at the end of the data when there is none), integers have exactly their
 * width. Safe for concurrent use.
 */
public final class RegistryValue {

    private final Hive hive;
    private final ValueKey vk;
    private final String keyPath;
    private volatile byte[] data;

    RegistryValue(Hive hive, ValueKey vk, String keyPath) {
        this.hive = hive;
        this.vk = vk;
        this.keyPath = keyPath;
    }

    /** The name; empty for the key's default value. */
    public String name() {
        return vk.name();
    }

    /** The path of the key that holds the value. */
    public String keyPath() {
        return keyPath;
    }

    /** The type number (REG_*); any number is possible. */
    public int type() {
        return vk.type();
    }

    public Optional<ValueType> valueType() {
        return ValueType.of(vk.type());
    }

    /** {@code "REG_SZ"}, or the hex type number when it is not predefined. */
    public String typeName() {
        return ValueType.name(vk.type());
    }

    /** The data size the key value states. */
    public int dataSize() {
        return vk.dataSize();
    }

    /** Whether the data is stored in the key value itself (4 bytes or fewer). */
    public boolean inline() {
        return vk.inline();
    }

    /** The file offset of the key value's cell. */
    public long offset() {
        return Regf.fileOffset(vk.cell().offset());
    }

    /** The raw data (a copy). */
    public byte[] data() throws IOException {
        return raw().clone();
    }

    private byte[] raw() throws IOException {
        byte[] d = data;
        if (d == null) {
            d = ValueData.read(hive.cells(), vk, hive.minorVersion());
            data = d;
        }
        return d;
    }

    /**
     * The string of a REG_SZ or REG_EXPAND_SZ value (up to its first NUL), or of a REG_LINK value (all of it, NULs
     * at the end removed); empty for other types.
     */
    public Optional<String> string() throws IOException {
        int t = vk.type();
        if (t != ValueType.REG_SZ.code() && t != ValueType.REG_EXPAND_SZ.code() && t != ValueType.REG_LINK.code()) {
            return Optional.empty();
        }
        String s = utf16(raw());
        if (t == ValueType.REG_LINK.code()) {
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == 0) {
                end--;
            }
            return Optional.of(s.substring(0, end));
        }
        int nul = s.indexOf('\0');
        return Optional.of(nul < 0 ? s : s.substring(0, nul));
    }

    /**
     * The strings of a REG_MULTI_SZ value; empty for other types. The data is a sequence of NUL-terminated strings
     * ended by an empty one; the last string's terminator and the list terminator may be missing. Empty strings
     * inside the list are kept (Windows stores them, although regedit will not write them).
     */
    public Optional<List<String>> multiString() throws IOException {
        if (vk.type() != ValueType.REG_MULTI_SZ.code()) {
            return Optional.empty();
        }
        String s = utf16(raw());
        if (s.endsWith("\0")) {
            s = s.substring(0, s.length() - 1);          // the last string's terminator
        }
        if (s.endsWith("\0")) {
            s = s.substring(0, s.length() - 1);          // the list's terminator
        }
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) {
            return Optional.of(out);
        }
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '\0') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return Optional.of(out);
    }

    /**
     * The number of a REG_DWORD (little-endian), REG_DWORD_BIG_ENDIAN (both unsigned) or REG_QWORD value (its 64
     * bits); empty for other types and when the data is not exactly 4 or 8 bytes.
     */
    public OptionalLong integer() throws IOException {
        int t = vk.type();
        byte[] d = raw();
        if (t == ValueType.REG_DWORD.code() && d.length == 4) {
            return OptionalLong.of(Integer.toUnsignedLong(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getInt()));
        }
        if (t == ValueType.REG_DWORD_BIG_ENDIAN.code() && d.length == 4) {
            return OptionalLong.of(Integer.toUnsignedLong(ByteBuffer.wrap(d).order(ByteOrder.BIG_ENDIAN).getInt()));
        }
        if (t == ValueType.REG_QWORD.code() && d.length == 8) {
            return OptionalLong.of(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
        return OptionalLong.empty();
    }

    /** UTF-16LE code units (unpaired surrogates kept); an odd last byte is dropped. */
    static String utf16(byte[] d) {
        char[] c = new char[d.length / 2];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) ((d[2 * i] & 0xFF) | (d[2 * i + 1] & 0xFF) << 8);
        }
        return new String(c);
    }

    @Override
    public String toString() {
        return keyPath + " : " + (name().isEmpty() ? "(default)" : name()) + " (" + typeName() + ", " + dataSize()
                + " bytes)";
    }
}
