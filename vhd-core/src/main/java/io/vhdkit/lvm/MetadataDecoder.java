package io.vhdkit.lvm;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;

/**
 * Builds a {@link VolumeGroup} from parsed text metadata, the way lvm2's {@code import_vsn1.c} reads it, and checks
 * everything a reader of the LVs relies on. The text is the one of a metadata area or of a {@code vgcfgbackup} file:
 * {@code contents = "Text Format Volume Group"}, {@code version = 1} and one section, the VG:
 * <pre>
 * vg0 {
 *     id = "...", seqno = 7, status = [...], extent_size = 8192
 *     physical_volumes { pv0 { id = "...", dev_size = ..., pe_start = 2048, pe_count = 255 } }
 *     logical_volumes { root { id = "...", status = [..., "VISIBLE"], segment_count = 1,
 *         segment1 { start_extent = 0, extent_count = 100, type = "striped", stripe_count = 1,
 *                    stripes = ["pv0", 0] } } }
 * }
 * </pre>
 * Anything inconsistent raises a {@link CorruptFormatException} naming the line; counts over vhdkit's limits raise an
 * {@link UnsupportedFormatException}.
 */
public final class MetadataDecoder {

    public static final String CONTENTS = "Text Format Volume Group";
    public static final int MAX_PHYSICAL_VOLUMES = 4096;
    public static final int MAX_LOGICAL_VOLUMES = 65536;
    public static final int MAX_SEGMENTS = 65536;
    /** lvm2's {@code MAX_STRIPES}. */
    public static final int MAX_STRIPES = 128;
    private static final long UINT32 = 0xFFFF_FFFFL;

    private final String source;
    private final LongUnaryOperator offsetOf;

    private MetadataDecoder(String source, LongUnaryOperator offsetOf) {
        this.source = source;
        this.offsetOf = offsetOf;
    }

    /** Parses and decodes a text: a metadata copy or a {@code vgcfgbackup} file. */
    public static VolumeGroup decode(String text, String source, LongUnaryOperator offsetOf) throws FormatException {
        return decode(ConfigParser.parse(text, source, offsetOf), source, offsetOf);
    }

    /** Decodes a parsed text. */
    public static VolumeGroup decode(ConfigSection root, String source, LongUnaryOperator offsetOf)
            throws FormatException {
        return new MetadataDecoder(source, offsetOf).volumeGroup(root);
    }

