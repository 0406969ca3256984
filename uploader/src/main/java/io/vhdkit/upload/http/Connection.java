package io.vhdkit.upload.http;

import com.azure.core.http.HttpHeaders;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection: a blocking socket channel for http (gathering writes, direct buffers without a copy), an
 * {@link SSLSocket} for https. Not thread-safe: the pool hands it to one request at a time.
 */
final class Connection {

    /** The most header bytes an answer may have (Azure's are a few hundred). */
    static final int MAX_HEAD = 64 * 1024;
    /** The longest body read into memory (the uploader reads back chunks of at most 4 MiB). */
    static final long MAX_BODY = 256L << 20;
    private static final int COPY = 64 * 1024;

    /** A response: status, headers, body, and whether the connection may carry another request. */
    record Answer(int status, HttpHeaders headers, byte[] body, boolean keepAlive) {
    }

    private final SocketChannel channel;   // http
    private final Socket socket;           // https (an SSLSocket), or the channel's socket
    private final InputStream in;
    private final OutputStream tlsOut;
    private volatile boolean expired;
    private long idleSince;
    private byte[] copy;

    private Connection(SocketChannel channel, Socket socket, InputStream in, OutputStream tlsOut) {
        this.channel = channel;
        this.socket = socket;
        this.in = in;
        this.tlsOut = tlsOut;
    }

