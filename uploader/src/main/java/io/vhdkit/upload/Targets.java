package io.vhdkit.upload;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.blob.specialized.SpecializedBlobClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.vhdkit.upload.http.PooledHttpClient;
import java.time.Duration;
import java.util.Locale;

/** Opens a destination page blob from a URL and credentials. */
public final class Targets {

    /** How to authenticate. */
    public enum Auth {
        /** A SAS in the URL, else a connection string, else an account key. */
        AUTO,
        /** Azure AD through azure-identity's DefaultAzureCredential (environment, managed identity, az login...). */
        AAD
    }

    /**
     * Where to upload.
     *
     * @param url              a blob URL, with a SAS unless a connection string, an account key or AAD is used; may be
     *                         null with a connection string and {@code container}/{@code name}
     * @param connectionString a storage connection string, or null
     * @param accountKey       an account key for the URL's account, or null
     * @param container        the container, with a connection string and no URL
     * @param name             the blob name, with a connection string and no URL
     * @param auth             see {@link Auth}
     * @param managedDisk      true or false to say whether it is a managed disk; null to tell from the host
     *                         ({@code md-...})
     */
    public record Spec(String url, String connectionString, String accountKey, String container, String name,
                       Auth auth, Boolean managedDisk) {
        @Override
        public String toString() {
            return "Spec[" + (url == null ? container + "/" + name : Secrets.withoutQuery(url)) + "]";
        }
    }

    private Targets() {
    }

