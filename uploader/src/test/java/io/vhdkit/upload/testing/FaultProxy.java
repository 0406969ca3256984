package io.vhdkit.upload.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 proxy in front of Azurite that injects faults into chosen requests: connection resets, 503 Server
 * Busy, 500 Operation Timeout, slow answers. Every request it forwards goes upstream on its own connection with
 * {@code Connection: close}, and the answer is relayed as it is.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do with one request. */
    public sealed interface Fault {
        /** Forward it. */
        record Pass() implements Fault {
        }

        /** Read it, then reset the connection without answering. */
        record Reset() implements Fault {
        }

        /** Answer with this status and storage error code without forwarding. */
        record Status(int code, String errorCode) implements Fault {
        }

        /** Wait, then forward. */
        record Delay(long millis) implements Fault {
        }

        Fault PASS = new Pass();
        Fault RESET = new Reset();
        Fault BUSY = new Status(503, "ServerBusy");
        Fault TIMEOUT_500 = new Status(500, "OperationTimedOut");
    }

    /** One request as the rule sees it. */
    public record Request(String method, String target, Map<String, String> headers) {
        public boolean isPutPage() {
            return method.equals("PUT") && target.contains("comp=page");
        }

        public boolean isPageWrite() {
            return isPutPage() && "update".equalsIgnoreCase(headers.getOrDefault("x-ms-page-write", ""));
        }
    }

    /** Decides the fault of each request; {@code n} counts Put Page updates from 1. */
    public interface Rule {
        Fault decide(Request request, int n);
    }

    private final ServerSocket server;
    private final int upstreamPort;
    private volatile Rule rule;
    private final AtomicInteger pageWrites = new AtomicInteger();
    private final AtomicInteger forwardedPageWrites = new AtomicInteger();
    private final AtomicInteger clears = new AtomicInteger();
    private final AtomicLong forwardedBytes = new AtomicLong();
    private final AtomicInteger faults = new AtomicInteger();
    private final Thread acceptor;

    public FaultProxy(int upstreamPort, Rule rule) throws IOException {
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.rule = rule;
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The blob endpoint through the proxy. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/" + Azurite.ACCOUNT;
    }

    public void rule(Rule r) {
        this.rule = r;
    }

    /** Put Page updates seen (faulted or not). */
    public int pageWrites() {
        return pageWrites.get();
    }

    /** Put Page updates forwarded to Azurite. */
    public int forwardedPageWrites() {
        return forwardedPageWrites.get();
    }

    /** Put Page clears seen. */
    public int clears() {
        return clears.get();
    }

    /** Request body bytes forwarded. */
    public long forwardedBytes() {
        return forwardedBytes.get();
    }

    /** Faults injected. */
    public int faults() {
        return faults.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    if (c > 0) {
                        headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
                                lines[i].substring(c + 1).trim());
                    }
                }
                if (headers.containsKey("transfer-encoding")) {
                    throw new IOException("chunked request bodies are not supported by the test proxy");
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                Request req = new Request(requestLine[0], requestLine[1], headers);
                int n = 0;
                if (req.isPageWrite()) {
                    n = pageWrites.incrementAndGet();
                } else if (req.isPutPage()) {
                    clears.incrementAndGet();
                }
                Fault f = rule.decide(req, n);
                if (f instanceof Fault.Reset) {
                    faults.incrementAndGet();
                    client.setSoLinger(true, 0);
                    return;
                }
                if (f instanceof Fault.Status st) {
                    faults.incrementAndGet();
                    byte[] xml = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + st.errorCode()
                            + "</Code><Message>injected by the test proxy</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 " + st.code() + " Injected\r\nContent-Type: application/xml\r\n"
                            + "x-ms-error-code: " + st.errorCode() + "\r\nContent-Length: " + xml.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(xml);
                    out.flush();
                    return;
                }
                if (f instanceof Fault.Delay d) {
                    faults.incrementAndGet();
                    Thread.sleep(d.millis());
                }
                forward(lines, body, out);
                if (req.isPageWrite()) {
                    forwardedPageWrites.incrementAndGet();
                }
                forwardedBytes.addAndGet(body.length);
                return; // the upstream answer said Connection: close
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away or the connection was reset on purpose
        }
    }

    private void forward(String[] lines, byte[] body, OutputStream out) throws IOException {
        try (Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            StringBuilder sb = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(Locale.ROOT);
                if (l.startsWith("connection:") || l.startsWith("upgrade:") || l.startsWith("http2-settings:")) {
                    continue;
                }
                sb.append(lines[i]).append("\r\n");
            }
            sb.append("Connection: close\r\n\r\n");
            OutputStream uo = up.getOutputStream();
            uo.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            uo.write(body);
            uo.flush();
            up.getInputStream().transferTo(out);
            out.flush();
        }
    }

    /** The request line and headers, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = switch (state) {
                case 0, 2 -> c == '\r' ? state + 1 : 0;
                case 1 -> c == '\n' ? 2 : (c == '\r' ? 1 : 0);
                case 3 -> c == '\n' ? 4 : (c == '\r' ? 1 : 0);
                default -> 0;
            };
            if (state == 4) {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 4);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
