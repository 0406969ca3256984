package io.vhdkit.lvm;

import static io.vhdkit.lvm.LvmTestSupport.SECTOR;
import static io.vhdkit.lvm.LvmTestSupport.fixLabel;
import static io.vhdkit.lvm.LvmTestSupport.fixMda;
import static io.vhdkit.lvm.LvmTestSupport.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.lvm.LvmTestSupport.MemoryDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scans of golden PV heads, whole and altered: which findings come out, and what stays usable. */
class LvmScanTest {

    private static final int MDA = 4096;
    private static final LvmTestSupport.Manifest MBR = LvmTestSupport.goldenManifest("mbr.tsv");
    private static final String VG = MBR.vg().name();

    private static MemoryDisk mbr() {
        MemoryDisk d = LvmTestSupport.goldenPv("mbr-p2.head.gz");
        return new MemoryDisk(d.head.clone(), d.size());
    }

    private static LvmScan scan(VirtualDisk... disks) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < disks.length; i++) {
            names.add("partition " + (i + 1));
        }
        return Lvm.scan(List.of(disks), names);
    }

    private static List<String> codes(LvmScan s) {
        return s.findings().stream().map(Finding::code).toList();
    }

    /** Splits the one metadata area of the mbr head into two of 512 KiB - 2048, the second a copy of the first. */
    private static MemoryDisk twoAreas() {
        MemoryDisk d = mbr();
        byte[] b = d.head;
        int half = 512 * 1024 - 2048;
        int second = MDA + half;
        // pv_header: metadata list at 32 + 40 + 2 * 16 (one data area + terminator)
        int list = SECTOR + 32 + 40 + 32;
        le(b).putLong(list + 8, half).putLong(list + 16, second).putLong(list + 24, half)
                .putLong(list + 32, 0).putLong(list + 40, 0);
        // the extension that followed the old terminator moves down by 16 bytes
        le(b).putInt(list + 48, 2).putInt(list + 52, 1);
        fixLabel(b);
        le(b).putLong(MDA + 32, half);
        fixMda(b, MDA);
        System.arraycopy(b, MDA, b, second, half);
        le(b).putLong(second + 24, second);
        fixMda(b, second);
        return d;
    }

    @Test
    void aGoldenPvScansClean() throws IOException {
        LvmScan s = scan(mbr());
        assertEquals(List.of(), s.findings());
        assertEquals(1, s.volumeGroups().size());
        LvmVolumeGroup g = s.volumeGroup(VG).orElseThrow();
        assertTrue(g.complete());
        assertEquals("partition 1, metadata area 0", g.source());
        assertEquals(List.of(VG + "/root", VG + "/swap", VG + "/var"),
                s.volumes().stream().map(LvmVolume::name).toList());
        assertTrue(s.volumes().stream().allMatch(LvmVolume::readable));
        assertEquals(MBR.lv("var").size() * 512, s.volume(VG + "/var").orElseThrow().size());
    }

    @Test
    void aPvOfTwoAloneLeavesItsVgIncomplete() throws IOException {
        LvmTestSupport.Manifest gpt = LvmTestSupport.goldenManifest("gpt.tsv");
        LvmScan s = scan(LvmTestSupport.goldenPv("gpt-p1.head.gz"));
        LvmVolumeGroup g = s.volumeGroups().get(0);
        assertEquals(1, g.missing().size());
        assertEquals(List.of("volume-group.missing-pv"), codes(s));
        assertEquals(Severity.ERROR, s.findings().get(0).severity());
        assertTrue(s.findings().get(0).message().endsWith("is not in the image; LVs stripe, span are incomplete and "
                + "cannot be read"), s.findings().get(0).message());
        assertEquals(gpt.pvs().get(1).uuid(), g.missing().get(0).id());
        for (LvmVolume v : s.volumes()) {
            assertFalse(v.readable());
            assertThrows(CorruptFormatException.class, () -> v.disk().read(0, ByteBuffer.allocate(1)));
        }
    }

    @Test
    void aPvWithoutMetadataIsAnOrphan() throws IOException {
        MemoryDisk d = mbr();
        java.util.Arrays.fill(d.head, MDA + 40, MDA + 64, (byte) 0);
        fixMda(d.head, MDA);
        LvmScan s = scan(d);
        assertEquals(List.of("physical-volume.orphan"), codes(s));
        assertEquals(Severity.INFO, s.findings().get(0).severity());
        assertEquals(1, s.physicalVolumes().size());
        assertEquals(0, s.volumeGroups().size());
    }

    @Test
    void aDamagedLabelIsAnError() throws IOException {
        MemoryDisk d = mbr();
        d.head[SECTOR + 300] ^= 1;
        LvmScan s = scan(d);
        assertEquals(List.of("label.crc-xl"), codes(s));
        assertEquals(Severity.ERROR, s.findings().get(0).severity());
        assertEquals(0, s.physicalVolumes().size());
    }

    @Test
    void theOnlyCopyDamagedIsAnError() throws IOException {
        MemoryDisk d = mbr();
        d.head[(int) (MDA + le(d.head).getLong(MDA + 40) + 10)] ^= 1;
        LvmScan s = scan(d);
        assertEquals(List.of("mda-header.raw-locn-checksum"), codes(s));
        assertEquals(Severity.ERROR, s.findings().get(0).severity());
        assertEquals(0, s.volumeGroups().size());
    }

    @Test
    void syntaxErrorsAreFindingsWithTheLine() throws IOException {
        MemoryDisk d = mbr();
        String text = LvmTestSupport.text(d.head, MDA);
        LvmTestSupport.replaceText(d.head, MDA, text.replace("extent_size = ", "extent_size == "));
        LvmScan s = scan(d);
        assertEquals(List.of("metadata-text.syntax"), codes(s));
        assertEquals("partition 1, metadata area 0 line 7: expected a value for 'extent_size', found '='",
                s.findings().get(0).message());
    }

    @Test
    void twoAreasAgreeing() throws IOException {
        LvmScan s = scan(twoAreas());
        assertEquals(List.of(), s.findings());
        assertEquals(2, s.physicalVolumes().get(0).metadataAreas().size());
    }

    @Test
    void oneOfTwoCopiesDamagedIsAWarning() throws IOException {
        MemoryDisk d = twoAreas();
        int second = MDA + 512 * 1024 - 2048;
        d.head[(int) (second + le(d.head).getLong(second + 40) + 10)] ^= 1;
        LvmScan s = scan(d);
        assertEquals(List.of("mda-header.raw-locn-checksum"), codes(s));
        assertEquals(Severity.WARNING, s.findings().get(0).severity());
        assertTrue(s.findings().get(0).message().endsWith("; the volume group's metadata was read from another copy"));
        assertEquals(3, s.volumes().size());
    }

    @Test
    void anOlderCopyIsStale() throws IOException {
        MemoryDisk d = twoAreas();
        int second = MDA + 512 * 1024 - 2048;
        String text = LvmTestSupport.text(d.head, second);
        LvmTestSupport.replaceText(d.head, second, text.replace("seqno = " + MBR.vg().seqno(), "seqno = 1"));
        LvmScan s = scan(d);
        assertEquals(List.of("volume-group.stale-metadata"), codes(s));
        assertEquals("partition 1, metadata area 1 holds metadata of VG " + VG + " with seqno 1, older than seqno "
                + MBR.vg().seqno() + " of partition 1, metadata area 0, which is used (LVM: \"ignoring metadata "
                + "seqno\")", s.findings().get(0).message());
        // and the newer one wins whichever area holds it
        MemoryDisk e = twoAreas();
        LvmTestSupport.replaceText(e.head, MDA, LvmTestSupport.text(e.head, MDA).replace("seqno = "
                + MBR.vg().seqno(), "seqno = 1"));
        LvmScan t = scan(e);
        assertEquals("partition 1, metadata area 1", t.volumeGroups().get(0).source());
        assertEquals(MBR.vg().seqno(), t.volumeGroups().get(0).metadata().seqno());
    }

    @Test
    void copiesOfOneSeqnoThatDifferAreInconsistent() throws IOException {
        MemoryDisk d = twoAreas();
        int second = MDA + 512 * 1024 - 2048;
        String text = LvmTestSupport.text(d.head, second);
        LvmTestSupport.replaceText(d.head, second, text.replace("description = \"", "description = \"X"));
        LvmScan s = scan(d);
        assertEquals(List.of("volume-group.inconsistent-metadata"), codes(s));
    }

    @Test
    void anIgnoredAreaIsNoted() throws IOException {
        MemoryDisk d = twoAreas();
        int second = MDA + 512 * 1024 - 2048;
        le(d.head).putInt(second + 40 + 20, RawLocation.FLAG_IGNORED);
        fixMda(d.head, second);
        LvmScan s = scan(d);
        assertEquals(List.of("mda-header.raw-locn-flags"), codes(s));
        assertEquals(Severity.INFO, s.findings().get(0).severity());
        assertEquals(1, s.volumeGroups().size());
    }

    @Test
    void aTruncatedPv() throws IOException {
        MemoryDisk g = mbr();
        long size = g.size() - 3 * 1024 * 1024;
        LvmScan s = scan(new MemoryDisk(g.head, size));
        assertEquals(List.of("pv-header.device-size", "physical-volume.truncated"), codes(s));
        assertEquals(VG + ": pv0 (partition 1) has " + size + " bytes, but its extents run to byte "
                + (MBR.pvs().get(0).peStart() + MBR.pvs().get(0).peCount() * MBR.vg().extentSize()) * 512
                + "; reads past the end of the device fail", s.findings().get(1).message());
        // LVs inside the device still read
        assertTrue(s.volume(VG + "/root").orElseThrow().readable());
        s.volume(VG + "/root").orElseThrow().disk().read(0, ByteBuffer.allocate(4096));
    }

    /** The mbr head as another PV: a new PV uuid in its label (and, when asked, a new VG id in its metadata). */
    private static MemoryDisk otherPv(String newPvBare, String vgIdFrom, String vgIdTo, boolean listIt) {
        MemoryDisk d = mbr();
        byte[] b = d.head;
        String oldPv = new String(b, SECTOR + 32, 32, StandardCharsets.ISO_8859_1);
        System.arraycopy(newPvBare.getBytes(StandardCharsets.ISO_8859_1), 0, b, SECTOR + 32, 32);
        fixLabel(b);
        String text = LvmTestSupport.text(b, MDA).replace(vgIdFrom, vgIdTo);
        if (listIt) {
            text = text.replace(LvmUuid.format(oldPv), LvmUuid.format(newPvBare));
        }
        LvmTestSupport.replaceText(b, MDA, text);
        return d;
    }

    @Test
    void aPvCarryingTheVgsMetadataButNotListedInIt() throws IOException {
        MemoryDisk other = otherPv("Z".repeat(32), "x", "x", false);
        LvmScan s = scan(mbr(), other);
        assertEquals(List.of("volume-group.unlisted-pv"), codes(s));
        assertTrue(s.findings().get(0).message().startsWith("partition 2, metadata area 0 holds metadata of VG " + VG));
    }

    @Test
    void twoVgsOfOneName() throws IOException {
        String otherVgId = "QQQQQQ-QQQQ-QQQQ-QQQQ-QQQQ-QQQQ-QQQQQQ";
        MemoryDisk other = otherPv("Z".repeat(32), MBR.vg().uuid(), otherVgId, true);
        LvmScan s = scan(mbr(), other);
        assertEquals(List.of("volume-group.duplicate-name"), codes(s));
        assertEquals(2, s.volumeGroups().size());
        assertEquals(otherVgId, s.volumeGroups().get(1).metadata().id());
    }

    @Test
    void candidatesThatAreNotPvs() throws IOException {
        byte[] junk = new byte[8192];
        new java.util.Random(1).nextBytes(junk);
        byte[] labelOnly = new byte[4096];
        System.arraycopy("LABELONE".getBytes(), 0, labelOnly, 512, 8);
        MemoryDisk base = new MemoryDisk(junk, 8192);
        LvmScan s = Lvm.scan(List.of(new MemoryDisk(new byte[0], 0), base, new MemoryDisk(labelOnly, 4096),
                new DiskSlice(base, 512, 4096, "slice")));
        assertEquals(0, s.physicalVolumes().size());
        assertEquals(List.of("label.sector-xl"), codes(s));
        assertTrue(s.findings().get(0).message().contains("candidate 2: the label in sector 1 says it is in sector 0"));
        assertThrows(IllegalArgumentException.class, () -> Lvm.scan(List.of(base), List.of()));
    }
}
