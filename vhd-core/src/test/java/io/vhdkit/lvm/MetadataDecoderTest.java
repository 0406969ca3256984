package io.vhdkit.lvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.testing.Golden;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VG model from a real vgcfgbackup file, and every check on hostile metadata. */
class MetadataDecoderTest {

    static final String ID1 = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-000001";
    static final String ID2 = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-000002";
    static final String ID3 = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-000003";
    static final String ID4 = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-000004";

    /** A small VG text: extent size 8 sectors, pv0 with 10 extents from sector 16, pv1 with 6 from sector 8. */
    static String vg(String lvs) {
        return "contents = \"Text Format Volume Group\"\nversion = 1\n"
                + "vg {\nid = \"" + ID1 + "\"\nseqno = 3\nstatus = [\"READ\", \"WRITE\"]\nextent_size = 8\n"
                + "physical_volumes {\n"
                + "pv0 {\nid = \"" + ID2 + "\"\nstatus = [\"ALLOCATABLE\"]\ndev_size = 200\npe_start = 16\n"
                + "pe_count = 10\n}\n"
                + "pv1 {\nid = \"" + ID3 + "\"\nstatus = [\"ALLOCATABLE\"]\ndev_size = 100\npe_start = 8\n"
                + "pe_count = 6\n}\n"
                + "}\nlogical_volumes {\n" + lvs + "}\n}\n";
    }

    /** An LV with the given segments (each the body of a segment section). */
    static String lv(String name, String... segments) {
        return lvWithId(name, idFor(name), segments);
    }

    static String idFor(String name) {
        String bare = (name.replaceAll("[^A-Za-z0-9]", "") + "x".repeat(32)).substring(0, 32);
        return LvmUuid.format(bare);
    }

    static String lvWithId(String name, String id, String... segments) {
        StringBuilder sb = new StringBuilder(name + " {\nid = \"" + id + "\"\nstatus = [\"READ\", \"VISIBLE\"]\n"
                + "segment_count = " + segments.length + "\n");
        for (int i = 0; i < segments.length; i++) {
            sb.append("segment").append(i + 1).append(" {\n").append(segments[i]).append("\n}\n");
        }
        return sb.append("}\n").toString();
    }

    static String linear(int start, int count, String pv, int pe) {
        return "start_extent = " + start + "\nextent_count = " + count + "\ntype = \"striped\"\nstripe_count = 1\n"
                + "stripes = [\"" + pv + "\", " + pe + "]";
    }

    static VolumeGroup decode(String text) throws FormatException {
        return MetadataDecoder.decode(text, "t", null);
    }

    static String error(String text) {
        return assertThrows(CorruptFormatException.class, () -> decode(text)).problem();
    }

    /** Asserts the error, which must name the line of the first occurrence of {@code marker}. */
    static void assertError(String text, String marker, String message) {
        int at = text.indexOf(marker);
        assertTrue(at >= 0, marker);
        int line = 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
        assertEquals("t line " + line + ": " + message, error(text));
    }