    private VolumeGroup volumeGroup(ConfigSection root) throws FormatException {
        ConfigNode contents = root.get("contents");
        if (contents == null) {
            throw corrupt(root, "contents", "the text has no 'contents' - it is not LVM volume group metadata");
        }
        if (!(contents instanceof ConfigValue.Str c) || !c.value().equals(CONTENTS)) {
            throw new UnsupportedFormatException(ref("contents", contents), source + " line " + contents.line()
                    + ": contents is " + show(contents) + " - vhdkit reads \"" + CONTENTS + "\"");
        }
        ConfigNode version = root.get("version");
        if (version == null) {
            throw corrupt(root, "version", "the text has no 'version'");
        }
        if (!(version instanceof ConfigValue.Int ver) || ver.value() != 1) {
            throw new UnsupportedFormatException(ref("version", version), source + " line " + version.line()
                    + ": version is " + show(version) + " - vhdkit reads version 1");
        }
        ConfigSection vg = null;
        for (ConfigNode n : root.children().values()) {
            if (n instanceof ConfigSection s) {
                vg = s;
                break;
            }
        }
        if (vg == null) {
            throw corrupt(root, "volume group", "the text has no volume group section");
        }
        String p = vg.name();
        String id = id(vg, p);
        long seqno = integer(vg, "seqno", p, 0, UINT32);
        List<String> status = strings(vg, "status", p);
        long extentSize = integer(vg, "extent_size", p, 1, UINT32);
        long extentBytes = extentSize * VolumeGroup.SECTOR;

        ConfigSection pvSection = section(vg, "physical_volumes", p, true);
        List<VgPhysicalVolume> pvs = new ArrayList<>();
        Map<String, VgPhysicalVolume> byName = new HashMap<>();
        Map<String, String> ids = new HashMap<>();
        for (ConfigSection pv : pvSection.sections()) {
            if (pvs.size() == MAX_PHYSICAL_VOLUMES) {
                throw new UnsupportedFormatException(ref("physical_volumes", pv), source + " line " + pv.line()
                        + ": " + p + " has more than " + MAX_PHYSICAL_VOLUMES
                        + " physical volumes, over vhdkit's limit");
            }
            VgPhysicalVolume v = physicalVolume(pv, p + "/" + pv.name(), extentSize);
            String other = ids.putIfAbsent(v.uuid(), v.name());
            if (other != null) {
                throw corrupt(pv, "id", p + ": " + other + " and " + v.name() + " have the same id " + v.id());
            }
            pvs.add(v);
            byName.put(v.name(), v);
        }

        List<LogicalVolume> lvs = new ArrayList<>();
        ConfigSection lvSection = section(vg, "logical_volumes", p, false);
        Map<String, String> cowOrigins = new HashMap<>();
        if (lvSection != null) {
            Set<String> lvIds = new HashSet<>();
            for (ConfigSection lv : lvSection.sections()) {
                if (lvs.size() == MAX_LOGICAL_VOLUMES) {
                    throw new UnsupportedFormatException(ref("logical_volumes", lv), source + " line " + lv.line()
                            + ": " + p + " has more than " + MAX_LOGICAL_VOLUMES
                            + " logical volumes, over vhdkit's limit");
                }
                LogicalVolume l = logicalVolume(lv, p + "/" + lv.name(), byName, extentBytes, cowOrigins);
                if (!lvIds.add(LvmUuid.bare(l.id()))) {
                    throw corrupt(lv, "id", p + "/" + lv.name() + ": the id " + l.id() + " is used by another LV");
                }
                lvs.add(l);
            }
        }
        if (!cowOrigins.isEmpty()) {
            List<LogicalVolume> marked = new ArrayList<>(lvs.size());
            for (LogicalVolume l : lvs) {
                String origin = cowOrigins.get(l.name());
                marked.add(origin == null ? l
                        : new LogicalVolume(l.name(), l.id(), l.status(), l.segments(), origin, l.line()));
            }
            lvs = marked;
        }
        return new VolumeGroup(vg.name(), id, seqno, extentSize, status, pvs, lvs);
    }

    private VgPhysicalVolume physicalVolume(ConfigSection pv, String p, long extentSize) throws FormatException {
        String id = id(pv, p);
        ConfigNode deviceNode = pv.get("device");
        String device = deviceNode instanceof ConfigValue.Str s ? s.value() : null;
        List<String> status = strings(pv, "status", p);
        long devSize = pv.get("dev_size") == null ? 0
                : integer(pv, "dev_size", p, 0, Long.MAX_VALUE / VolumeGroup.SECTOR);
        long peStart = integer(pv, "pe_start", p, 0, Long.MAX_VALUE);
        long peCount = integer(pv, "pe_count", p, 0, UINT32);
        try {
            Math.multiplyExact(Math.addExact(peStart, Math.multiplyExact(peCount, extentSize)),
                    (long) VolumeGroup.SECTOR);
        } catch (ArithmeticException e) {
            throw corrupt(pv, "pe_count", p + ": pe_start " + peStart + " + " + peCount + " extents of "
                    + extentSize + " sectors overflow a 64-bit byte offset");
        }
        return new VgPhysicalVolume(pv.name(), id, device, status, devSize, peStart, peCount);
    }

