package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the checker reports on every image of the corpus: the good ones, the corrupt ones, the non-VHD ones. */
class VhdCorpusCheckTest {

    private final VhdChecker checker = new VhdChecker(VhdTestSupport.CLOCK);

    @ParameterizedTest
    @ValueSource(strings = {"fixed.vhd", "fixed-chs.vhd", "dynamic.vhd", "dynamic-chs.vhd", "fixed-odd.vhd",
            "dynamic-odd.vhd", "fixed-sparse-3g.vhd", "dynamic-sparse-3g.vhd", "diff/child.vhd",
            "diff/grandchild.vhd", "diff/child-of-fixed.vhd", "diff/macx/child.vhd"})
    void goodImagesHaveNoErrors(String name) throws IOException {
        VhdTestSupport.assertNoErrors(checker.check(Fixtures.vhd(name)));
    }

    /**
     * Each corrupt variant gives the finding of its defect. When {@code atManifestOffset} is true the finding sits
     * at the offset {@code corrupt/MANIFEST.tsv} records for the patched field.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "fixed-footer-checksum.vhd        | footer.checksum                 | ERROR   | checksum is 0x00000000 - should be | true",
            "fixed-trailing.vhd               | file.trailing-bytes             | ERROR   | 8192 bytes follow the footer       | true",
            "fixed-truncated.vhd              | file.not-vhd                    | ERROR   | no VHD footer                      | false",
            "fixed-size-too-big.vhd           | footer.current-size             | ERROR   | larger than the 67108864 bytes     | true",
            "fixed-future-timestamp.vhd       | footer.time-stamp               | WARNING | 2100-01-01T00:00:00Z is in the future | true",
            "fixed-bad-features.vhd           | footer.features                 | WARNING | reserved bit 0x00000002            | true",
            "fixed-511.vhd                    | footer.length                   | WARNING | 511-byte legacy footer             | false",
            "dynamic-end-footer-checksum.vhd  | footer.checksum                 | ERROR   | the copy at offset 0 was used      | true",
            "dynamic-end-footer-zeroed.vhd    | footer.cookie                   | ERROR   | has no \"conectix\" cookie         | true",
            "dynamic-footer-copy-mismatch.vhd | footer-copy                     | ERROR   | (time stamp, checksum)             | false",
            "dynamic-header-checksum.vhd      | dynamic-header.checksum         | ERROR   | - should be                        | true",
            "dynamic-block-size.vhd           | dynamic-header.block-size       | ERROR   | not a power of two                 | true",
            "dynamic-bat-beyond-eof.vhd       | bat.entry-0                     | ERROR   | extends past the end of the data area | true",
            "dynamic-bat-overlap.vhd          | bat.entry-2                     | ERROR   | overlaps block 0                   | true",
            "dynamic-bat-into-metadata.vhd    | bat.entry-1                     | ERROR   | overlaps the VHD metadata          | true",
            "dynamic-truncated.vhd            | bat.entry-31                    | ERROR   | the file is truncated              | false",
            "dynamic-max-entries-small.vhd    | dynamic-header.max-table-entries | ERROR  | less than the current size         | true"})
    void corruptVariant(String name, String code, Severity severity, String text, boolean atManifestOffset)
            throws IOException {
        List<Finding> findings = checker.check(Fixtures.vhd("corrupt/" + name));
        Finding f = VhdTestSupport.assertFinding(findings, code, severity, text);
        if (atManifestOffset) {
            assertEquals(manifest().get(name), f.where().offset(), "offset of " + f);
        }
    }

    private static Map<String, Long> manifest() throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.vhd("corrupt/MANIFEST.tsv")).subList(1, 18)) {
            String[] cols = line.split("\t");
            m.put(cols[0], Long.parseLong(cols[2]));
        }
        return m;
    }

    @Test
    void legacyFooterStillReads() throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd("corrupt/fixed-511.vhd"));
             FileByteSource raw = FileByteSource.open(Fixtures.vhd("src/data-64m.raw"))) {
            ByteBuffer ours = ByteBuffer.allocate(1 << 20);
            image.read(image.size() - (1 << 20), ours);
            assertEquals(raw.read(raw.size() - (1 << 20), 1 << 20), ours.flip());
        }
    }

    @Test
    void damagedEndFooterStillReadsThroughTheCopy() throws IOException {
        try (VhdImage image = VhdImage.open(Fixtures.vhd("corrupt/dynamic-end-footer-zeroed.vhd"));
             FileByteSource raw = FileByteSource.open(Fixtures.vhd("src/data-64m.raw"))) {
            ByteBuffer ours = ByteBuffer.allocate(4 << 20);
            image.read(10 << 20, ours);
            assertEquals(raw.read(10 << 20, 4 << 20), ours.flip());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "other/disk.vhdx  | this is a VHDX image",
            "other/disk.qcow2 | this is a QCOW2 image",
            "other/disk.vdi   | this is a VirtualBox VDI image",
            "other/disk.vmdk  | this is a VMDK image",
            "other/mbr.raw    | this is a raw disk image with an MBR (make it a fixed VHD: `vhdkit convert",
            "other/data.vhd.gz | this is a gzip-compressed file (vhdkit validate, inspect and convert read it",
            "other/empty.bin  | too short to hold a VHD footer",
            "other/short.bin  | too short to hold a VHD footer",
            "src/data-64m.raw | no VHD footer"})
    void otherFormatsAreNamed(String name, String text) {
        Path p = Fixtures.vhd(name);
        NotThisFormatException e = assertThrows(NotThisFormatException.class, () -> VhdFile.open(p));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
