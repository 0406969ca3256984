package io.vhdkit.vhdx;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.partition.Guids;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The parent locator metadata item of a differencing VHDX (MS-VHDX 2.6.2.6): the VHDX locator type and key/value
 * pairs (UTF-16LE, offsets relative to the item): {@code parent_linkage} (the parent's DataWriteGuid, required),
 * {@code parent_linkage2}, and the paths {@code relative_path}, {@code volume_path}, {@code absolute_win32_path}.
 *
 * @param entries the pairs, in the order stored
 */
public record VhdxParentLocator(Map<String, String> entries) {

    public static final UUID VHDX_LOCATOR_TYPE = UUID.fromString("b04aefb7-d19e-4a81-b789-25b8e9445913");
    public static final int HEADER_SIZE = 20;
    public static final int ENTRY_SIZE = 12;
    public static final int OFFSET_KEY_VALUE_COUNT = 18;
    public static final String PARENT_LINKAGE = "parent_linkage";
    public static final String PARENT_LINKAGE2 = "parent_linkage2";
    public static final String RELATIVE_PATH = "relative_path";
    public static final String VOLUME_PATH = "volume_path";
    public static final String ABSOLUTE_WIN32_PATH = "absolute_win32_path";

    public VhdxParentLocator {
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * Decodes the item of {@code length} bytes at {@code at} of {@code region} (the metadata region, which starts at
     * {@code fileOffset} in the file).
     */
    static VhdxParentLocator decode(ByteBuffer region, int at, int length, long fileOffset)
            throws CorruptFormatException, UnsupportedFormatException {
        ByteBuffer b = region.slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
        long base = fileOffset + at;
        if (length < HEADER_SIZE) {
            throw new CorruptFormatException(ref("length", base), length + " bytes", "at least " + HEADER_SIZE);
        }
        UUID type = Guids.decode(b, 0);
        if (!type.equals(VHDX_LOCATOR_TYPE)) {
            throw new UnsupportedFormatException(ref("locator type", base), Guids.text(type),
                    Guids.text(VHDX_LOCATOR_TYPE), "the parent is not located by a VHDX parent locator (type "
                    + Guids.text(type) + "): vhdkit reads only VHDX parents");
        }
        int count = Short.toUnsignedInt(b.getShort(OFFSET_KEY_VALUE_COUNT));
        if (count == 0 || HEADER_SIZE + (long) count * ENTRY_SIZE > length) {
            throw new CorruptFormatException(ref("key value count", base + OFFSET_KEY_VALUE_COUNT),
                    Integer.toString(count), "1 to " + (length - HEADER_SIZE) / ENTRY_SIZE + " (the item is " + length
                    + " bytes)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int e = HEADER_SIZE + i * ENTRY_SIZE;
            FieldRef where = ref("entry " + i, base + e);
            String key = string(b, Integer.toUnsignedLong(b.getInt(e)), Short.toUnsignedInt(b.getShort(e + 8)),
                    where, "key");
            String value = string(b, Integer.toUnsignedLong(b.getInt(e + 4)), Short.toUnsignedInt(b.getShort(e + 10)),
                    where, "value");
            if (out.put(key, value) != null) {
                throw new CorruptFormatException(where, "the key \"" + printable(key) + "\" is listed twice");
            }
        }
        if (!out.containsKey(PARENT_LINKAGE)) {
            throw new CorruptFormatException(ref("parent_linkage", base), "the parent locator has no parent_linkage "
                    + "entry, so the parent cannot be checked");
        }
        VhdxParentLocator locator = new VhdxParentLocator(out);
        locator.linkage(PARENT_LINKAGE, base);
        locator.linkage(PARENT_LINKAGE2, base);
        if (locator.paths().isEmpty()) {
            throw new CorruptFormatException(ref("entries", base), "the parent locator has no relative_path, "
                    + "volume_path or absolute_win32_path entry");
        }
        return locator;
    }

    private static String string(ByteBuffer b, long offset, int length, FieldRef where, String what)
            throws CorruptFormatException {
        if (offset == 0 || length == 0 || length % 2 != 0 || offset > b.limit() || length > b.limit() - offset) {
            throw new CorruptFormatException(where, "the " + what + " at offset " + offset + " (" + length
                    + " bytes) is empty, of odd length or outside the item (" + b.limit() + " bytes)");
        }
        try {
            String s = StandardCharsets.UTF_16LE.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.slice((int) offset, length)).toString();
            if (s.indexOf('\0') >= 0) {
                throw new CorruptFormatException(where, "the " + what + " holds a NUL character");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw new CorruptFormatException(where, "the " + what + " is not valid UTF-16LE", e);
        }
    }

    /** The GUID of a linkage entry, if present: {@code {xxxxxxxx-...}}. */
    private Optional<UUID> linkage(String key, long base) throws CorruptFormatException {
        String v = entries.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String t = v.strip();
        if (t.length() == 38 && t.charAt(0) == '{' && t.charAt(37) == '}') {
            try {
                return Optional.of(UUID.fromString(t.substring(1, 37)));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new CorruptFormatException(ref(key, base), "\"" + printable(v) + "\"", "a GUID in braces, such as "
                + "{83ed0ec3-24c8-49a6-a959-5e4bf1288bfb}");
    }

    /** The DataWriteGuid values a parent may have: parent_linkage, then parent_linkage2 if present. */
    public List<UUID> linkages() {
        List<UUID> out = new ArrayList<>();
        try {
            linkage(PARENT_LINKAGE, FieldRef.NO_OFFSET).ifPresent(out::add);
            linkage(PARENT_LINKAGE2, FieldRef.NO_OFFSET).ifPresent(out::add);
        } catch (CorruptFormatException e) {
            throw new IllegalStateException("checked when decoded", e);
        }
        return List.copyOf(out);
    }

    /** The path entries in the order the spec says to try them: relative, volume, absolute. */
    public Map<String, String> paths() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : List.of(RELATIVE_PATH, VOLUME_PATH, ABSOLUTE_WIN32_PATH)) {
            String v = entries.get(k);
            if (v != null && !v.isBlank()) {
                out.put(k, v);
            }
        }
        return out;
    }

    private static FieldRef ref(String field, long offset) {
        return FieldRef.of("VHDX", "parent locator", field, offset);
    }

    static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }
}
