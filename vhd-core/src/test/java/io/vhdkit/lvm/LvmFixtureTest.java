package io.vhdkit.lvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.Extent;
import io.vhdkit.lvm.LvmTestSupport.MLv;
import io.vhdkit.lvm.LvmTestSupport.MPv;
import io.vhdkit.lvm.LvmTestSupport.MSeg;
import io.vhdkit.lvm.LvmTestSupport.Manifest;
import io.vhdkit.lvm.LvmTestSupport.RawFileDisk;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The corpus of fixtures/lvm/build.sh: labels and metadata written by the real lvm2 tools, LV data written where LVM
 * reports the LVs' extents. Everything LVM reports (vgs/pvs/lvs) is compared with the scan, and every byte of every
 * readable LV with the expected contents.
 */
class LvmFixtureTest {

    private static final long M = 1 << 20;

    private static Path dir() {
        return Fixtures.dir("lvm");
    }

    private static Manifest manifest(String name) {
        return LvmTestSupport.manifest(Fixtures.file("lvm", "manifest/" + name + ".tsv"));
    }

    /** The candidate of each shipped PV of a manifest: its byte range of its image. */
    private static List<VirtualDisk> pvCandidates(Manifest m) {
        List<VirtualDisk> out = new ArrayList<>();
        for (MPv pv : m.pvs()) {
            if (pv.shipped()) {
                out.add(new RawFileDisk(dir().resolve(pv.image()), pv.offset(), pv.size()));
            }
        }
        return out;
    }

    @Test
    void mbrDiskWithAPlainPartitionAndAPv() throws IOException {
        Manifest m = manifest("mbr");
        MPv p2 = m.pvs().get(0);
        Path image = dir().resolve("mbr.raw");
        List<VirtualDisk> candidates = List.of(RawFileDisk.whole(image), new RawFileDisk(image, M, 4 * M),
                new RawFileDisk(image, p2.offset(), p2.size()));
        LvmScan scan = Lvm.scan(candidates, List.of("disk", "partition 1", "partition 2"));
        assertEquals(List.of(2), scan.physicalVolumes().stream().map(PhysicalVolume::candidate).toList());
        assertTrue(scan.physicalVolume(0).isEmpty());
        assertTrue(scan.physicalVolume(1).isEmpty());
        assertEquals(List.of(), scan.findings());
        checkAgainstManifest(scan, m);
        assertEquals(List.of("root", "swap", "var"), scan.volumes().stream().map(v -> v.logicalVolume().name())
                .toList());
        assertEquals(m.vg().name() + "/root", scan.volumes().get(0).name());
        checkContents(scan, m);
    }

    @Test
    void gptDiskWithAStripedLvAndAnLvSpanningBothPvs() throws IOException {
        Manifest m = manifest("gpt");
        LvmScan scan = Lvm.scan(pvCandidates(m), List.of("partition 1", "partition 2"));
        assertEquals(List.of(), scan.findings());
        checkAgainstManifest(scan, m);
        LogicalVolume stripe = scan.volumeGroups().get(0).metadata().logicalVolume("stripe").orElseThrow();
        assertEquals("striped", stripe.layout());
        assertEquals(List.of(128L, 32L), stripe.segments().stream().map(Segment::stripeSize).toList());
        checkContents(scan, m);
    }

