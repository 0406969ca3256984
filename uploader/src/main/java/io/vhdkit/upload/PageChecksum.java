package io.vhdkit.upload;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The transactional check sent with every Put Page, which the service verifies before it writes the pages (a
 * mismatch is refused with 400 and retried).
 *
 * <p>{@link #CRC64} is the default: Azure Storage's CRC-64 (the one the SDK computes for
 * {@code ContentValidationAlgorithm.CRC64}: {@code StorageCrc64Calculator}; ours is {@link Crc64}, over the chunk's
 * direct buffer), its value's 8 bytes little-endian in
 * base64, header {@code x-ms-content-crc64}) runs at about 1 GB/s per core here, MD5 at 300-400 MB/s, which on a
 * 2-core machine capped the whole upload below 600 MB/s. {@link #MD5} sends {@code Content-MD5} as before; Azurite
 * checks only that one (it ignores {@code x-ms-content-crc64}), so tests that need the service to reject a corrupt
 * body use MD5.
 */
public enum PageChecksum {
    /** {@code x-ms-content-crc64}. */
    CRC64,
    /** {@code Content-MD5}. */
    MD5;

    /** The request header carrying a CRC-64. */
    static final HttpHeaderName CRC64_HEADER = HttpHeaderName.fromString("x-ms-content-crc64");
    /** The per-call context key under which {@link Crc64Policy} finds the header's value. */
    static final String CONTEXT_KEY = "vhdkit-content-crc64";

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Uploader::md5);

    /** The MD5 of the buffer's remaining bytes (the buffer is left as it was). */
    static byte[] md5(ByteBuffer b) {
        MessageDigest d = DIGEST.get();
        d.reset();
        d.update(b.duplicate());
        return d.digest();
    }

    /** The {@code x-ms-content-crc64} value of the buffer's remaining bytes (the buffer is left as it was). */
    static String crc64(ByteBuffer b) {
        return header(Crc64.of(b));
    }

    /** The header's form of a CRC-64: its 8 bytes little-endian, in base64 (as the SDK's CRC-64 policy sends it). */
    static String header(long crc) {
        byte[] le = new byte[8];
        for (int i = 0; i < 8; i++) {
            le[i] = (byte) (crc >>> (8 * i));
        }
        return Base64.getEncoder().encodeToString(le);
    }

    /**
     * Sets {@code x-ms-content-crc64} from the call's context. Per call, so before the retry and signing policies:
     * a shared-key signature covers every {@code x-ms-} header.
     */
    static final class Crc64Policy extends HttpPipelineSyncPolicy {
        @Override
        protected void beforeSendingRequest(HttpPipelineCallContext context) {
            context.getData(CONTEXT_KEY).ifPresent(v -> context.getHttpRequest().setHeader(CRC64_HEADER,
                    v.toString()));
        }

        @Override
        public HttpPipelinePosition getPipelinePosition() {
            return HttpPipelinePosition.PER_CALL;
        }
    }
}