    /**
     * Gives the common fork-join pool at least 2 threads, before it is first used. With one (its default on a 2-core
     * machine: cores - 1), {@code CompletableFuture}'s async stages, which the JDK HttpClient and the SDK's adapter
     * use for every response, start a new thread per task: one or more thread starts per Put Page, measured here as
     * 145 short-lived threads in the first 7 s of an upload. Call it early (the CLI does, when the upload command is
     * loaded); later calls do nothing once the pool exists.
     */
    public static void ensureCommonPoolThreads() {
        String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /** The most tries of a request that checks or prepares the destination (properties, create, page ranges). */
    public static final int CONTROL_MAX_TRIES = 6;

    /**
     * {@link #open(Spec, Duration, int, int, Duration, Duration)} with the control requests' default retries:
     * {@link #CONTROL_MAX_TRIES} tries, 1 s doubling up to 30 s between them.
     */
    public static Target open(Spec spec, Duration tryTimeout, int connections) throws UploadException {
        return open(spec, tryTimeout, connections, CONTROL_MAX_TRIES, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /**
     * @param tryTimeout   the time one Put Page may take before it is abandoned and retried
     * @param controlTries tries of each request that checks or prepares the destination, 1 to
     *                     {@link #CONTROL_MAX_TRIES} (Put Pages are retried by the uploader, as its options say)
     * @param retryBase    the first retry's delay of those requests, doubled at each further try
     * @param retryMax     the longest delay between their tries
     * @throws UploadException when the credentials are missing or the URL cannot be used
     */
    public static Target open(Spec spec, Duration tryTimeout, int connections, int controlTries, Duration retryBase,
            Duration retryMax) throws UploadException {
        if (controlTries < 1 || controlTries > CONTROL_MAX_TRIES) {
            throw new IllegalArgumentException("control tries must be 1 to " + CONTROL_MAX_TRIES + ", not "
                    + controlTries);
        }
        ensureCommonPoolThreads();
        StartupTiming.mark("building the destination clients");
        HttpClient http = httpClient(tryTimeout, connections);
        SpecializedBlobClientBuilder data = builder(spec, http).addPolicy(new PageChecksum.Crc64Policy());
        SpecializedBlobClientBuilder control = builder(spec, http);
        int trySeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, tryTimeout.toSeconds()));
        data.retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 1, trySeconds, null, null, null));
        long base = Math.max(1, retryBase.toMillis());
        control.retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, controlTries, 300, base,
                Math.max(base, retryMax.toMillis()), null));
        PageBlobClient dataClient;
        PageBlobClient controlClient;
        try {
            dataClient = data.buildPageBlobClient();
            controlClient = control.buildPageBlobClient();
        } catch (RuntimeException e) {
            throw new UploadException(UploadException.Kind.REFUSED, "cannot use the destination "
                    + describe(spec) + ": " + e.getMessage(), e);
        }
        StartupTiming.mark("destination clients built");
        String display = Secrets.withoutQuery(controlClient.getBlobUrl());
        boolean managed = spec.managedDisk() != null ? spec.managedDisk() : isManagedDiskHost(display);
        return new Target(dataClient, controlClient, display, managed);
    }

    /**
     * Does, on the calling thread and with no network traffic worth the name, the one-time work of the first upload:
     * loads and initializes the SDK's clients, REST proxies, pipeline policies, serializers and this package's
     * transport, by building a client for an unused loopback port and sending one Put Page that is refused there.
     * The CLI runs it on a background thread while it parses the command line and validates the image, so that the
     * real {@link #open} and first Put Page find everything ready. Never throws.
     */
    public static void prewarm() {
        if (!ownTransport()) {
            return;   // through a proxy even a refused loopback request would go out
        }
        try {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();   // closed again: a request to it is refused at once
            }
            Target t = open(new Spec("http://127.0.0.1:" + port + "/devstoreaccount1/warm/up.vhd?sv=2021-06-08&sp=rw"
                    + "&sig=prewarm", null, null, null, null, Auth.AUTO, false), Duration.ofSeconds(5), 1);
            java.nio.ByteBuffer page = java.nio.ByteBuffer.allocateDirect(512);
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocateDirect(64 * 1024);
            for (int i = 0; i < 64; i++) {
                // gets the checksum loop compiled before the first chunk: interpreted it runs at a few MB/s
                Crc64.of(chunk);
                Zeros.isAllZero(chunk);
            }
            com.azure.storage.blob.options.PageBlobUploadPagesOptions o =
                    new com.azure.storage.blob.options.PageBlobUploadPagesOptions(
                            new com.azure.storage.blob.models.PageRange().setStart(0).setEnd(511),
                            com.azure.core.util.BinaryData.fromByteBuffer(page));
            t.data().uploadPagesWithResponse(o, Duration.ofSeconds(5), new com.azure.core.util.Context(
                    PageChecksum.CONTEXT_KEY, PageChecksum.crc64(page)));
        } catch (Throwable expected) {
            // refused: that was the point
        }
    }

    /** The environment variable that chooses the HTTP transport: {@code vhdkit} (default) or {@code jdk}. */
    public static final String TRANSPORT_ENV = "VHDKIT_HTTP";

    /**
     * The transport: vhdkit's own {@link PooledHttpClient} (one gathering write per Put Page from the chunk's direct
     * buffer, a keep-alive pool sized to the concurrency), or the JDK HttpClient through azure-core's adapter when a
     * proxy is configured (ours does not go through proxies) or {@value #TRANSPORT_ENV}=jdk asks for it.
     */
    static HttpClient httpClient(Duration tryTimeout, int connections) {
        if (!ownTransport()) {
            return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1))
                    .connectionTimeout(Duration.ofSeconds(20))
                    .writeTimeout(tryTimeout)
                    .responseTimeout(tryTimeout)
                    .readTimeout(tryTimeout)
                    .build();
        }
        return new PooledHttpClient(Duration.ofSeconds(20), tryTimeout, connections + 2);
    }

    private static boolean ownTransport() {
        return !"jdk".equalsIgnoreCase(System.getenv(TRANSPORT_ENV)) && !PooledHttpClient.proxyConfigured();
    }

    /** Managed-disk upload endpoints are {@code md-impexp-...} / {@code md-...} blob hosts. */
    public static boolean isManagedDiskHost(String url) {
        try {
            String host = java.net.URI.create(Secrets.withoutQuery(url)).getHost();
            return host != null && host.toLowerCase(Locale.ROOT).startsWith("md-");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String describe(Spec spec) {
        return spec.url() != null ? Secrets.withoutQuery(spec.url()) : spec.container() + "/" + spec.name();
    }

    private static SpecializedBlobClientBuilder builder(Spec spec, HttpClient http) throws UploadException {
        SpecializedBlobClientBuilder b = new SpecializedBlobClientBuilder().httpClient(http);
        try {
            if (spec.connectionString() != null) {
                b.connectionString(spec.connectionString());
                String container = spec.container();
                String name = spec.name();
                if (spec.url() != null) {
                    BlobUrlParts parts = BlobUrlParts.parse(Secrets.withoutQuery(spec.url()));
                    container = parts.getBlobContainerName();
                    name = parts.getBlobName();
                }
                if (container == null || name == null || container.isEmpty() || name.isEmpty()) {
                    throw new UploadException(UploadException.Kind.REFUSED, "with a connection string, give the "
                            + "blob as --to URL or as --container and --name");
                }
                return b.containerName(container).blobName(name);
            }
            if (spec.url() == null) {
                throw new UploadException(UploadException.Kind.REFUSED, "no destination: give --to URL (a page blob "
                        + "URL with a SAS, or a managed disk's SAS from az disk grant-access)");
            }
            b.endpoint(spec.url());
            if (spec.auth() == Auth.AAD) {
                return b.credential(new DefaultAzureCredentialBuilder().build());
            }
            if (spec.accountKey() != null) {
                String account = BlobUrlParts.parse(Secrets.withoutQuery(spec.url())).getAccountName();
                return b.credential(new StorageSharedKeyCredential(account, spec.accountKey()));
            }
            if (!spec.url().contains("sig=")) {
                throw new UploadException(UploadException.Kind.REFUSED, "no credentials for "
                        + Secrets.withoutQuery(spec.url()) + ": give a URL with a SAS token (?sv=...&sig=...), "
                        + "--connection-string or AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY, or --auth aad");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new UploadException(UploadException.Kind.REFUSED, "cannot use the destination " + describe(spec)
                    + ": " + e.getMessage(), e);
        }
    }
}
