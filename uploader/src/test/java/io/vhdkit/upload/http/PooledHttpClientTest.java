package io.vhdkit.upload.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against a local socket server that answers each request with scripted bytes. */
class PooledHttpClientTest {

    @TempDir
    Path tmp;

    /** A request as the server saw it. */
    record Seen(String method, String target, Map<String, String> headers, byte[] body, int connection) {
    }

    /** Answers one request by writing raw bytes (or misbehaving) on the socket. */
    interface Script {
        void answer(Seen request, int n, Socket s, OutputStream out) throws IOException;
    }

    /** A server that reads HTTP/1.1 requests (Content-Length bodies) and lets a script answer them. */
    static final class Server implements Closeable {
        final ServerSocket socket;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final AtomicInteger requests = new AtomicInteger();

        Server(ServerSocketFactory factory, Script script) throws IOException {
            socket = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        int id = connections.incrementAndGet();
                        Thread c = new Thread(() -> serve(s, id, script));
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        Server(Script script) throws IOException {
            this(ServerSocketFactory.getDefault(), script);
        }

        private void serve(Socket s, int id, Script script) {
            try (s) {
                InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String[] lines = head.split("\r\n");
                    String[] rl = lines[0].split(" ");
                    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        h.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                    }
                    int length = Integer.parseInt(h.getOrDefault("Content-Length", "0"));
                    byte[] body = in.readNBytes(length);
                    Seen r = new Seen(rl[0], rl[1], h, body, id);
                    seen.add(r);
                    script.answer(r, requests.incrementAndGet(), s, out);
                    out.flush();
                    if (s.isClosed()) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int last4 = 0;
            for (int c; (c = in.read()) >= 0; ) {
                b.write(c);
                last4 = (last4 << 8) | c;
                if (last4 == 0x0d0a0d0a) {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        String url(String path) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static final Script CREATED = (r, n, s, out) -> write(out, "HTTP/1.1 201 Created\r\n"
            + "x-ms-request-id: " + n + "\r\nContent-Length: 0\r\n\r\n");

    private static PooledHttpClient client() {
        return new PooledHttpClient(Duration.ofSeconds(5), Duration.ofSeconds(20), 4);
    }

    private static HttpResponse put(PooledHttpClient c, String url, BinaryData body) {
        HttpHeaders h = new HttpHeaders().set("x-ms-range", "bytes=0-511").set("Content-Length", "999");
        return c.sendSync(new HttpRequest(HttpMethod.PUT, url).setHeaders(h).setBody(body), Context.NONE);
    }

    @Test
    void bodiesGoWholeFromDirectAndHeapBuffersOverOneKeptAliveConnection() throws Exception {
        byte[] data = new byte[(1 << 20) + 17];   // not a multiple of anything
        new Random(6).nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 100);
        direct.position(100);
        direct.put(data).position(100);
        ByteBuffer directBody = direct.slice();
        try (Server server = new Server(CREATED)) {
            PooledHttpClient c = client();
            String url = server.url("/devstoreaccount1/c/b?comp=page&sig=x%2By");
            for (int i = 0; i < 3; i++) {
                HttpResponse r = put(c, url, BinaryData.fromByteBuffer(directBody.asReadOnlyBuffer()));
                assertEquals(201, r.getStatusCode());
                assertEquals(String.valueOf(i + 1), r.getHeaderValue("x-ms-request-id"));
            }
            put(c, url, BinaryData.fromBytes(data));
            assertEquals(1, server.connections.get(), "the connection is kept alive and reused");
            assertEquals(4, server.seen.size());
            for (Seen s : server.seen) {
                assertEquals("PUT", s.method());
                assertEquals("/devstoreaccount1/c/b?comp=page&sig=x%2By", s.target());
                assertArrayEquals(data, s.body());
                assertEquals(String.valueOf(data.length), s.headers().get("Content-Length"),
                        "Content-Length is the body's, whatever the request said");
                assertEquals("127.0.0.1:" + server.socket.getLocalPort(), s.headers().get("Host"));
                assertEquals("bytes=0-511", s.headers().get("x-ms-range"));
            }
            c.close();
        }
    }

    @Test
    void putWithoutBodySaysContentLengthZero() throws Exception {
        try (Server server = new Server(CREATED)) {
            PooledHttpClient c = client();
            c.sendSync(new HttpRequest(HttpMethod.PUT, server.url("/a")), Context.NONE);
            assertEquals("0", server.seen.get(0).headers().get("Content-Length"));
            c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/a")), Context.NONE);
            assertNull(server.seen.get(1).headers().get("Content-Length"));
        }
    }

    @Test
    void chunkedBodiesAreDecodedAndBodiesUntilCloseEndTheConnection() throws Exception {
        try (Server server = new Server((r, n, s, out) -> {
            if (n == 1) {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n"
                        + "0\r\nX-Trailer: 1\r\n\r\n");
            } else if (n == 2) {
                write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
                s.close();
            } else {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlast");
            }
        })) {
            PooledHttpClient c = client();
            assertEquals("hello world", c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/1")), Context.NONE)
                    .getBodyAsBinaryData().toString());
            assertEquals("until the end", c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/2")),
                    Context.NONE).getBodyAsBinaryData().toString());
            assertEquals("last", c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/3")), Context.NONE)
                    .getBodyAsString().block());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    void headAnswersHaveNoBodyAndInterimAnswersAreSkipped() throws Exception {
        try (Server server = new Server((r, n, s, out) -> {
            if (r.method().equals("HEAD")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\nx-ms-blob-type: PageBlob\r\n\r\n");
            } else {
                write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing");
            }
        })) {
            PooledHttpClient c = client();
            HttpResponse h = c.sendSync(new HttpRequest(HttpMethod.HEAD, server.url("/b")), Context.NONE);
            assertEquals(200, h.getStatusCode());
            assertEquals("4194304", h.getHeaderValue("content-length"));
            assertEquals(0, h.getBodyAsBinaryData().toBytes().length);
            HttpResponse g = c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/b")), Context.NONE);
            assertEquals(404, g.getStatusCode());
            assertEquals("missing", g.getBodyAsBinaryData().toString());
            assertEquals(1, server.connections.get());
        }
    }

    @Test
    void aResetBeforeTheAnswerIsAnIoErrorTheCallerRetries() throws Exception {
        try (Server server = new Server((r, n, s, out) -> {
            s.setSoLinger(true, 0);
            s.close();   // RST
        })) {
            PooledHttpClient c = client();
            assertThrows(UncheckedIOException.class, () -> put(c, server.url("/r"), BinaryData.fromBytes(new byte[512])));
        }
    }

    @Test
    void aStalledAnswerTimesOut() throws Exception {
        try (Server server = new Server((r, n, s, out) -> {
            write(out, "HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nabc");   // then nothing
        })) {
            PooledHttpClient c = new PooledHttpClient(Duration.ofSeconds(5), Duration.ofMillis(300), 4);
            long t0 = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> put(c, server.url("/s"), BinaryData.fromBytes(new byte[512])));
            assertTrue(e.getMessage().contains("within"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsNotReused() throws Exception {
        try (Server server = new Server((r, n, s, out) -> {
            CREATED.answer(r, n, s, out);
            out.flush();
            s.close();   // keep-alive was implied, but the server drops it (as Azure does after idling)
        })) {
            PooledHttpClient c = client();
            put(c, server.url("/1"), BinaryData.fromBytes(new byte[512]));
            Thread.sleep(200);
            assertEquals(201, put(c, server.url("/2"), BinaryData.fromBytes(new byte[512])).getStatusCode());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    void malformedAnswersAreIoErrors() throws Exception {
        String[] bad = {
            "FTP 200 OK\r\n\r\n",
            "HTTP/1.1 2x1 Created\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n",
        };
        for (String answer : bad) {
            try (Server server = new Server((r, n, s, out) -> {
                write(out, answer);
                out.flush();
                s.close();
            })) {
                PooledHttpClient c = client();
                assertThrows(UncheckedIOException.class,
                        () -> c.sendSync(new HttpRequest(HttpMethod.GET, server.url("/m")), Context.NONE),
                        answer.substring(0, Math.min(60, answer.length())));
            }
        }
    }

    @Test
    void headerValuesWithLineBreaksAreRefused() throws Exception {
        try (Server server = new Server(CREATED)) {
            PooledHttpClient c = client();
            HttpRequest r = new HttpRequest(HttpMethod.GET, server.url("/h"));
            r.setHeader("x-ms-meta-a", "1\r\nInjected: yes");
            assertThrows(IllegalArgumentException.class, () -> c.sendSync(r, Context.NONE));
        }
    }

    @Test
    void otherSchemesAreRefused() {
        PooledHttpClient c = client();
        assertThrows(UncheckedIOException.class,
                () -> c.sendSync(new HttpRequest(HttpMethod.GET, "ftp://127.0.0.1/x"), Context.NONE));
    }

    @Test
    void httpsWithTheHostsCertificateWorksAndAnotherNameIsRefused() throws Exception {
        Path ks = tmp.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-alias", "s", "-keyalg", "EC", "-dname",
                "CN=localhost", "-ext", "SAN=dns:localhost", "-validity", "2").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        try (Server server = new Server(ctx.getServerSocketFactory(), CREATED)) {
            PooledHttpClient c = new PooledHttpClient(Duration.ofSeconds(5), Duration.ofSeconds(20), 2,
                    ctx.getSocketFactory());
            int port = server.socket.getLocalPort();
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
            for (int i = 0; i < 2; i++) {
                HttpResponse r = put(c, "https://localhost:" + port + "/c/b?comp=page",
                        BinaryData.fromByteBuffer(direct.asReadOnlyBuffer()));
                assertEquals(201, r.getStatusCode());
            }
            assertArrayEquals(data, server.seen.get(1).body());
            assertEquals(1, server.connections.get());
            // the certificate names localhost, not 127.0.0.1
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> put(c, "https://127.0.0.1:"
                    + port + "/c/b", BinaryData.fromBytes(data)));
            assertTrue(e.getCause().getClass().getName().toLowerCase(Locale.ROOT).contains("ssl"),
                    e.getCause().toString());
        }
    }
}