    private LogicalVolume logicalVolume(ConfigSection lv, String p, Map<String, VgPhysicalVolume> pvs,
                                        long extentBytes, Map<String, String> cowOrigins) throws FormatException {
        String id = id(lv, p);
        List<String> status = strings(lv, "status", p);
        List<Segment> segments = new ArrayList<>();
        for (ConfigSection s : lv.sections()) {
            if (segments.size() == MAX_SEGMENTS) {
                throw new UnsupportedFormatException(ref("segment", s), source + " line " + s.line() + ": " + p
                        + " has more than " + MAX_SEGMENTS + " segments, over vhdkit's limit");
            }
            Segment seg = segment(s, p + "/" + s.name(), pvs, extentBytes / VolumeGroup.SECTOR);
            if (seg.type().equals("snapshot") && s.get("cow_store") instanceof ConfigValue.Str cow
                    && s.get("origin") instanceof ConfigValue.Str origin) {
                cowOrigins.put(cow.value(), origin.value());
            }
            segments.add(seg);
        }
        if (segments.isEmpty()) {
            throw corrupt(lv, "segment", p + " has no segments");
        }
        if (lv.get("segment_count") != null) {
            long count = integer(lv, "segment_count", p, 0, UINT32);
            if (count != segments.size()) {
                throw corrupt(lv.get("segment_count"), "segment_count", p + ": segment_count is " + count + " but "
                        + segments.size() + " segment sections follow");
            }
        }
        segments.sort(Comparator.comparingLong(Segment::startExtent));
        long next = 0;
        for (Segment s : segments) {
            if (s.startExtent() != next) {
                throw new CorruptFormatException(FieldRef.of("LVM", "VG metadata", "start_extent",
                        FieldRef.NO_OFFSET), source + " line " + s.line()
                        + ": " + p + "/" + s.name() + " starts at extent " + s.startExtent() + " - should be " + next
                        + (s.startExtent() > next ? " (a gap in the LV)" : " (it overlaps the segment before)"));
            }
            next += s.extentCount();
        }
        try {
            Math.multiplyExact(next, extentBytes);
        } catch (ArithmeticException e) {
            throw corrupt(lv, "extent_count", p + ": " + next + " extents of " + extentBytes
                    + " bytes overflow a 64-bit size");
        }
        return new LogicalVolume(lv.name(), id, status, segments, null, lv.line());
    }

    private Segment segment(ConfigSection s, String p, Map<String, VgPhysicalVolume> pvs, long extentSize)
            throws FormatException {
        long start = integer(s, "start_extent", p, 0, UINT32);
        long count = integer(s, "extent_count", p, 1, UINT32);
        String type = s.get("type") == null ? Segment.STRIPED : string(s, "type", p);   // lvm2's default
        if (!type.equals(Segment.STRIPED) && !type.equals(Segment.LINEAR)) {
            return new Segment(s.name(), start, count, type, 0, 0, List.of(), s.line());
        }
        int stripes = (int) integer(s, "stripe_count", p, 1, MAX_STRIPES);
        if (type.equals(Segment.LINEAR) && stripes != 1) {
            throw corrupt(s.get("stripe_count"), "stripe_count", p + ": a linear segment has stripe_count "
                    + stripes + " - should be 1");
        }
        long stripeSize = 0;
        if (stripes > 1) {
            stripeSize = integer(s, "stripe_size", p, 1, UINT32);
        }
        if (count % stripes != 0) {
            throw corrupt(s.get("extent_count"), "extent_count", p + ": " + count + " extents do not divide into "
                    + stripes + " stripes");
        }
        long areaExtents = count / stripes;
        ConfigNode listNode = s.get("stripes");
        if (!(listNode instanceof ConfigValue.Array list)) {
            throw corrupt(listNode == null ? s : listNode, "stripes", p + ": stripes is "
                    + (listNode == null ? "missing" : show(listNode)) + " - should be [\"pv0\", extent, ...]");
        }
        if (list.items().size() != 2L * stripes) {
            throw corrupt(list, "stripes", p + ": stripes has " + list.items().size() + " entries - should be "
                    + 2L * stripes + " (a PV and a first extent for each of " + stripes + " stripes)");
        }
        List<StripeArea> areas = new ArrayList<>(stripes);
        for (int i = 0; i < stripes; i++) {
            ConfigValue name = list.items().get(2 * i);
            ConfigValue first = list.items().get(2 * i + 1);
            if (!(name instanceof ConfigValue.Str pvName) || !(first instanceof ConfigValue.Int firstExtent)) {
                throw corrupt(name, "stripes", p + ": stripe " + i + " is " + show(name) + ", " + show(first)
                        + " - should be a PV name and an extent number");
            }
            VgPhysicalVolume pv = pvs.get(pvName.value());
            if (pv == null) {
                throw corrupt(name, "stripes", p + ": stripe " + i + " is on " + Text.quote(pvName.value())
                        + ", which is not a physical volume of the VG");
            }
            long pe = firstExtent.value();
            if (pe < 0 || pe > pv.peCount() || areaExtents > pv.peCount() - pe) {
                throw corrupt(first, "stripes", p + ": stripe " + i + " uses extents " + pe + " to "
                        + (pe + areaExtents - 1) + " of " + pv.name() + ", which has " + pv.peCount() + " extents");
            }
            areas.add(new StripeArea(pv.name(), pe));
        }
        if (stripes > 1 && (areaExtents * extentSize) % stripeSize != 0) {
            // dm-stripe refuses a table whose per-stripe length is not a multiple of the chunk size
            throw corrupt(s.get("stripe_size"), "stripe_size", p + ": each stripe has " + areaExtents * extentSize
                    + " sectors, not a multiple of the stripe_size of " + stripeSize);
        }
        return new Segment(s.name(), start, count, type, stripes, stripeSize, areas, s.line());
    }