    @Test
    void wholeDiskPvWithTwoMetadataCopiesAndAThinPool() throws IOException {
        Manifest m = manifest("whole");
        LvmScan scan = Lvm.scan(List.of(RawFileDisk.whole(dir().resolve("whole.raw"))));
        checkAgainstManifest(scan, m);
        PhysicalVolume pv = scan.physicalVolumes().get(0);
        assertEquals(2, pv.metadataAreas().size(), "pvcreate --pvmetadatacopies 2");
        assertTrue(pv.metadataAreas().get(1).location().offset() > pv.disk().size() / 2,
                "the second copy is at the end");
        // both copies read and agree: no stale or inconsistent findings; the pool and the thin LV are listed only
        assertEquals(List.of("logical-volume.unsupported", "logical-volume.unsupported"),
                scan.findings().stream().map(Finding::code).toList());
        assertTrue(scan.findings().stream().allMatch(f -> f.severity() == Severity.INFO));
        assertEquals(List.of("data", "pool", "thin1"), scan.volumes().stream().map(v -> v.logicalVolume().name())
                .toList(), "the hidden pool_tmeta, pool_tdata and lvol0_pmspare are not volumes");
        LvmVolume thin = scan.volume(m.vg().name() + "/thin1").orElseThrow();
        assertFalse(thin.readable());
        assertEquals(32 * M, thin.size());
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> thin.disk().read(0, ByteBuffer.allocate(512)));
        assertEquals(m.vg().name() + "/thin1: segment1 is a 'thin' segment - vhdkit reads only linear and striped LVs",
                e.problem());
        assertEquals("thin-pool", scan.volume(m.vg().name() + "/pool").orElseThrow().problem().orElseThrow()
                .actual().orElseThrow());
        checkContents(scan, m);
    }

    @Test
    void aPvMissingFromTheImage() throws IOException {
        Manifest m = manifest("missing");
        LvmScan scan = Lvm.scan(pvCandidates(m), List.of("disk"));
        checkAgainstManifest(scan, m);
        LvmVolumeGroup vg = scan.volumeGroups().get(0);
        assertFalse(vg.complete());
        MPv gone = m.pvs().stream().filter(p -> !p.shipped()).findFirst().orElseThrow();
        assertEquals(List.of(gone.uuid()), vg.missing().stream().map(VgPhysicalVolume::id).toList());
        List<Finding> errors = scan.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
        assertEquals(1, errors.size(), scan.findings().toString());
        assertEquals("volume-group.missing-pv", errors.get(0).code());
        assertTrue(errors.get(0).message().startsWith(m.vg().name() + ": pv1 (" + gone.uuid() + ", last seen as "
                + "/dev/loop"), errors.get(0).message());
        assertTrue(errors.get(0).message().endsWith("is not in the image; LVs both, onlyb are incomplete and cannot "
                + "be read"), errors.get(0).message());
        // LVM's own view of the same disk alone (lvs attr 'p' = partial) agrees on which LVs are incomplete
        String lvs = Files.readString(dir().resolve("reports/missing-only/lvs.json"), StandardCharsets.UTF_8);
        Matcher lv = Pattern.compile("\"lv_name\":\"([^\"]+)\", \"lv_attr\":\"(.{10})\"").matcher(lvs);
        int seen = 0;
        while (lv.find()) {
            seen++;
            boolean partial = lv.group(2).charAt(8) == 'p';
            LvmVolume v = scan.volume(m.vg().name() + "/" + lv.group(1)).orElseThrow();
            assertEquals(partial, !v.readable(), lv.group(1));
            if (partial) {
                CorruptFormatException e = assertThrows(CorruptFormatException.class,
                        () -> v.disk().read(0, ByteBuffer.allocate(512)));
                assertEquals(v.name() + " is incomplete: it needs PV pv1 (id " + gone.uuid() + "), not in the image",
                        e.problem());
            }
        }
        assertEquals(3, seen);
        checkContents(scan, m);
    }

    @Test
    void staleMetadataOnOnePv() throws IOException {
        Manifest m = manifest("gpt");
        List<VirtualDisk> candidates = new ArrayList<>();
        for (MPv pv : m.pvs()) {
            candidates.add(new RawFileDisk(dir().resolve("gpt-stale.raw"), pv.offset(), pv.size()));
        }
        LvmScan scan = Lvm.scan(candidates, List.of("partition 1", "partition 2"));
        assertEquals(1, scan.findings().size(), scan.findings().toString());
        Finding f = scan.findings().get(0);
        assertEquals("volume-group.stale-metadata", f.code());
        assertEquals(Severity.WARNING, f.severity());
        assertEquals("partition 2, metadata area 0 holds metadata of VG " + m.vg().name() + " with seqno 1, older "
                + "than seqno 2 of partition 1, metadata area 0, which is used (LVM: \"ignoring metadata seqno\")",
                f.message());
        // LVM said the same: it used seqno 2
        String vgs = Files.readString(dir().resolve("reports/gpt-stale/vgs.json"), StandardCharsets.UTF_8);
        assertTrue(vgs.contains("\"vg_seqno\":\"2\""), vgs);
        assertTrue(Files.readString(dir().resolve("reports/gpt-stale/vgs.stderr"))
                .contains("ignoring metadata seqno 1"));
        checkAgainstManifest(scan, m);
        checkContents(scan, m);
    }

    @Test
    void metadataWrappedAroundTheCircularBuffer() throws IOException {
        Manifest m = manifest("wrap");
        LvmScan scan = Lvm.scan(pvCandidates(m), List.of("disk"));
        assertEquals(List.of(), scan.findings());
        PhysicalVolume pv = scan.physicalVolumes().get(0);
        MetadataText text = pv.metadataAreas().get(0).readText(pv.disk()).orElseThrow();
        assertTrue(text.wrapped(), "build.sh stops when the live copy wraps");
        String info = Files.readString(dir().resolve("reports/wrap.mdainfo")).trim();
        assertEquals(info, "mda_start=" + pv.metadataAreas().get(0).header().start() + " mda_size="
                + pv.metadataAreas().get(0).header().size() + " rlocn_offset=" + text.location().offset()
                + " rlocn_size=" + text.location().size() + " wrapped=1");
        checkAgainstManifest(scan, m);
        assertTrue(scan.volumeGroups().get(0).metadata().seqno() > 10);
        checkContents(scan, m);
    }

    @Test
    void aPvSeenTwiceIsReported() throws IOException {
        Manifest m = manifest("mbr");
        List<VirtualDisk> twice = List.of(pvCandidates(m).get(0), pvCandidates(m).get(0));
        LvmScan scan = Lvm.scan(twice, List.of("partition 2", "copy of partition 2"));
        assertEquals(List.of("physical-volume.duplicate-uuid"), scan.findings().stream().map(Finding::code).toList());
        assertEquals("copy of partition 2 carries the same PV uuid " + m.pvs().get(0).uuid() + " as partition 2; "
                + "partition 2 is used and copy of partition 2 ignored (LVM too uses one device per PV and warns)",
                scan.findings().get(0).message());
        assertEquals(0, scan.volumeGroups().get(0).present().get("pv0").candidate());
        checkContents(scan, m);
    }

    // ------------------------------------------------------------------ comparisons

    /** The VG, its PVs and all of its LVs (hidden ones too) against LVM's reports. */
    static void checkAgainstManifest(LvmScan scan, Manifest m) {
        assertEquals(1, scan.volumeGroups().size());
        LvmVolumeGroup g = scan.volumeGroups().get(0);
        VolumeGroup vg = g.metadata();
        assertEquals(m.vg().name(), vg.name());
        assertEquals(m.vg().uuid(), vg.id());
        assertEquals(m.vg().seqno(), vg.seqno());
        assertEquals(m.vg().extentSize(), vg.extentSize());
        assertEquals(m.vg().pvCount(), vg.physicalVolumes().size());
        assertEquals(m.vg().lvCount(), vg.visibleLogicalVolumes().size());
        for (MPv p : m.pvs()) {
            VgPhysicalVolume v = vg.physicalVolumes().stream().filter(x -> x.id().equals(p.uuid())).findFirst()
                    .orElseThrow();
            assertEquals(p.peStart(), v.peStart());
            assertEquals(p.peCount(), v.peCount());
            assertEquals(p.devSize(), v.devSize());
            if (p.shipped()) {
                PhysicalVolume found = g.present().get(v.name());
                assertEquals(p.uuid(), found.id());
                assertEquals(p.size(), found.label().pv().deviceSize());
                assertEquals(p.mdaCount(), found.label().pv().metadataAreas().size());
                assertEquals(List.of(new DiskLocation(p.peStart() * 512, 0)), found.label().pv().dataAreas());
            } else {
                assertTrue(g.missing().contains(v));
            }
        }
        assertEquals(m.lvs().size(), vg.logicalVolumes().size());
        for (MLv l : m.lvs()) {
            LogicalVolume lv = vg.logicalVolume(l.name()).orElseThrow();
            assertEquals(l.uuid(), lv.id());
            assertEquals(l.visible(), lv.visible(), l.name());
            assertEquals(l.size(), lv.extentCount() * vg.extentSize());
            List<MSeg> segs = m.segments(l.name());
            assertEquals(segs.size(), lv.segments().size(), l.name());
            for (int i = 0; i < segs.size(); i++) {
                MSeg ms = segs.get(i);
                Segment s = lv.segments().get(i);
                String where = l.name() + " " + s.name();
                assertEquals(ms.startPe(), s.startExtent(), where);
                assertEquals(ms.sizePe(), s.extentCount(), where);
                assertEquals(ms.segtype(), s.layout(), where);
                if (!s.mapped()) {
                    continue;
                }
                assertEquals(ms.stripes(), s.stripeCount(), where);
                assertEquals(ms.stripeSize(), s.stripeSize(), where);
                List<String> ranges = new ArrayList<>();
                for (StripeArea a : s.stripes()) {
                    ranges.add(vg.physicalVolume(a.pvName()).orElseThrow().id() + ":" + a.startExtent() + "-"
                            + (a.startExtent() + s.areaExtents() - 1));
                }
                assertEquals(ms.ranges(), ranges, where);
            }
        }
        for (LvmVolume v : g.volumes()) {
            assertEquals(vg.extentBytes() * v.logicalVolume().extentCount(), v.size());
        }
    }

    /** Every readable visible LV against expected/VG-LV.raw: whole, in random pieces, and its allocated extents. */
    static void checkContents(LvmScan scan, Manifest m) throws IOException {
        int checked = 0;
        for (LvmVolume v : scan.volumes()) {
            Path expectedFile = dir().resolve("expected/" + v.volumeGroup() + "-" + v.logicalVolume().name() + ".raw");
            if (!v.readable()) {
                continue;
            }
            checked++;
            byte[] expected = Files.readAllBytes(expectedFile);
            assertEquals(expected.length, v.size(), v.name());
            byte[] got = new byte[expected.length];
            v.disk().read(0, ByteBuffer.wrap(got));
            assertArrayEquals(expected, got, v.name());
            Random r = new Random(v.name().hashCode());
            for (int i = 0; i < 200; i++) {
                int from = r.nextInt(expected.length);
                int n = r.nextInt(Math.min(expected.length - from, 300_000) + 1);
                byte[] piece = new byte[n];
                v.disk().read(from, ByteBuffer.wrap(piece));
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, from, from + n), piece,
                        v.name() + " @" + from);
            }
            List<Extent> allocated = v.disk().allocatedExtents();
            List<Extent> data = nonZeroPages(expected);
            for (Extent e : data) {
                assertTrue(allocated.stream().anyMatch(a -> a.offset() <= e.offset() && e.end() <= a.end()),
                        v.name() + ": data at " + e + " outside the allocated extents " + allocated);
            }
            if (v.logicalVolume().layout().equals("linear")) {
                assertEquals(data, allocated, v.name() + ": linear LVs map the PVs' data extents exactly");
            }
        }
        long expectedReadable = m.lvs().stream().filter(MLv::visible).filter(l -> Files.exists(dir().resolve(
                "expected/" + l.vg() + "-" + l.name() + ".raw"))).count();
        long unreadableWithData = scan.volumes().stream().filter(v -> !v.readable()).filter(v -> Files.exists(
                dir().resolve("expected/" + v.volumeGroup() + "-" + v.logicalVolume().name() + ".raw"))).count();
        assertEquals(expectedReadable, checked + unreadableWithData);
        assertTrue(checked > 0);
    }

    /** The runs of 4 KiB pages that are not all zero. */
    static List<Extent> nonZeroPages(byte[] b) {
        List<Extent> out = new ArrayList<>();
        long start = -1;
        for (int at = 0; at <= b.length; at += 4096) {
            boolean data = false;
            for (int i = at; i < Math.min(b.length, at + 4096) && !data; i++) {
                data = b[i] != 0;
            }
            if (data && start < 0) {
                start = at;
            } else if (!data && start >= 0) {
                out.add(new Extent(start, at - start));
                start = -1;
            }
        }
        return out;
    }
}
