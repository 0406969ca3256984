package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import io.vhdkit.testing.Fixtures;
import io.vhdkit.testing.Tools;
import io.vhdkit.upload.testing.Azurite;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhdkit upload} of compressed images against Azurite: streamed, container rules checked before sending. */
@ExtendWith(Azurite.Extension.class)
class CompressedUploadCommandTest {

    private final Azurite azurite;
    @TempDir
    Path tmp;

    CompressedUploadCommandTest(Azurite azurite) {
        this.azurite = azurite;
    }

    private Path zst(Path plain) {
        Tools.requireTool("zstd", "zstd");
        Path out = tmp.resolve(plain.getFileName() + ".zst");
        Tools.check("bash", "bash", "-c", "zstd -1 -q -c '" + plain + "' > '" + out + "'");
        return out;
    }

    @Test
    void dynamicVhdInZstdIsStreamed() throws Exception {
        Path packed = zst(Fixtures.vhd("dynamic.vhd"));
        BlobClient blob = azurite.newContainer().getBlobClient("dynamic.vhd");
        String url = Azurite.sasUrl(blob, null);
        CliRun r = CliRun.of("upload", packed.toString(), "--to", url, "--progress", "none", "--journal",
                tmp.resolve("j").toString(), "--verify");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("dynamic VHD in zstd, streamed and converted to fixed on the fly"), r.out());
        assertFalse(r.out().contains(url), "no SAS printed");
        Path qemuRaw = Fixtures.vhd("dynamic.qemu.raw");
        Path got = tmp.resolve("got.vhd");
        Azurite.download(blob, got);
        assertEquals(Files.size(qemuRaw) + 512, Files.size(got));
        assertEquals(UploadCommandTest.sha256(qemuRaw, Files.size(qemuRaw)),
                UploadCommandTest.sha256(got, Files.size(qemuRaw)));
    }

    @Test
    void containerRulesRefuseACompressedImageBeforeSending() throws Exception {
        Path packed = zst(Fixtures.vhd("dynamic-odd.vhd"));
        BlobContainerClient c = azurite.newContainer();
        CliRun r = CliRun.of("upload", packed.toString(), "--connection-string", azurite.connectionString(),
                "--container", c.getBlobContainerName(), "--name", "odd.vhd");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("[vhd/size-not-mib-aligned]"), r.err());
        assertTrue(r.err().contains("nothing was sent"), r.err());
        assertFalse(c.getBlobClient("odd.vhd").exists());
    }
}