    static Connection open(String host, int port, SSLSocketFactory tls, Duration connectTimeout) throws IOException {
        int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        if (tls == null) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(new InetSocketAddress(host, port), timeout);
                ch.socket().setTcpNoDelay(true);
                return new Connection(ch, ch.socket(), new BufferedInputStream(Channels.newInputStream(ch), COPY),
                        null);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), timeout);
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(timeout);   // the handshake; the exchange deadline covers the rest
            SSLSocket s = (SSLSocket) tls.createSocket(plain, host, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            plain.setSoTimeout(0);
            return new Connection(null, s, new BufferedInputStream(s.getInputStream(), COPY), s.getOutputStream());
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Sends a request's head and body. */
    void write(ByteBuffer head, ByteBuffer body) throws IOException {
        if (channel != null) {
            ByteBuffer[] parts = body == null ? new ByteBuffer[] {head} : new ByteBuffer[] {head, body};
            while (head.hasRemaining() || (body != null && body.hasRemaining())) {
                channel.write(parts);
            }
        } else {
            writeTo(tlsOut, head);
            if (body != null) {
                writeTo(tlsOut, body);
            }
            tlsOut.flush();
        }
    }


    private void writeTo(OutputStream out, ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
            return;
        }
        if (copy == null) {
            copy = new byte[COPY];
        }
        while (b.hasRemaining()) {
            int n = Math.min(copy.length, b.remaining());
            b.get(copy, 0, n);
            out.write(copy, 0, n);
        }
    }

    /**
     * Reads one answer (skipping 1xx interim ones) with its whole body.
     *
     * @param bodyAllowed false for the answer to a HEAD request, which has none whatever its Content-Length says
     */
    Answer readAnswer(boolean bodyAllowed) throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new EOFException("the server closed the connection without an answer");
            }
            String statusLine = line(first);
            // HTTP-version SP status-code SP [reason-phrase] (RFC 9112 section 4)
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new IOException("not an HTTP/1.x status line: " + printable(statusLine));
            }
            int status;
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("bad status code in " + printable(statusLine));
            }
            boolean http10 = statusLine.startsWith("HTTP/1.0");
            HttpHeaders headers = new HttpHeaders();
            int headBytes = statusLine.length();
            for (int n = 0; ; n++) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("the answer's headers were cut off");
                }
                String l = line(c);
                if (l.isEmpty()) {
                    break;
                }
                headBytes += l.length();
                if (headBytes > MAX_HEAD || n > 500) {
                    throw new IOException("the answer's headers exceed " + MAX_HEAD + " bytes");
                }
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed header line: " + printable(l));
                }
                headers.add(l.substring(0, colon).trim(), l.substring(colon + 1).trim());
            }
            if (status >= 100 && status < 200) {
                continue;   // 100 Continue and friends: the real answer follows
            }
            String connection = lower(headers.getValue("Connection"));
            boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
            if (!bodyAllowed || status == 204 || status == 304) {
                return new Answer(status, headers, new byte[0], keepAlive);
            }
            String te = lower(headers.getValue("Transfer-Encoding"));
            if (te.contains("chunked")) {
                return new Answer(status, headers, chunked(), keepAlive);
            }
            if (!te.isEmpty()) {
                throw new IOException("unsupported Transfer-Encoding " + printable(te));
            }
            String cl = headers.getValue("Content-Length");
            if (cl != null) {
                long length;
                try {
                    length = Long.parseLong(cl.trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length " + printable(cl));
                }
                if (length < 0 || length > MAX_BODY) {
                    throw new IOException("Content-Length " + length + " is out of range (0 to " + MAX_BODY + ")");
                }
                return new Answer(status, headers, exactly((int) length), keepAlive);
            }
            return new Answer(status, headers, untilEnd(), false);
        }
    }

    private byte[] exactly(int length) throws IOException {
        byte[] b = new byte[length];
        int off = 0;
        while (off < length) {
            int n = in.read(b, off, length - off);
            if (n < 0) {
                throw new EOFException("the answer's body ended after " + off + " of " + length + " bytes");
            }
            off += n;
        }
        return b;
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the chunked body was cut off");
            }
            String sizeLine = line(c);
            int semi = sizeLine.indexOf(';');   // chunk extensions are ignored
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size " + printable(sizeLine));
            }
            if (size < 0 || out.size() + size > MAX_BODY) {
                throw new IOException("the chunked body exceeds " + MAX_BODY + " bytes");
            }
            if (size == 0) {
                // trailers, up to the empty line
                for (int n = 0; ; n++) {
                    int t = in.read();
                    if (t < 0) {
                        throw new EOFException("the chunked body's trailer was cut off");
                    }
                    if (line(t).isEmpty()) {
                        return out.toByteArray();
                    }
                    if (n > 100) {
                        throw new IOException("too many trailer lines");
                    }
                }
            }
            out.write(exactly((int) size));
            int cr = in.read();
            int lf = in.read();
            if (cr != '\r' || lf != '\n') {
                throw new IOException("a chunk is not followed by CRLF");
            }
        }
    }

    private byte[] untilEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[COPY];
        for (int n; (n = in.read(b)) >= 0; ) {
            out.write(b, 0, n);
            if (out.size() > MAX_BODY) {
                throw new IOException("the answer's body exceeds " + MAX_BODY + " bytes");
            }
        }
        return out.toByteArray();
    }

    /** A line (CRLF or LF ended) starting with {@code first}, without its end. */
    private String line(int first) throws IOException {
        StringBuilder s = new StringBuilder(64);
        int c = first;
        while (c != '\n') {
            if (c < 0) {
                throw new EOFException("the answer was cut off in a line");
            }
            if (s.length() >= MAX_HEAD) {
                throw new IOException("an answer line exceeds " + MAX_HEAD + " bytes");
            }
            s.append((char) c);
            c = in.read();
        }
        int len = s.length();
        if (len > 0 && s.charAt(len - 1) == '\r') {
            s.setLength(len - 1);
        }
        return s.toString();
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + new String(t.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.US_ASCII)
                .replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    /** The exchange deadline passed: closing the socket fails the blocked read or write. */
    void expire() {
        expired = true;
        close();
    }

    boolean expired() {
        return expired;
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    long idleSince() {
        return idleSince;
    }

    /** Whether the server closed the idle connection already (an end of stream is waiting to be read). */
    boolean closedByPeer() {
        try {
            if (in.available() > 0) {
                return true;   // bytes nobody asked for: the connection is out of step, do not reuse it
            }
            if (channel != null) {
                channel.configureBlocking(false);
                try {
                    ByteBuffer one = ByteBuffer.allocate(1);
                    int n = channel.read(one);
                    return n != 0;   // -1: closed; 1: unexpected bytes
                } finally {
                    channel.configureBlocking(true);
                }
            }
            return socket.isClosed() || socket.isInputShutdown();
        } catch (IOException e) {
            return true;
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