    // ------------------------------------------------------------------ typed access

    private String id(ConfigSection s, String p) throws FormatException {
        String id = string(s, "id", p);
        if (LvmUuid.bare(id) == null) {
            throw corrupt(s.get("id"), "id", p + ": id " + Text.quote(id) + " is not an LVM id (32 characters of "
                    + "A-Z, a-z, 0-9, ! and #, with dashes)");
        }
        return id;
    }

    private ConfigValue required(ConfigSection s, String key, String p) throws FormatException {
        ConfigNode n = s.get(key);
        if (n == null) {
            throw corrupt(s, key, p + ": " + key + " is missing");
        }
        if (!(n instanceof ConfigValue v)) {
            throw corrupt(n, key, p + ": " + key + " is a section - should be a value");
        }
        return v;
    }

    private long integer(ConfigSection s, String key, String p, long min, long max) throws FormatException {
        ConfigValue v = required(s, key, p);
        if (!(v instanceof ConfigValue.Int i)) {
            throw corrupt(v, key, p + ": " + key + " is " + show(v) + " - should be an integer");
        }
        if (i.value() < min || i.value() > max) {
            throw new CorruptFormatException(ref(key, v), Long.toString(i.value()), min + " to " + max,
                    source + " line " + v.line() + ": " + p + ": " + key + " is " + i.value() + " - should be "
                            + (max == Long.MAX_VALUE ? "at least " + min : min + " to " + max));
        }
        return i.value();
    }

    private String string(ConfigSection s, String key, String p) throws FormatException {
        ConfigValue v = required(s, key, p);
        if (!(v instanceof ConfigValue.Str str)) {
            throw corrupt(v, key, p + ": " + key + " is " + show(v) + " - should be a string");
        }
        return str.value();
    }

    private List<String> strings(ConfigSection s, String key, String p) throws FormatException {
        ConfigValue v = required(s, key, p);
        if (!(v instanceof ConfigValue.Array a)) {
            throw corrupt(v, key, p + ": " + key + " is " + show(v) + " - should be an array of strings");
        }
        List<String> out = new ArrayList<>(a.items().size());
        for (ConfigValue item : a.items()) {
            if (!(item instanceof ConfigValue.Str str)) {
                throw corrupt(item, key, p + ": " + key + " holds " + show(item) + " - should hold strings only");
            }
            out.add(str.value());
        }
        return out;
    }

    private ConfigSection section(ConfigSection s, String key, String p, boolean needed) throws FormatException {
        ConfigNode n = s.get(key);
        if (n == null && !needed) {
            return null;
        }
        if (n == null) {
            throw corrupt(s, key, p + ": section " + key + " is missing");
        }
        if (!(n instanceof ConfigSection section)) {
            throw corrupt(n, key, p + ": " + key + " is a value - should be a section");
        }
        return section;
    }

    private static String show(ConfigNode n) {
        if (n instanceof ConfigValue.Str s) {
            return "the string " + Text.quote(s.value());
        }
        if (n instanceof ConfigValue.Int i) {
            return "the integer " + i.value();
        }
        if (n instanceof ConfigValue.Real r) {
            return "the number " + r.text();
        }
        if (n instanceof ConfigValue.Array a) {
            return "an array of " + a.items().size();
        }
        return "a section";
    }

    private CorruptFormatException corrupt(ConfigNode at, String field, String message) {
        return new CorruptFormatException(ref(field, at), source + " line " + at.line() + ": " + message);
    }

    private FieldRef ref(String field, ConfigNode at) {
        long offset = offsetOf == null ? FieldRef.NO_OFFSET
                : Math.max(FieldRef.NO_OFFSET, offsetOf.applyAsLong(at.position()));
        return FieldRef.of("LVM", "VG metadata", field, offset);
    }
}
