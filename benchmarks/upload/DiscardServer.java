import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
        ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 512, InetAddress.getLoopbackAddress());
        System.out.println("discard endpoint http://127.0.0.1:" + server.getLocalPort() + "/devstoreaccount1");
        while (true) {
            Socket s = server.accept();
            Thread t = new Thread(() -> serve(s));
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(Socket s) {
        byte[] sink = new byte[1 << 20];
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
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
                for (long left = length; left > 0; ) {
                    int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                    if (n < 0) {
                        return;
                    }
                    left -= n;
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
                out.write(("HTTP/1.1 " + status + "\r\n" + h + "x-ms-request-id: 0\r\nx-ms-version: 2026-06-06\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException e) {
            // client gone
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(512);
        int state = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            if ((state == 0 || state == 2) && c == '\r') {
                state++;
            } else if ((state == 1 || state == 3) && c == '\n') {
                state++;
            } else {
                state = c == '\r' ? 1 : 0;
            }
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }
}
