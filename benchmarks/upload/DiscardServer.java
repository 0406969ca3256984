import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * java benchmarks/upload/DiscardServer.java PORT: a page-blob endpoint that stores nothing. It answers Get Blob
 * Properties (404 until the blob is created, then its length), Put Blob (create), Put Page (the body is read and
 * dropped) and Set Blob Properties/Metadata, so that `vhdkit upload` can be timed without a storage service: the
 * client pipeline alone (read, zero scan, MD5, HTTP). Not a storage emulator: nothing is kept, nothing is checked.
 */
public class DiscardServer {
    static final ConcurrentHashMap<String, Long> SIZES = new ConcurrentHashMap<>();

    public static void main(String[] args) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 512);
        System.out.println("discard endpoint http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort()
                + "/devstoreaccount1");
        while (true) {
            SocketChannel s = server.accept();
            Thread t = new Thread(() -> serve(s));
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * One connection's requests. Bodies are read straight into one direct buffer and dropped: one copy out of the
     * kernel, no copy to the Java heap, so that this server, which shares the machine's cores with the client it
     * measures, takes as little of them as it can.
     */
    static void serve(SocketChannel s) {
        ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20).flip();
        try (s) {
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            while (true) {
                String head = readHead(s, buf);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] rl = lines[0].split(" ");
                String method = rl[0];
                String path = rl[1].split("\\?")[0];
                String query = rl[1].contains("?") ? rl[1].substring(rl[1].indexOf('?')) : "";
                long length = 0;
                long blobLength = -1;
                for (String l : lines) {
                    String lower = l.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(l.substring(15).trim());
                    } else if (lower.startsWith("x-ms-blob-content-length:")) {
                        blobLength = Long.parseLong(l.substring(25).trim());
                    }
                }
                long left = length;
                int buffered = (int) Math.min(buf.remaining(), left);
                buf.position(buf.position() + buffered);
                left -= buffered;
                while (left > 0) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    int n = s.read(buf);
                    if (n < 0) {
                        return;
                    }
                    left -= n;
                    buf.position(buf.limit()); // consumed: nothing buffered past the body
                }
                String status;
                StringBuilder h = new StringBuilder();
                if (method.equals("HEAD")) {
                    Long size = SIZES.get(path);
                    if (size == null) {
                        status = "404 The specified blob does not exist.";
                        h.append("x-ms-error-code: BlobNotFound\r\nContent-Length: 0\r\n");
                    } else {
                        status = "200 OK";
                        h.append("Content-Length: ").append(size).append("\r\nx-ms-blob-type: PageBlob\r\n")
                                .append("Content-Type: application/octet-stream\r\n")
                                .append("Last-Modified: Sun, 22 Nov 2026 00:00:00 GMT\r\nETag: \"0x1\"\r\n");
                    }
                } else if (method.equals("PUT") && !query.contains("comp=")) {
                    SIZES.put(path, blobLength);
                    status = "201 Created";
                    h.append("Content-Length: 0\r\nETag: \"0x1\"\r\nLast-Modified: Sun, 22 Nov 2026 00:00:00 GMT\r\n");
                } else if (method.equals("PUT") && query.contains("comp=page")) {
                    status = "201 Created";
                    h.append("Content-Length: 0\r\nETag: \"0x1\"\r\nx-ms-blob-sequence-number: 0\r\n")
                            .append("Last-Modified: Sun, 22 Nov 2026 00:00:00 GMT\r\n");
                } else {
                    status = "200 OK";
                    h.append("Content-Length: 0\r\nETag: \"0x1\"\r\n");
                }
                ByteBuffer reply = ByteBuffer.wrap(("HTTP/1.1 " + status + "\r\n" + h
                        + "x-ms-request-id: 0\r\nx-ms-version: 2026-06-06\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                while (reply.hasRemaining()) {
                    s.write(reply);
                }
            }
        } catch (IOException e) {
            // client gone
        }
    }

    /** The request head, taken from {@code buf} (refilled from {@code s} as needed); null at the end of the stream. */
    static String readHead(SocketChannel s, ByteBuffer buf) throws IOException {
        StringBuilder b = new StringBuilder(512);
        int state = 0;
        while (true) {
            if (!buf.hasRemaining()) {
                buf.clear().limit(64 << 10);
                if (s.read(buf) < 0) {
                    return null;
                }
                buf.flip();
                continue;
            }
            int c = buf.get() & 0xff;
            b.append((char) c);
            if ((state == 0 || state == 2) && c == '\r') {
                state++;
            } else if ((state == 1 || state == 3) && c == '\n') {
                state++;
            } else {
                state = c == '\r' ? 1 : 0;
            }
            if (state == 4) {
                return b.toString();
            }
        }
    }
}
