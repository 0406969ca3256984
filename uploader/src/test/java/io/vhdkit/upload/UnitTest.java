package io.vhdkit.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.io.Extent;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the transfer core that need no service. */
class UnitTest {

    private static final int MIB = 1 << 20;

    @Test
    void crc64IsAzureStoragesLittleEndianInBase64() {
        // CRC-64/NVME check value of "123456789" (reflected poly 0x9A6C9329AC4BC9B5, init and xorout all ones):
        // 0xAE8B14860A799888, sent as its 8 bytes little-endian, the encoding of the SDK's own CRC64 policy
        byte[] b = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("iJh5CoYUi64=", PageChecksum.crc64(java.nio.ByteBuffer.wrap(b)));
        assertEquals(PageChecksum.CRC64, UploadOptions.defaults().checksum());
    }

    @Test
    void chunksAreAtMostFourMibAndAligned() {
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.checkChunkSize(8 * MIB));
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.checkChunkSize(4 * MIB + 512));
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.checkChunkSize(1000));
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.checkChunkSize(0));
        ChunkPlan.checkChunkSize(512);
        ChunkPlan.checkChunkSize(4 * MIB);
        assertThrows(IllegalArgumentException.class, () -> UploadOptions.defaults().withChunkSize(8 * MIB));
    }

    @Test
    void planMarksUntouchedChunksAsHoles() {
        long size = 10L * MIB + 512;
        ChunkPlan p = ChunkPlan.of(size, 4 * MIB, List.of(new Extent(5 * MIB, 100), new Extent(10L * MIB, 512)));
        assertEquals(3, p.chunks().size());
        assertTrue(p.chunks().get(0).hole());
        assertFalse(p.chunks().get(1).hole());
        assertFalse(p.chunks().get(2).hole());
        assertEquals(2 * MIB + 512, p.chunks().get(2).length());
        for (Chunk c : p.chunks()) {
            assertEquals(0, c.offset() % 512);
            assertEquals(0, c.length() % 512);
            assertTrue(c.length() <= ChunkPlan.MAX_CHUNK);
        }
        // an extent ending exactly at a chunk start does not touch it
        ChunkPlan q = ChunkPlan.of(8L * MIB, 4 * MIB, List.of(new Extent(0, 4 * MIB)));
        assertFalse(q.chunks().get(0).hole());
        assertTrue(q.chunks().get(1).hole());
    }

    @Test
    void bufferPoolHoldsPageAlignedBuffersOfAnyValidChunkSize() throws InterruptedException {
        for (int size : new int[] {512, 6 * 1024, 4096, 3 * 512 * 1024 + 512, ChunkPlan.MAX_CHUNK}) {
            BufferPool pool = new BufferPool(2, size);
            for (int i = 0; i < 2; i++) {
                ByteBuffer b = pool.lease().buffer();
                assertEquals(size, b.capacity(), "size " + size);
                assertEquals(size, b.remaining());
                assertEquals(0, Native.address(b) % BufferPool.ALIGN, "size " + size);
            }
        }
    }

    @Test
    void bufferPoolLeasesBoundTheChunksInFlightAndBuffersAreMadeOnlyWhenAsked() throws Exception {
        BufferPool pool = new BufferPool(2, 4096);
        BufferPool.Lease a = pool.lease();
        BufferPool.Lease b = pool.lease();
        java.util.concurrent.CompletableFuture<BufferPool.Lease> third = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return pool.lease();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Thread.sleep(100);
        assertFalse(third.isDone(), "a third lease waits while two are out");
        ByteBuffer buf = a.buffer();
        buf.put((byte) 1);
        assertTrue(a.buffer() == buf && a.buffer().position() == 0, "the same buffer, cleared");
        a.close();
        BufferPool.Lease c = third.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(c.buffer() == buf, "a closed lease's buffer is reused, not allocated again");
        assertThrows(IllegalStateException.class, a::close);
        assertThrows(IllegalStateException.class, a::buffer);
        b.close();   // never asked for a buffer
        c.close();
    }

    @Test
    void zeroScan() {
        byte[] b = new byte[4 * MIB];
        assertTrue(Zeros.isAllZero(b, 0, b.length));
        b[b.length - 1] = 1;
        assertFalse(Zeros.isAllZero(b, 0, b.length));
        assertTrue(Zeros.isAllZero(b, 0, b.length - 1));
        b[70_000] = 1;
        assertFalse(Zeros.isAllZero(b, 65_536, 10_000));
    }

    @Test
    void secretsAreRedacted() {
        String url = "https://md-impexp-x.blob.core.windows.net/abc/abcd?sv=2018-03-28&sr=b&si=x&sig=ab%2Bcd%3D&se=1";
        String r = Secrets.redact("failed: " + url);
        assertFalse(r.contains("ab%2Bcd"), r);
        assertTrue(r.contains("sig=REDACTED"), r);
        String cs = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=SECRETKEY==;EndpointSuffix=core";
        assertFalse(Secrets.redact(cs).contains("SECRETKEY"));
        assertFalse(Secrets.redact("BlobEndpoint=x;SharedAccessSignature=sv=1&sig=zz").contains("zz"));
        UploadException e = new UploadException(UploadException.Kind.TRANSFER, "bad " + url,
                new RuntimeException("inner " + url));
        assertFalse(e.getMessage().contains("ab%2Bcd"));
        assertFalse(e.getCause().toString().contains("ab%2Bcd"));
        assertFalse(e.getCause().getMessage().contains("ab%2Bcd"));
        assertEquals("https://a/b", Secrets.withoutQuery("https://a/b?sig=x"));
    }

    @Test
    void aimdShrinksOnThrottlingAndGrowsBack() {
        AdaptiveLimit l = new AdaptiveLimit(16);
        assertEquals(16, l.current());
        l.onThrottle();
        assertEquals(10, l.current());
        l.onThrottle(); // inside the dead band: one overload counts once
        assertEquals(10, l.current());
        for (int i = 0; i < 200; i++) {
            l.onSuccess();
        }
        assertEquals(16, l.current());
        assertEquals(10, l.lowest());
    }

    @Test
    void managedDiskHosts() {
        assertTrue(Targets.isManagedDiskHost("https://md-impexp-t0abc.z22.blob.storage.azure.net/x/abcd?sv=1&sig=2"));
        assertTrue(Targets.isManagedDiskHost("https://md-hdd-xyz.z1.blob.storage.azure.net/x/abcd"));
        assertFalse(Targets.isManagedDiskHost("https://myaccount.blob.core.windows.net/vhds/a.vhd"));
    }

    @Test
    void prewarmSendsNothingAnywhereAndNeverThrows() {
        Targets.prewarm();   // one Put Page refused by a closed loopback port, swallowed
        Targets.prewarm();
    }

    @Test
    void ownTransportUnlessAProxyOrTheJdkClientIsAskedFor() {
        boolean fallback = "jdk".equalsIgnoreCase(System.getenv(Targets.TRANSPORT_ENV))
                || io.vhdkit.upload.http.PooledHttpClient.proxyConfigured();
        assertEquals(!fallback, Targets.httpClient(java.time.Duration.ofSeconds(5), 4)
                instanceof io.vhdkit.upload.http.PooledHttpClient);
    }
}