    @Test
    void decodesARealBackupFile() throws FormatException {
        String text = new String(Golden.load(getClass(), "mbr.vg"), StandardCharsets.UTF_8);
        VolumeGroup vg = decode(text);
        LvmTestSupport.Manifest m = LvmTestSupport.goldenManifest("mbr.tsv");
        assertEquals(m.vg().name(), vg.name());
        assertEquals(m.vg().uuid(), vg.id());
        assertEquals(m.vg().uuid().replace("-", ""), vg.uuid());
        assertEquals(m.vg().extentSize(), vg.extentSize());
        assertEquals(m.vg().extentSize() * 512, vg.extentBytes());
        assertEquals(List.of("RESIZEABLE", "READ", "WRITE"), vg.status());
        VgPhysicalVolume pv = vg.physicalVolumes().get(0);
        assertEquals("pv0", pv.name());
        assertEquals(m.pvs().get(0).uuid(), pv.id());
        assertEquals(m.pvs().get(0).peStart(), pv.peStart());
        assertEquals(m.pvs().get(0).peCount(), pv.peCount());
        assertEquals(m.pvs().get(0).devSize(), pv.devSize());
        assertTrue(pv.device().startsWith("/dev/loop"));
        assertEquals(List.of("root", "swap", "var"), vg.logicalVolumes().stream().map(LogicalVolume::name).toList());
        for (LogicalVolume lv : vg.logicalVolumes()) {
            assertEquals(m.lv(lv.name()).uuid(), lv.id());
            assertTrue(lv.visible());
            assertEquals(m.lv(lv.name()).size(), lv.extentCount() * vg.extentSize());
            List<LvmTestSupport.MSeg> segs = m.segments(lv.name());
            assertEquals(segs.size(), lv.segments().size());
            for (int i = 0; i < segs.size(); i++) {
                Segment s = lv.segments().get(i);
                assertEquals(segs.get(i).startPe(), s.startExtent());
                assertEquals(segs.get(i).sizePe(), s.extentCount());
                assertEquals(segs.get(i).segtype(), s.layout());
                assertEquals(1, s.stripeCount());
            }
        }
        assertEquals("linear", vg.logicalVolume("var").orElseThrow().layout());
        assertEquals(16, vg.logicalVolume("var").orElseThrow().segments().get(1).stripes().get(0).startExtent());
    }

    @Test
    void stripedAndOtherSegments() throws FormatException {
        VolumeGroup vg = decode(vg(lv("s", "start_extent = 0\nextent_count = 8\nstripe_count = 2\nstripe_size = 4\n"
                + "stripes = [\"pv0\", 2, \"pv1\", 0]")
                + lv("t", "start_extent = 0\nextent_count = 1000\ntype = \"thin\"\nthin_pool = \"pool\"")));
        Segment s = vg.logicalVolume("s").orElseThrow().segments().get(0);
        assertEquals("striped", s.type(), "type defaults to striped, as in lvm2");
        assertEquals(2, s.stripeCount());
        assertEquals(4, s.stripeSize());
        assertEquals(4, s.areaExtents());
        assertEquals(List.of(new StripeArea("pv0", 2), new StripeArea("pv1", 0)), s.stripes());
        LogicalVolume t = vg.logicalVolume("t").orElseThrow();
        assertEquals("thin", t.layout());
        assertEquals("thin", t.unmappedSegment().orElseThrow().type());
        assertFalse(vg.logicalVolume("s").orElseThrow().unmappedSegment().isPresent());
    }

    @Test
    void segmentsAreSortedByExtent() throws FormatException {
        VolumeGroup vg = decode(vg(lv("l", linear(3, 2, "pv1", 0), linear(0, 3, "pv0", 0))));
        LogicalVolume l = vg.logicalVolume("l").orElseThrow();
        assertEquals(List.of(0L, 3L), l.segments().stream().map(Segment::startExtent).toList());
        assertEquals(5, l.extentCount());
    }

    @Test
    void snapshotCowStoresAreMarked() throws FormatException {
        VolumeGroup vg = decode(vg(lv("origin", linear(0, 2, "pv0", 0)) + lv("snap", linear(0, 1, "pv0", 2))
                .replace("\"VISIBLE\"", "\"VISIBLE\"") + lv("snapshot0", "start_extent = 0\nextent_count = 2\n"
                + "type = \"snapshot\"\nchunk_size = 8\norigin = \"origin\"\ncow_store = \"snap\"")));
        assertEquals("origin", vg.logicalVolume("snap").orElseThrow().snapshotOrigin());
        assertEquals("snapshot", vg.logicalVolume("snap").orElseThrow().layout());
        assertTrue(vg.logicalVolume("snap").orElseThrow().unmappedSegment().isPresent());
        assertNull(vg.logicalVolume("origin").orElseThrow().snapshotOrigin());
    }

