package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vhdkit.check.Severity;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.format.FormatException;
import io.vhdkit.upload.AadCredential;
import io.vhdkit.upload.ChunkPlan;
import io.vhdkit.upload.InFlightBudget;
import io.vhdkit.upload.Secrets;
import io.vhdkit.upload.Target;
import io.vhdkit.upload.Targets;
import io.vhdkit.upload.UploadException;
import io.vhdkit.upload.PageChecksum;
import io.vhdkit.upload.UploadOptions;
import io.vhdkit.upload.UploadResult;
import io.vhdkit.upload.UploadSource;
import io.vhdkit.upload.UploadSources;
import io.vhdkit.upload.UploadStats;
import io.vhdkit.upload.Uploader;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit upload}: a VHD (or raw image) to a page blob or managed disk, in parallel, skipping zeros. */
@Command(name = "upload",
        mixinStandardHelpOptions = true,
        description = {"Uploads a VHD to an Azure page blob or managed disk: in parallel, never reading what is known "
                + "to be empty (BAT holes, sparse-file holes), not sending all-zero chunks, retrying with backoff and "
                + "slowing down when the service throttles, resumable after an interruption.",
                "A fixed VHD is sent as it is; a dynamic or differencing VHD is converted to fixed on the fly (no "
                + "temporary file); a raw image gets a fixed footer on the fly with --from-raw. The container rules "
                + "(size, alignment, limits) run first and refuse a VHD Azure would reject, before a byte is sent.",
                "",
                "Destinations: --to URL with a SAS (a page-blob URL, or a managed disk's write SAS from az disk "
                + "grant-access --access-level Write: that blob exists, and its size must equal the VHD's file "
                + "size, checked before sending); or a connection string (--connection-string or "
                + "AZURE_STORAGE_CONNECTION_STRING) with --to URL or --container and --name; or --to URL with "
                + "AZURE_STORAGE_KEY (an account key), (an account key, with the account of --to, or of --account-name / AZURE_STORAGE_ACCOUNT with "
                + "--container and --name), or --auth aad (DefaultAzureCredential: environment, managed "
                + "identity, az login; checked before anything is sent). Secrets are never printed, and are "
                + "taken from the environment or the URL, never from an option that process lists would show.",
                "",
                "Bulk upload: --manifest FILE uploads many images, --parallel-images of them at a time, all under "
                + "one budget of --threads requests in flight shared by every image; --shard I/N takes every "
                + "N-th entry so that N machines split one manifest. Each image gets a result line (or, with "
                + "--format json, an object of a JSON array on standard output); one failing image does not stop "
                + "the others.",
                "",
                "Integrity: every Put Page carries a transactional checksum the service verifies before writing "
                + "(--checksum: CRC-64, x-ms-content-crc64, by default, about 1 GB/s per core; or Content-MD5, "
                + "about 300-400 MB/s per core), and the blob's length is checked at the end. --verify reads back what was written and compares it. --md5 also stores the whole file's "
                + "MD5 as the blob's Content-MD5; it is off by default because MD5 is serial (about 400 MB/s on one "
                + "core) and must hash every zero too, which caps fast links and erases the gain of skipping holes on "
                + "sparse disks. Managed disks take no Content-MD5."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  uploaded (with --manifest: every image of the shard)",
                "  1  refused before sending: the image fails a container rule, or the destination does not fit it "
                        + "(size, type, exists without --resume/--overwrite, another source)",
                "  2  usage error (with --manifest: also an entry that is not {\"image\", \"to\"})",
                "  3  the image could not be read",
                "  5  the transfer failed after its retries (run again with --resume to continue)",
                "  6  the credentials were refused or missing (SAS expired or without write permission, no Azure AD "
                        + "credential)",
                "With --manifest, the exit code is 0 only when every image was uploaded; otherwise it is the worst "
                        + "of the failed images' codes (6 over 5 over 3 over 2 over 1), and the result lines or the "
                        + "JSON array say which images failed."})
final class UploadCommand implements Callable<Integer> {

    static {
        // before anything starts the common pool: see Targets.ensureCommonPoolThreads
        io.vhdkit.upload.Targets.ensureCommonPoolThreads();
    }

    static final int TRANSFER = ExitCodes.UPLOAD_FAILED;
    static final int AUTH = ExitCodes.UPLOAD_CREDENTIALS;

