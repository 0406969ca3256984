package io.vhdkit.validator.linux;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Zstandard decompression through the system's libzstd (present wherever apt or dpkg is: Debian's libzstd1) when it
 * can be loaded, else aircompressor's pure-Java decoder. A Debian cloud kernel's initramfs is about 50 MB of zstd
 * output: libzstd decodes it several times faster than the Java decoder, which matters when a validation should take
 * about a second. The input is one frame already checked by {@link ZstdFrame} (window at most 128 MiB); libzstd
 * itself is fuzzed continuously upstream. {@code -Dvhdkit.zstd.native=false} forces the Java decoder.
 */
final class NativeZstd extends InputStream {

    /** A frame libzstd reports as damaged. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /** The functions of zstd.h's streaming decompression API used here. */
    interface Lib extends Library {
        Pointer ZSTD_createDStream();

        long ZSTD_freeDStream(Pointer zds);

        long ZSTD_initDStream(Pointer zds);

        long ZSTD_decompressStream(Pointer zds, Buffer output, Buffer input);

        int ZSTD_isError(long code);

        String ZSTD_getErrorName(long code);

        long ZSTD_DStreamInSize();

        long ZSTD_DStreamOutSize();
    }

    /** ZSTD_inBuffer and ZSTD_outBuffer: {src or dst, size, pos}, size_t being 64 bits (checked at load). */
    @Structure.FieldOrder({"buffer", "size", "pos"})
    public static final class Buffer extends Structure {
        public Pointer buffer;
        public long size;
        public long pos;
    }

    private static final Optional<Lib> LIB = load();

    private final InputStream in;
    private final Lib lib;
    private final Pointer stream;
    private final Memory inMem;
    private final Memory outMem;
    private final Buffer input = new Buffer();
    private final Buffer output = new Buffer();
    private final byte[] transfer;
    private long outAvailable;
    private long outRead;
    private long lastResult = 1;   // 0 once a frame is complete
    private boolean inputEnded;
    private boolean closed;

    private NativeZstd(InputStream in, Lib lib) throws IOException {
        this.in = in;
        this.lib = lib;
        this.stream = lib.ZSTD_createDStream();
        if (stream == null) {
            throw new IOException("libzstd could not allocate a decompression stream");
        }
        check(lib.ZSTD_initDStream(stream));
        int inSize = (int) Math.min(lib.ZSTD_DStreamInSize(), 1 << 20);
        int outSize = (int) Math.min(lib.ZSTD_DStreamOutSize(), 1 << 20);
        inMem = new Memory(inSize);
        outMem = new Memory(outSize);
        transfer = new byte[Math.max(inSize, outSize)];
        input.buffer = inMem;
        input.size = 0;
        input.pos = 0;
    }

    /** A decoder of the zstd frame {@code frame}: native when libzstd loads, else the pure-Java one. */
    static InputStream open(InputStream frame) throws IOException {
        return LIB.isPresent() ? new NativeZstd(frame, LIB.get()) : new ZstdInputStream(frame);
    }

    /** Whether libzstd is used. */
    static boolean nativeAvailable() {
        return LIB.isPresent();
    }

    private static Optional<Lib> load() {
        if ("false".equals(System.getProperty("vhdkit.zstd.native")) || Native.SIZE_T_SIZE != 8) {
            return Optional.empty();
        }
        for (String name : new String[] {"zstd", "libzstd.so.1"}) {
            try {
                return Optional.of(Native.load(name, Lib.class));
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // try the next name, then fall back to the Java decoder
            }
        }
        return Optional.empty();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (outRead == outAvailable) {
            if (!decodeMore()) {
                return -1;
            }
        }
        int n = (int) Math.min(len, outAvailable - outRead);
        outMem.read(outRead, b, off, n);
        outRead += n;
        return n;
    }

    /** Runs the decoder once; false at the end of the frame. */
    private boolean decodeMore() throws IOException {
        if (input.pos == input.size) {
            if (lastResult == 0) {
                return false;   // the frame is complete and nothing follows it
            }
            int n = inputEnded ? -1 : in.read(transfer, 0, (int) inMem.size());
            if (n < 0) {
                inputEnded = true;
                throw new Malformed("the zstd frame ends early (libzstd wants more input)");
            }
            inMem.write(0, transfer, 0, n);
            input.size = n;
            input.pos = 0;
        }
        output.buffer = outMem;
        output.size = outMem.size();
        output.pos = 0;
        lastResult = check(lib.ZSTD_decompressStream(stream, output, input));
        outAvailable = output.pos;
        outRead = 0;
        return true;
    }

    private long check(long code) throws Malformed {
        if (lib.ZSTD_isError(code) != 0) {
            throw new Malformed("libzstd: " + lib.ZSTD_getErrorName(code));
        }
        return code;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            lib.ZSTD_freeDStream(stream);
            in.close();
        }
    }
}