    @Test
    void hostileNumbers() {
        String good = vg(lv("l", linear(0, 2, "pv0", 0)));
        assertError(good.replace("extent_size = 8", "extent_size = 0"), "extent_size",
                "vg: extent_size is 0 - should be 1 to 4294967295");
        assertError(good.replace("extent_size = 8", "extent_size = -8"), "extent_size",
                "vg: extent_size is -8 - should be 1 to 4294967295");
        assertError(good.replace("seqno = 3", "seqno = -1"), "seqno", "vg: seqno is -1 - should be 0 to 4294967295");
        assertError(good.replace("pe_start = 16", "pe_start = 9223372036854775000"), "pv0 {",
                "vg/pv0: pe_start 9223372036854775000 + 10 extents of 8 sectors overflow a 64-bit byte offset");
        assertError(good.replace("pe_count = 10", "pe_count = 4294967296"), "pe_count",
                "vg/pv0: pe_count is 4294967296 - should be 0 to 4294967295");
        assertError(good.replace("pe_start = 16", "pe_start = -16"), "pe_start",
                "vg/pv0: pe_start is -16 - should be at least 0");
        assertError(good.replace("extent_count = 2", "extent_count = 0"), "extent_count",
                "vg/l/segment1: extent_count is 0 - should be 1 to 4294967295");
        assertError(good.replace("dev_size = 200", "dev_size = 36028797018963968"), "dev_size",
                "vg/pv0: dev_size is 36028797018963968 - should be 0 to 18014398509481983");
    }

    @Test
    void lvSizeOverflow() {
        String big = vg(lv("l", "start_extent = 0\nextent_count = 4294967295\ntype = \"thin\"",
                "start_extent = 4294967295\nextent_count = 4294967295\ntype = \"thin\""))
                .replace("extent_size = 8", "extent_size = 4294967295");
        assertError(big, "l {", "vg/l: 8589934590 extents of 2199023255040 bytes overflow a 64-bit size");
    }

