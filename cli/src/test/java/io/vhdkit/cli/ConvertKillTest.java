package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.vhd.DiskType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temp-and-rename rule: a convert killed with SIGKILL midway (a child JVM) leaves nothing under the final name
 * and the input untouched; a later run succeeds.
 */
class ConvertKillTest {

    static final long SIZE = 768L * 1024 * 1024;

    @Test
    void killedConvertLeavesNoOutputAndTheInputUntouched(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.raw");
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        try (FileChannel ch = FileChannel.open(in, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long at = 0; at < SIZE; at += chunk.length) {
                chunk[0] = (byte) (at >>> 20); // every MiB differs
                ch.write(ByteBuffer.wrap(chunk), at);
            }
        }
        String before = ConvertCommandTest.sha256(in);
        Path out = dir.resolve("out.vhd");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "convert", "--source-format", "raw",
                in.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean killed = false;
        while (System.nanoTime() < deadline) {
            List<Path> partial = ConvertCommandTest.partials(dir);
            if (!partial.isEmpty() && Files.size(partial.get(0)) > 0) {
                p.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no finally block runs
                killed = true;
                break;
            }
            if (!p.isAlive()) {
                fail("the child finished before it could be killed: " + Files.readString(dir.resolve("child.log")));
            }
            Thread.sleep(2);
        }
        assertTrue(killed, "no partial file appeared");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        assertFalse(Files.exists(out), "nothing under the final name");
        assertEquals(before, ConvertCommandTest.sha256(in), "the input is untouched");
        List<Path> left = ConvertCommandTest.partials(dir);
        assertEquals(1, left.size(), "the killed run's temporary file is left, under its own name");
        assertTrue(left.get(0).getFileName().toString().startsWith(".out.vhd."));
        // a new run is not disturbed by the leftover and produces the output
        CliRun r = CliRun.of("convert", "--source-format", "raw", in.toString(), out.toString());
        assertEquals(0, r.exit(), r::toString);
        ConvertCommandTest.assertCleanVhd(out, DiskType.FIXED, SIZE);
        assertEquals(before, ConvertCommandTest.sha256(in));
    }
}
