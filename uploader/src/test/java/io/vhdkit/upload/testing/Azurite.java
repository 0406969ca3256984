package io.vhdkit.upload.testing;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Azurite, the real Azure Storage emulator (npm package {@code azurite}), started once per test run on a free
 * loopback port with in-memory storage, and stopped at the end. Tests get it as a parameter:
 * {@code @ExtendWith(Azurite.Extension.class)} and a {@code Azurite azurite} argument.
 *
 * <p>Found as {@code $VHDKIT_AZURITE} (the {@code azurite-blob} script), {@code azurite-blob} on the PATH, or
 * {@code ~/.cache/vhdkit-azurite/node_modules/.bin/azurite-blob}. A missing Azurite or Node fails the test and says
 * how to install it: never a skip.
 */
public final class Azurite implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's published development key (not a secret). */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public static final String INSTALL = "npm install --prefix ~/.cache/vhdkit-azurite azurite@3.35.0 "
            + "(Node 18+; azurite 3.36+ wants Node 22), or set VHDKIT_AZURITE to an azurite-blob script";

    private final Process process;
    private final int port;
    private final Path log;
    private int containers;

    private Azurite(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Finds the {@code azurite-blob} script, or fails saying how to install it. */
    public static Path executable() {
        List<Path> tried = new ArrayList<>();
        String env = System.getenv("VHDKIT_AZURITE");
        if (env != null && !env.isBlank()) {
            tried.add(Path.of(env));
        }
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String d : pathVar.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    tried.add(Path.of(d, "azurite-blob"));
                }
            }
        }
        tried.add(Path.of(System.getProperty("user.home"), ".cache", "vhdkit-azurite", "node_modules", ".bin",
                "azurite-blob"));
        for (Path p : tried) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("Azurite (the Azure Storage emulator the upload tests run against) is not "
                + "installed: " + INSTALL);
    }

    static Azurite start() throws IOException, InterruptedException {
        Path exe = executable();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("azurite-", ".log");
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--inMemoryPersistence", "--loose", "--skipApiVersionCheck",
                "--disableTelemetry", "--silent")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Azurite at " + exe + " (is node installed? apt-get install "
                    + "nodejs npm): " + e.getMessage() + "; " + INSTALL, e);
        }
        Azurite a = new Azurite(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + p.exitValue() + ": "
                        + Files.readString(log) + "; " + INSTALL);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                a.service().getProperties();
                return a;
            } catch (IOException | RuntimeException e) {
                Thread.sleep(100);
            }
        }
        a.close();
        throw new IllegalStateException("Azurite did not answer on port " + port + " within 60 s: "
                + Files.readString(log));
    }

    public int port() {
        return port;
    }

    /** The blob endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String connectionString() {
        return connectionString(endpoint());
    }

    /** A connection string whose blob endpoint is {@code endpoint} (e.g. a fault proxy in front of Azurite). */
    public static String connectionString(String endpoint) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint + ";";
    }

    /** An independent client: the SDK with its defaults, as a user would download. */
    public BlobServiceClient service() {
        return new BlobServiceClientBuilder().connectionString(connectionString())
                .httpClient(new JdkHttpClientBuilder().build()).buildClient();
    }

    /** A new, empty container. */
    public synchronized BlobContainerClient newContainer() {
        BlobContainerClient c = service().getBlobContainerClient("vhds" + (++containers) + "x"
                + Long.toHexString(System.nanoTime() & 0xFFFFFF));
        c.create();
        return c;
    }

    /** The blob's URL with a write SAS valid for an hour; {@code base} replaces the endpoint (a proxy) if given. */
    public static String sasUrl(BlobClient blob, String base) {
        String sas = blob.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobSasPermission().setReadPermission(true).setWritePermission(true).setCreatePermission(true)
                        .setDeletePermission(true)));
        String url = blob.getBlobUrl();
        if (base != null) {
            url = base + url.substring(url.indexOf("/" + ACCOUNT) + ACCOUNT.length() + 1);
        }
        return url + "?" + sas;
    }

    /** SHA-256 of a whole blob, downloaded with the plain SDK download. */
    public static String sha256(BlobClient blob) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), d)) {
            blob.downloadStream(out);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Downloads a whole blob to a file with the plain SDK download. */
    public static void download(BlobClient blob, Path file) throws IOException {
        Files.deleteIfExists(file);
        blob.downloadToFile(file.toString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts Azurite once for the whole test run and hands it to test methods and constructors. */
    public static final class Extension implements BeforeAllCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            get(context);
        }

        private static Azurite get(ExtensionContext context) throws Exception {
            ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
            synchronized (Azurite.class) {
                Azurite a = store.get(Azurite.class, Azurite.class);
                if (a == null) {
                    a = start();
                    store.put(Azurite.class, a);
                }
                return a;
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == Azurite.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            try {
                return get(e);
            } catch (Exception ex) {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
        }
    }
}