    @Test
    void stripes() {
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 0\nstripes = []")),
                "stripe_count", "vg/l/segment1: stripe_count is 0 - should be 1 to 128");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 100000\nstripes = []")),
                "stripe_count", "vg/l/segment1: stripe_count is 100000 - should be 1 to 128");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 2\nstripe_size = 8\n"
                + "stripes = [\"pv0\", 0]")), "stripes =", "vg/l/segment1: stripes has 2 entries - should be 4 (a PV "
                + "and a first extent for each of 2 stripes)");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 2\n"
                + "stripes = [\"pv0\", 0, \"pv1\", 0]")), "segment1 {", "vg/l/segment1: stripe_size is missing");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 3\nstripe_count = 2\nstripe_size = 8\n"
                + "stripes = [\"pv0\", 0, \"pv1\", 0]")), "extent_count",
                "vg/l/segment1: 3 extents do not divide into 2 stripes");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 2\nstripe_size = 3\n"
                + "stripes = [\"pv0\", 0, \"pv1\", 0]")), "stripe_size",
                "vg/l/segment1: each stripe has 8 sectors, not a multiple of the stripe_size of 3");
        assertError(vg(lv("l", linear(0, 2, "pv9", 0))), "\"pv9\"",
                "vg/l/segment1: stripe 0 is on 'pv9', which is not a physical volume of the VG");
        assertError(vg(lv("l", linear(0, 2, "pv0", 9))), "stripes =",
                "vg/l/segment1: stripe 0 uses extents 9 to 10 of pv0, which has 10 extents");
        assertError(vg(lv("l", linear(0, 2, "pv0", -1))), "stripes =",
                "vg/l/segment1: stripe 0 uses extents -1 to 0 of pv0, which has 10 extents");
        assertError(vg(lv("l", linear(0, 2, "pv0", 0).replace("[\"pv0\", 0]", "[\"pv0\", 9223372036854775807]"))),
                "stripes =", "vg/l/segment1: stripe 0 uses extents 9223372036854775807 to -9223372036854775808 of "
                        + "pv0, which has 10 extents");
        assertError(vg(lv("l", linear(0, 2, "pv0", 0).replace("[\"pv0\", 0]", "[0, \"pv0\"]"))), "stripes =",
                "vg/l/segment1: stripe 0 is the integer 0, the string 'pv0' - should be a PV name and an extent "
                        + "number");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\nstripe_count = 1")), "segment1 {",
                "vg/l/segment1: stripes is missing - should be [\"pv0\", extent, ...]");
        assertError(vg(lv("l", "start_extent = 0\nextent_count = 2\ntype = \"linear\"\nstripe_count = 2\n"
                + "stripe_size = 8\nstripes = [\"pv0\", 0, \"pv1\", 0]")), "stripe_count",
                "vg/l/segment1: a linear segment has stripe_count 2 - should be 1");
    }

    @Test
    void segmentsMustTileTheLv() {
        assertError(vg(lv("l", linear(0, 2, "pv0", 0), linear(3, 1, "pv0", 2))), "segment2 {",
                "vg/l/segment2 starts at extent 3 - should be 2 (a gap in the LV)");
        assertError(vg(lv("l", linear(0, 2, "pv0", 0), linear(1, 1, "pv0", 2))), "segment2 {",
                "vg/l/segment2 starts at extent 1 - should be 2 (it overlaps the segment before)");
        assertError(vg(lv("l", linear(1, 2, "pv0", 0))), "segment1 {",
                "vg/l/segment1 starts at extent 1 - should be 0 (a gap in the LV)");
        assertError(vg(lv("l", linear(0, 2, "pv0", 0))).replace("segment_count = 1", "segment_count = 2"),
                "segment_count", "vg/l: segment_count is 2 but 1 segment sections follow");
        String none = vg("l {\nid = \"" + ID4 + "\"\nstatus = []\n}\n");
        assertError(none, "l {", "vg/l has no segments");
    }

    @Test
    void identifiersAndStructure() {
        String good = vg(lv("l", linear(0, 2, "pv0", 0)));
        assertError(good.replace(ID1, "not-an-id"), "not-an-id", "vg: id 'not-an-id' is not an LVM id (32 characters "
                + "of A-Z, a-z, 0-9, ! and #, with dashes)");
        String samePv = good.replace(ID3, ID2);
assertError(samePv, "pv1 {", "vg: pv0 and pv1 have the same id " + ID2);
        String twice = vg(lv("l", linear(0, 2, "pv0", 0)) + lvWithId("m", idFor("l"), linear(0, 1, "pv0", 2)));
        assertError(twice, "m {", "vg/m: the id " + idFor("l") + " is used by another LV");
        assertError(good.replace("seqno = 3\n", ""), "vg {", "vg: seqno is missing");
        assertError(good.replace("status = [\"READ\", \"WRITE\"]", "status = \"READ\""), "status",
                "vg: status is the string 'READ' - should be an array of strings");
        assertError(good.replace("status = [\"READ\", \"WRITE\"]", "status = [1]"), "status",
                "vg: status holds the integer 1 - should hold strings only");
        assertError(good.replace("physical_volumes", "physical_volumez"), "vg {",
                "vg: section physical_volumes is missing");
        assertError(good.replace("seqno = 3", "seqno { }"), "seqno", "vg: seqno is a section - should be a value");
        assertEquals("t line 1: the text has no volume group section",
                error("contents = \"Text Format Volume Group\"\nversion = 1\n"));
        assertEquals("t line 1: the text has no 'contents' - it is not LVM volume group metadata",
                error(good.replace("contents = \"Text Format Volume Group\"", "")));
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> decode(good.replace("version = 1", "version = 2")));
        assertEquals("t line 2: version is the integer 2 - vhdkit reads version 1", e.problem());
        e = assertThrows(UnsupportedFormatException.class,
                () -> decode(good.replace("Text Format Volume Group", "Something Else")));
        assertEquals("t line 1: contents is the string 'Something Else' - vhdkit reads \"Text Format Volume Group\"",
                e.problem());
    }

    @Test
    void emptyVgAndMissingOptionalFields() throws FormatException {
        String text = vg("").replace("logical_volumes {\n}\n", "").replace("dev_size = 200\n", "");
        VolumeGroup vg = decode(text);
        assertEquals(0, vg.logicalVolumes().size());
        assertEquals(0, vg.physicalVolume("pv0").orElseThrow().devSize());
        assertNull(vg.physicalVolume("pv0").orElseThrow().device());
    }
}