    enum Progress { auto, tty, plain, none }

    enum Auth { sas, aad }

    @Parameters(arity = "0..1", paramLabel = "IMAGE", description = "The VHD (or raw image with --from-raw).")
    Path image;

    @Option(names = "--to", paramLabel = "URL", description = "The page blob URL (with a SAS unless credentials come "
            + "from elsewhere), or a managed disk's SAS URL.")
    String to;

    @Option(names = "--connection-string", paramLabel = "S", description = "A storage connection string (default: "
            + "AZURE_STORAGE_CONNECTION_STRING when --to has no SAS).")
    String connectionString;

    @Option(names = "--container", paramLabel = "NAME", description = "The container, with a connection string.")
    String container;

    @Option(names = "--name", paramLabel = "BLOB", description = "The blob name, with a connection string.")
    String name;

    @Option(names = "--auth", paramLabel = "MODE", defaultValue = "sas", description = "sas (default: a SAS in "
            + "the URL, else a connection string, else AZURE_STORAGE_KEY) or aad (azure-identity's "
            + "DefaultAzureCredential: AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, managed identity, az "
            + "login).")
    Auth auth;

    @Option(names = "--account-name", paramLabel = "NAME", description = "The storage account, with --container "
            + "and --name and AZURE_STORAGE_KEY or --auth aad (default: AZURE_STORAGE_ACCOUNT); the blob is "
            + "https://NAME.blob.core.windows.net/CONTAINER/BLOB.")
    String accountName;

    @Option(names = "--managed-disk", negatable = true, description = "Treat the destination as a managed disk "
            + "(or not); by default an md-... host is one.")
    Boolean managedDisk;

    @Option(names = "--from-raw", description = "IMAGE is a raw disk image: append a fixed VHD footer on the fly.")
    boolean fromRaw;

    @Option(names = "--validate", paramLabel = "PROFILE", description = "Also run the OS rules of this profile "
            + "(azure-generalized, azure-specialized) before sending; default: the container rules only "
            + "(azure-data-disk).")
    String validate;

