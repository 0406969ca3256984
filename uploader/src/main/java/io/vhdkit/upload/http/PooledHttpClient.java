package io.vhdkit.upload.http;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An HTTP/1.1 transport for the Azure SDK's pipeline (signing, retries and headers stay the SDK's), made for Put
 * Page: a keep-alive connection pool per host, each request written in one gathering write of its head and its body
 * straight from the caller's buffer (a direct buffer goes to the socket without a copy; the JDK HttpClient cuts it
 * into 16 KiB pieces through its own queue), the response read on the calling thread with its whole body (the
 * uploader's answers are empty or small: errors, properties, page-range lists, a read-back chunk of at most 4 MiB).
 *
 * <p>http goes over a blocking {@link java.nio.channels.SocketChannel}, https over the JDK's {@code SSLSocket} with
 * the default trust store and host-name verification. Each exchange has a deadline: past it the connection is closed,
 * which fails the request with an {@link IOException} the SDK or the uploader retries; a connection reset, an early
 * end of stream or a malformed answer does the same. No proxy support: {@link #proxyConfigured} tells the caller to
 * use another transport then.
 */
public final class PooledHttpClient implements HttpClient {

    /** Pooled connections idle longer than this are closed rather than reused (the service drops them later). */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Duration connectTimeout;
    private final Duration exchangeTimeout;
    private final int maxIdlePerHost;
    private final Map<String, Deque<Connection>> idle = new HashMap<>();
    private final ScheduledExecutorService watchdog;
    private volatile SSLSocketFactory tls;

    /**
     * @param connectTimeout  the longest a TCP (and TLS) connection may take to open
     * @param exchangeTimeout the longest one request may take from its first byte sent to its last byte received
     * @param maxIdlePerHost  connections kept open per host between requests (the uploader's concurrency)
     */
    public PooledHttpClient(Duration connectTimeout, Duration exchangeTimeout, int maxIdlePerHost) {
        this(connectTimeout, exchangeTimeout, maxIdlePerHost, null);
    }

    /** As above, with the TLS socket factory for https (null: the JDK's default, made on first use). */
    PooledHttpClient(Duration connectTimeout, Duration exchangeTimeout, int maxIdlePerHost, SSLSocketFactory tls) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.exchangeTimeout = exchangeTimeout;
        this.maxIdlePerHost = Math.max(1, maxIdlePerHost);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vhdkit-http-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Whether a proxy is configured for this process (the {@code HTTPS_PROXY}/{@code HTTP_PROXY} environment
     * variables in either case, or the {@code https.proxyHost}/{@code http.proxyHost} system properties): this
     * transport does not go through proxies, so the caller must choose one that does.
     */
    public static boolean proxyConfigured() {
        for (String v : new String[] {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                "all_proxy"}) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) {
                return true;
            }
        }
        return System.getProperty("https.proxyHost") != null || System.getProperty("http.proxyHost") != null;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.fromCallable(() -> sendSync(request, context)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        try {
            return exchange(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse exchange(HttpRequest request) throws IOException {
        URL url = request.getUrl();
        String scheme = url.getProtocol().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!https && !scheme.equals("http")) {
            throw new IOException("unsupported URL scheme " + scheme + " (http and https only)");
        }
        int port = url.getPort() >= 0 ? url.getPort() : url.getDefaultPort();
        String key = scheme + "://" + url.getHost() + ":" + port;
        BinaryData body = request.getBodyAsBinaryData();
        ByteBuffer payload = body == null ? null : body.toByteBuffer();
        ByteBuffer head = ByteBuffer.wrap(head(request, url, port, payload == null ? 0 : payload.remaining())
                .getBytes(StandardCharsets.ISO_8859_1));
        boolean hasBody = request.getHttpMethod() != HttpMethod.HEAD;

        // a pooled connection the server has closed since is noticed (end of stream waiting) and not reused; one
        // closed in the instant between that check and the request fails it, and the caller's retry sends it again
        Connection c = pooled(key);
        if (c == null) {
            c = Connection.open(url.getHost(), port, https ? tlsFactory() : null, connectTimeout);
        }
        return exchangeOn(c, key, request, head, payload, hasBody);
    }

    private HttpResponse exchangeOn(Connection c, String key, HttpRequest request, ByteBuffer head, ByteBuffer body,
                                    boolean hasBody) throws IOException {
        ScheduledFuture<?> deadline = watchdog.schedule(c::expire, exchangeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        boolean reusable = false;
        try {
            c.write(head, body);
            Connection.Answer a = c.readAnswer(hasBody);
            reusable = a.keepAlive();
            return new BufferedHttpResponse(request, a.status(), a.headers(), a.body());
        } catch (IOException e) {
            if (c.expired()) {
                throw new IOException("no complete answer from " + key + " within " + exchangeTimeout.toSeconds()
                        + " s", e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
            if (reusable && !c.expired()) {
                release(key, c);
            } else {
                c.close();
            }
        }
    }

    private String head(HttpRequest request, URL url, int port, long length) {
        StringBuilder h = new StringBuilder(1024);
        String target = url.getFile();
        h.append(request.getHttpMethod()).append(' ').append(target.isEmpty() ? "/" : target).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (HttpHeader header : request.getHeaders()) {
            String name = header.getName();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")
                    || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            host |= name.equalsIgnoreCase("Host");
            String value = header.getValue();
            if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                    || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a line break in the request header " + name);
            }
            h.append(name).append(": ").append(value).append("\r\n");
        }
        if (!host) {
            h.append("Host: ").append(url.getHost());
            if (port != url.getDefaultPort()) {
                h.append(':').append(port);
            }
            h.append("\r\n");
        }
        HttpMethod m = request.getHttpMethod();
        if (length > 0 || m == HttpMethod.PUT || m == HttpMethod.POST || m == HttpMethod.PATCH) {
            h.append("Content-Length: ").append(length).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    private SSLSocketFactory tlsFactory() {
        SSLSocketFactory f = tls;
        if (f == null) {
            f = (SSLSocketFactory) SSLSocketFactory.getDefault();   // built only when an https URL is used
            tls = f;
        }
        return f;
    }

    private Connection pooled(String key) {
        synchronized (idle) {
            Deque<Connection> q = idle.get(key);
            while (q != null && !q.isEmpty()) {
                Connection c = q.pollLast();
                if (System.nanoTime() - c.idleSince() < IDLE_NANOS && !c.closedByPeer()) {
                    return c;
                }
                c.close();
            }
        }
        return null;
    }

    private void release(String key, Connection c) {
        c.markIdle();
        synchronized (idle) {
            Deque<Connection> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (q.size() < maxIdlePerHost) {
                q.addLast(c);
                return;
            }
        }
        c.close();
    }

    /** Closes the pooled connections (requests in progress finish on theirs). */
    public void close() {
        synchronized (idle) {
            idle.values().forEach(q -> q.forEach(Connection::close));
            idle.clear();
        }
        watchdog.shutdownNow();
    }
}