    @Option(names = "--no-validate", description = "Send even if the container rules fail (a test blob).")
    boolean noValidate;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "16", description = "Put Page requests in flight "
            + "at most (default: ${DEFAULT-VALUE}); fewer while the service throttles.")
    int threads;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "4M", description = "Bytes per Put Page: "
            + "a multiple of 512 up to 4M, the most Azure takes (default: ${DEFAULT-VALUE}).")
    String chunkSize;

    @Option(names = "--resume", description = "Continue an interrupted upload of the same image to the same blob "
            + "(even one that was killed): chunks already acknowledged are not sent again.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace an existing blob; with --resume, start over if it was "
            + "begun from another source.")
    boolean overwrite;

    @Option(names = "--checksum", paramLabel = "ALG", defaultValue = "crc64", description = "The transactional "
            + "check on every Put Page: crc64 (x-ms-content-crc64, default) or md5 (Content-MD5, about 3x slower "
            + "to compute).")
    String checksum;

    @Option(names = "--md5", description = "Store the whole file's MD5 as the blob's Content-MD5 (serial: about "
            + "400 MB/s, every zero hashed too; not on managed disks).")
    boolean md5;

    @Option(names = "--verify", description = "Read back every chunk that may hold data and compare it with the "
            + "image.")
    boolean verify;

    @Option(names = "--journal", paramLabel = "FILE", description = "The resume journal (default: under "
            + "$XDG_STATE_HOME/vhdkit/uploads, named after the destination).")
    Path journal;

    @Option(names = "--max-tries", paramLabel = "N", defaultValue = "20", description = "Tries per request "
            + "(default: ${DEFAULT-VALUE}; at most 6 for the requests that check or prepare the destination).")
    int maxTries;

    @Option(names = "--try-timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Time one request "
            + "may take before it is retried (default: ${DEFAULT-VALUE}).")
    int tryTimeout;

    @Option(names = "--retry-delay-ms", paramLabel = "MS", defaultValue = "1000", hidden = true)
    long retryDelayMs;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto", description = "auto (a live line on a "
            + "terminal, plain lines otherwise), tty, plain or none.")
    Progress progress;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "10", description = "Seconds "
            + "between plain progress lines (default: ${DEFAULT-VALUE}).")
    double progressInterval;

    @Option(names = "--manifest", paramLabel = "FILE", description = "Upload many images: a JSON array of "
            + "{\"image\": PATH, \"to\": URL, \"fromRaw\": false, \"managedDisk\": null} (paths relative to the "
            + "file; credentials as for one image). The other options apply to each image; --threads is the "
            + "budget of requests in flight shared by all of them.")
    Path manifest;

    @Option(names = "--shard", paramLabel = "I/N", description = "With --manifest: upload only the entries at "
            + "positions P (counted from 1 in the file) with (P - 1) mod N = I - 1, so that N machines given "
            + "1/N ... N/N split one manifest, every entry exactly once, without coordination.")
    String shard;

    @Option(names = "--parallel-images", paramLabel = "N", defaultValue = "4", description = "With --manifest: "
            + "images uploaded at the same time (default: ${DEFAULT-VALUE}); each may use the whole --threads "
            + "budget when the others need none. Memory: about N x (--threads + 2) x --chunk-size.")
    int parallelImages;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or "
            + "json: a JSON array on standard output with one object per image (image, destination without SAS, "
            + "status ok/failed/refused, exit, size, read, sent, skipped, holes, cleared, resumed, requests, "
            + "retries, seconds, mbPerSecond, md5, verifiedChunks, error).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    /** One image to upload. */
    record Job(Path image, String to, boolean fromRaw, Boolean managedDisk) {
    }

    @Override
    public Integer call() {
        io.vhdkit.upload.StartupTiming.mark("command line parsed");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<UploadManifest.Entry> entries;
        UploadOptions base;
        try {
            entries = entries();
            base = options();
        } catch (UsageError e) {
            err.println("vhdkit upload: " + Secrets.redact(e.getMessage()));
            return ExitCodes.USAGE;
        }
        if (entries.isEmpty()) {
            err.println("vhdkit upload: shard " + shard + " of " + manifest + " holds no entry; nothing to do");
            if (format == OutputFormat.json) {
                out.println("[]");
                out.flush();
            }
            return ExitCodes.OK;
        }
        boolean bulk = manifest != null;
        // one budget of requests in flight for every image at once
        UploadOptions options = base.withBudget(bulk ? new InFlightBudget(threads) : InFlightBudget.unlimited());
        List<UploadStats> running = new CopyOnWriteArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        long start = System.nanoTime();
        UploadOutcome[] outcomes = new UploadOutcome[entries.size()];
        try (UploadProgress live = UploadProgress.start(progress, progressInterval,
                () -> view(running, finished.get(), entries.size(), start, bulk), err)) {
            String authProblem = auth == Auth.aad ? aadProblem() : null;
            int workers = bulk ? Math.max(1, Math.min(parallelImages, entries.size())) : 1;
            ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
                Thread t = new Thread(r, "vhdkit-image");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int k = 0; k < entries.size(); k++) {
                    int n = k;
                    UploadManifest.Entry e = entries.get(k);
                    futures.add(pool.submit(() -> {
                        UploadOutcome o;
                        if (e.problem() != null) {
                            live.println(err, "vhdkit upload: " + e.problem());
                            o = UploadOutcome.of(e.label(), null, ExitCodes.USAGE, null, e.problem());
                        } else if (authProblem != null) {
                            o = UploadOutcome.of(e.job().image().toString(), e.job().to(), AUTH, null, authProblem);
                        } else {
                            UploadStats stats = new UploadStats();
                            running.add(stats);
                            o = uploadOne(e.job(), options, stats, live, out, err, bulk);
                        }
                        outcomes[n] = o;
                        if (finished.incrementAndGet() < entries.size() && bulk) {
                            // the image's chunk buffers are direct memory, returned to the OS only once a collection
                            // finds them unreachable; they outlive young collections, and a manifest's small heap may
                            // not need an old one for hundreds of images: collect now (milliseconds) so that memory
                            // is bounded by the images in flight, not by the images done
                            System.gc();
                        }
                        if (bulk && format == OutputFormat.text) {
                            live.println(out, o.line());
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
                live.println(err, "vhdkit upload: interrupted; run again with --resume to continue");
                return TRANSFER;
            } catch (ExecutionException e) {
                pool.shutdownNow();
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdown();
            }
            if (authProblem != null) {
                live.println(err, "vhdkit upload: " + authProblem);
            }
        }
        int exit = ExitCodes.OK;
        int ok = 0;
        int refused = 0;
        for (UploadOutcome o : outcomes) {
            exit = worst(exit, o.exit());
            ok += o.status() == UploadOutcome.Status.ok ? 1 : 0;
            refused += o.status() == UploadOutcome.Status.refused ? 1 : 0;
        }
        if (format == OutputFormat.json) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            for (UploadOutcome o : outcomes) {
                a.add(o.json());
            }
            out.println(a.toPrettyString());
        } else if (bulk) {
            double seconds = (System.nanoTime() - start) / 1e9;
            long sent = 0;
            for (UploadOutcome o : outcomes) {
                sent += o.stats() == null ? 0 : o.stats().sent();
            }
            out.printf(Locale.ROOT, "vhdkit upload: %d images, %s in %.1f s (%s sent, %.1f MB/s)%n",
                    outcomes.length, ok == outcomes.length ? "all uploaded"
                            : ok + " uploaded, " + (outcomes.length - ok - refused) + " failed, " + refused
                            + " refused", seconds, human(sent), sent / 1e6 / Math.max(1e-3, seconds));
        }
        out.flush();
        return exit;
    }

    /** What the progress line shows: the sum over the images started so far. */
    private static UploadProgress.View view(List<UploadStats> running, int finished, int count, long start,
                                            boolean bulk) {
        if (running.isEmpty()) {
            return null;
        }
        UploadStats.Snapshot sum = null;
        for (UploadStats st : running) {
            UploadStats.Snapshot s = st.snapshot();
            sum = sum == null ? s : sum.plus(s);
        }
        if (!bulk) {
            return new UploadProgress.View(sum, "");
        }
        sum = sum.withSeconds((System.nanoTime() - start) / 1e9);
        return new UploadProgress.View(sum, finished + "/" + count + " images ");
    }

    /** The --auth aad check, once for all images: null when a token could be had, else what to do. */
    private static String aadProblem() {
        try {
            AadCredential.check();
            return null;
        } catch (UploadException e) {
            return e.getMessage();
        }
    }

    private static int worst(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case ExitCodes.OK -> 0;
            case ExitCodes.FINDINGS -> 1;
            case ExitCodes.USAGE -> 2;
            case ExitCodes.UNREADABLE -> 3;
            case TRANSFER -> 4;
            case AUTH -> 5;
            default -> 6;
        };
    }

    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String m) {
            super(m);
        }
    }

    /** The images to upload: the one on the command line, or the manifest's entries of this shard. */
    private List<UploadManifest.Entry> entries() throws UsageError {
        if (manifest == null) {
            if (shard != null) {
                throw new UsageError("--shard needs --manifest");
            }
            if (image == null) {
                throw new UsageError("give the IMAGE to upload (or --manifest FILE); see vhdkit upload --help");
            }
            if (to == null && (container == null || name == null)) {
                throw new UsageError("give the destination: --to URL, or --container and --name (with a connection "
                        + "string, or with --account-name and AZURE_STORAGE_KEY or --auth aad)");
            }
            return List.of(new UploadManifest.Entry(1, new Job(image, to, fromRaw, managedDisk), image.toString(),
                    null));
        }
        if (image != null || to != null || name != null) {
            throw new UsageError("--manifest takes the images and destinations from the file: give no IMAGE, --to "
                    + "or --name");
        }
        if (parallelImages < 1 || parallelImages > 64) {
            throw new UsageError("--parallel-images must be 1 to 64");
        }
        UploadManifest.Shard mine = shard == null ? null : UploadManifest.Shard.parse(shard);
        List<UploadManifest.Entry> all = UploadManifest.read(manifest, managedDisk);
        List<UploadManifest.Entry> out = new ArrayList<>();
        for (UploadManifest.Entry e : all) {
            if (mine == null || mine.takes(e.position())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The options every image shares. */
    private UploadOptions options() throws UsageError {
        int chunk = chunkBytes();
        try {
            ChunkPlan.checkChunkSize(chunk);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--chunk-size: " + e.getMessage());
        }
        if (threads < 1 || threads > 512) {
            throw new UsageError("--threads must be 1 to 512");
        }
        if (validate != null && Profile.fromId(validate).isEmpty()) {
            throw new UsageError("--validate: unknown profile '" + validate + "'; use azure-generalized, "
                    + "azure-specialized or azure-data-disk");
        }
        PageChecksum pageChecksum = switch (checksum.toLowerCase(Locale.ROOT)) {
            case "crc64" -> PageChecksum.CRC64;
            case "md5" -> PageChecksum.MD5;
            default -> throw new UsageError("--checksum must be crc64 or md5, not " + checksum);
        };
        try {
            return UploadOptions.defaults().withThreads(threads).withChunkSize(chunk).withChecksum(pageChecksum)
                    .withResume(resume, overwrite).withChecks(md5, verify).withJournal(journal)
                    .withRetries(maxTries, Duration.ofSeconds(tryTimeout), Duration.ofMillis(retryDelayMs),
                            Duration.ofSeconds(60));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private int chunkBytes() throws UsageError {
        String s = chunkSize.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("K")) {
            mult = 1024;
        } else if (s.endsWith("M")) {
            mult = 1024 * 1024;
        }
        if (mult > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long v = Long.parseLong(s) * mult;
            return v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
        } catch (NumberFormatException e) {
            throw new UsageError("--chunk-size: '" + chunkSize + "' is not a size like 4M, 1024K or 2097152");
        }
    }

    /** The secrets of the environment this command reads (a field so that tests can see what is read). */
    static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** Where one image goes, with which credentials (see --help: a SAS, a connection string, a key, Azure AD). */
    Targets.Spec targetSpec(Job job) throws UsageError {
        String url = job.to();
        boolean sas = url != null && url.contains("sig=");
        String cs = null;
        String key = null;
        if (!sas && auth != Auth.aad) {
            cs = connectionString != null ? connectionString : env("AZURE_STORAGE_CONNECTION_STRING");
            if (cs == null) {
                key = env("AZURE_STORAGE_KEY");
            }
        }
        if (url == null && cs == null) {
            // --container/--name with a key or Azure AD: the account's public blob endpoint
            String account = accountName != null ? accountName : env("AZURE_STORAGE_ACCOUNT");
            if (account == null) {
                throw new UsageError("--container and --name need a connection string (--connection-string or "
                        + "AZURE_STORAGE_CONNECTION_STRING), or the account (--account-name or AZURE_STORAGE_ACCOUNT) "
                        + "with AZURE_STORAGE_KEY or --auth aad");
            }
            if (!account.matches("[a-z0-9]{3,24}")) {
                throw new UsageError("--account-name: '" + account + "' is not a storage account name (3 to 24 "
                        + "lower-case letters and digits)");
            }
            url = "https://" + account + ".blob.core.windows.net/" + container + "/" + name;
        }
        if (url != null) {
            checkBlobUrl(url);
        }
        return new Targets.Spec(url, cs, key, container, name,
                auth == Auth.aad ? Targets.Auth.AAD : Targets.Auth.AUTO, job.managedDisk());
    }

    /** A destination URL must be http(s) with a host and a path: refused at once, never retried (no SAS shown). */
    static void checkBlobUrl(String url) throws UsageError {
        String shown = Secrets.withoutQuery(url);
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new UsageError("--to: " + Secrets.redact(shown) + " is not a URL: " + Secrets.redact(e.getReason())
                    + " (a blob URL is https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB?SAS)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new UsageError("--to: " + shown + " is not an https:// (or http://) URL; a blob URL is "
                    + "https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB?SAS");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().chars().filter(c -> c == '/').count() < 2) {
            throw new UsageError("--to: " + shown + " names no host, container and blob; a blob URL is "
                    + "https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB?SAS");
        }
    }

    private UploadOutcome uploadOne(Job job, UploadOptions options, UploadStats stats, UploadProgress live,
                                    PrintWriter out, PrintWriter err, boolean bulk) {
        String shown = job.image().toString();
        String dest = job.to() != null ? job.to() : container + "/" + name;
        String label = "vhdkit upload: " + job.image() + ": ";
        try {
            Inputs.requireReadable(job.image());
        } catch (IOException e) {
            return failed(live, err, shown, dest, ExitCodes.UNREADABLE, null, "cannot read " + Inputs.reason(e));
        }
        // 1. the rules, before anything is sent
        boolean packed;
        try {
            packed = CompressedInput.detect(job.image()) != CompressedInput.Codec.NONE;
        } catch (IOException e) {
            return failed(live, err, shown, dest, ExitCodes.UNREADABLE, null, "cannot read " + Inputs.reason(e));
        }
        // a compressed image's container is checked once its source is open (below); the OS rules need random access
        if (!noValidate && (!packed || validate != null && !job.fromRaw())) {
            List<String> problems;
            try {
                problems = job.fromRaw() ? rawProblems(job.image()) : packed ? packedProblems(job.image())
                        : vhdProblems(job.image());
            } catch (FormatException e) {
                return failed(live, err, shown, dest, ExitCodes.FINDINGS, null, label + e.getMessage());
            } catch (IOException e) {
                return failed(live, err, shown, dest, ExitCodes.UNREADABLE, null, "cannot read " + job.image()
                        + ": " + Inputs.reason(e));
            }
            if (!problems.isEmpty()) {
                StringBuilder m = new StringBuilder(label + "refused, nothing was sent:");
                problems.forEach(p -> m.append("\n  ").append(p));
                m.append("\n  (--no-validate sends it anyway)");
                return failed(live, err, shown, dest, ExitCodes.FINDINGS, null, m.toString());
            }
        }
        io.vhdkit.upload.StartupTiming.mark("rules checked");
        // 2. the destination
        Targets.Spec targetSpec;
        try {
            targetSpec = targetSpec(job);
        } catch (UsageError e) {
            return failed(live, err, shown, dest, ExitCodes.USAGE, null, "vhdkit upload: " + e.getMessage());
        }
        // 3. the transfer
        try (UploadSource src = UploadSources.open(job.image(), job.fromRaw(), null)) {
            if (packed && !noValidate) {
                // the container rules of a compressed image, from its own footer, before anything is sent
                List<String> problems = sizeProblems(src.virtualSize(), job.image());
                if (!problems.isEmpty()) {
                    StringBuilder m = new StringBuilder(label + "refused, nothing was sent:");
                    problems.forEach(p -> m.append("\n  ").append(p));
                    m.append("\n  (--no-validate sends it anyway)");
                    return failed(live, err, shown, dest, ExitCodes.FINDINGS, null, m.toString());
                }
            }
            // the requests that check and prepare the destination follow --max-tries too (at most 6 of them), so
            // that an unreachable or refusing host fails as fast as the user asked
            Target target = Targets.open(targetSpec, options.tryTimeout(), threads,
                    Math.min(options.maxTries(), Targets.CONTROL_MAX_TRIES), options.retryBase(), options.retryMax());
            dest = target.display();
            if (md5 && target.managedDisk()) {
                return failed(live, err, shown, dest, ExitCodes.USAGE, null, "vhdkit upload: --md5 is impossible "
                        + "on a managed disk: its upload endpoint takes no Content-MD5 (each Put Page still carries "
                        + "its own checksum)");
            }
            if (!bulk && format == OutputFormat.text) {
                live.println(out, "uploading " + job.image() + " (" + src.description() + ", " + human(src.size())
                        + ") to " + target);
            }
            UploadResult r = Uploader.upload(src, target, options, stats);
            if (!bulk && format == OutputFormat.text) {
                live.println(out, summary(r));
            }
            return UploadOutcome.of(shown, dest, ExitCodes.OK, r.stats(), null).withChecks(r.md5(), r.verified());
        } catch (UploadException e) {
            debug(e, err);
            int code = switch (e.kind()) {
                case REFUSED -> ExitCodes.FINDINGS;
                case AUTH -> AUTH;
                case TRANSFER -> TRANSFER;
            };
            return failed(live, err, shown, dest, code, stats, label + e.getMessage());
        } catch (FormatException e) {
            return failed(live, err, shown, dest, ExitCodes.FINDINGS, null, label + e.getMessage());
        } catch (IOException e) {
            return failed(live, err, shown, dest, ExitCodes.UNREADABLE, stats, "cannot read " + job.image() + ": "
                    + Inputs.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(live, err, shown, dest, TRANSFER, stats, label + "interrupted; run again with --resume "
                    + "to continue");
        } catch (RuntimeException e) {
            // the SDK throws unchecked exceptions; never let a secret through
            debug(e, err);
            return failed(live, err, shown, dest, TRANSFER, stats, label + "failed: "
                    + String.valueOf(e.getMessage()));
        }
    }

    /** Prints why an image was not uploaded (redacted) and gives its outcome. */
    private static UploadOutcome failed(UploadProgress live, PrintWriter err, String image, String dest, int exit,
                                        UploadStats stats, String message) {
        String m = Secrets.redact(message.startsWith("vhdkit upload") ? message : "vhdkit upload: " + message);
        live.println(err, m);
        String error = m.startsWith("vhdkit upload: ") ? m.substring("vhdkit upload: ".length()) : m;
        return UploadOutcome.of(image, dest, exit, stats == null ? null : stats.snapshot(), error);
    }

    private static void debug(Throwable e, PrintWriter err) {
        if (System.getenv("VHDKIT_DEBUG") != null) {
            java.io.StringWriter sw = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(sw));
            err.println(Secrets.redact(sw.toString()));
        }
    }

    /** The container rules (and the OS rules with --validate) as they apply to the fixed VHD that will be sent. */
    private List<String> vhdProblems(Path vhd) throws IOException {
        Set<String> disabled = new HashSet<>();
        try (VhdFile f = VhdFile.open(vhd)) {
            if (f.diskType() != DiskType.FIXED) {
                disabled.add("vhd/not-fixed");   // converted to fixed on the fly
                disabled.add("vhd/file-size");
            }
        }
        Profile profile = validate == null ? Profile.AZURE_DATA_DISK : Profile.fromId(validate).orElseThrow();
        ValidationResult r = new Validator().validate(vhd, profile, new Overrides(disabled, Set.of()));
        List<String> out = new ArrayList<>();
        for (RuleFinding f : r.findings()) {
            if (f.severity() == Severity.ERROR) {
                out.add("[" + f.rule() + "] " + f.message() + (f.fix() != null ? "\n    fix: " + f.fix() : ""));
            }
        }
        return out;
    }

    /** The rules on a compressed image with --validate: they read it at random, through a temporary copy. */
    private List<String> packedProblems(Path image) throws IOException {
        try (CompressedInput copy = Decompressed.open(image, null)) {
            return vhdProblems(copy.path());
        }
    }

    /** The container rules for a raw image: whole MiB, within Azure's limits. */
    private static List<String> rawProblems(Path raw) throws IOException {
        return sizeProblems(Files.size(raw), raw);
    }

    /** Whole MiB, within Azure's limits, for a disk of {@code size} virtual bytes. */
    private static List<String> sizeProblems(long size, Path raw) {
        long mib = 1 << 20;
        List<String> out = new ArrayList<>();
        if (size % mib != 0) {
            long aligned = (size / mib + 1) * mib;
            out.add(String.format(Locale.ROOT, "[vhd/size-not-mib-aligned] virtual size %d is not a whole MiB "
                    + "(%.2f MiB); Azure rejects it%n    fix: truncate -s %d %s", size, size / (double) mib, aligned,
                    raw));
        }
        if (size < 20 * mib) {
            out.add("[vhd/size-limit] virtual size " + size + " is below Azure's minimum of 20 MiB (" + 20 * mib
                    + ")");
        } else if (size > (32L << 40)) {
            out.add("[vhd/size-limit] virtual size " + size + " is above Azure's maximum of 32 TiB");
        }
        return out;
    }

    private static String summary(UploadResult r) {
        UploadStats.Snapshot s = r.stats();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "uploaded %s: %s in %.1f s%n", r.destination(), human(s.total()),
                s.seconds()));
        b.append(String.format(Locale.ROOT, "  read %s, sent %s in %d requests, skipped %s of zeros (%s never "
                + "read)%s%s%n", human(s.read()), human(s.sent()), s.requests(), human(s.skipped()), human(s.holes()),
                s.cleared() > 0 ? ", cleared " + human(s.cleared()) : "",
                s.resumed() > 0 ? ", " + human(s.resumed()) + " already there (resumed)" : ""));
        b.append(String.format(Locale.ROOT, "  %.1f MB/s sent, %.1f MB/s of disk%s", s.sent() / 1e6 / s.seconds(),
                (s.total() - s.resumed()) / 1e6 / s.seconds(),
                s.retries() > 0 ? String.format(Locale.ROOT, "; %d retries, %d throttled, in flight down to %d",
                        s.retries(), s.throttles(), r.lowestLimit()) : ""));
        if (r.md5() != null) {
            b.append(String.format("%n  Content-MD5 ")).append(r.md5());
        }
        if (r.verified() >= 0) {
            b.append(String.format("%n  verified: ")).append(r.verified()).append(" chunks read back and equal to "
                    + "the image");
        }
        return b.toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
