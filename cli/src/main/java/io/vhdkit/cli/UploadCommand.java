package io.vhdkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.check.Severity;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.format.FormatException;
import io.vhdkit.upload.ChunkPlan;
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
                + "AZURE_STORAGE_KEY (an account key), or --auth aad (DefaultAzureCredential: environment, managed "
                + "identity, az login). Secrets are never printed.",
                "",
                "Integrity: every Put Page carries a transactional checksum the service verifies before writing "
                + "(--checksum: CRC-64, x-ms-content-crc64, by default, about 1 GB/s per core; or Content-MD5, "
                + "about 300-400 MB/s per core), and the blob's length is checked at the end. --verify reads back what was written and compares it. --md5 also stores the whole file's "
                + "MD5 as the blob's Content-MD5; it is off by default because MD5 is serial (about 400 MB/s on one "
                + "core) and must hash every zero too, which caps fast links and erases the gain of skipping holes on "
                + "sparse disks. Managed disks take no Content-MD5."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  uploaded (every image, with --manifest)",
                "  1  refused before sending: the image fails a container rule, or the destination does not fit it "
                        + "(size, type, exists without --resume/--overwrite, another source)",
                "  2  usage error",
                "  3  the image could not be read",
                "  5  the transfer failed after its retries (run again with --resume to continue)",
                "  6  the credentials were refused (SAS expired or without write permission)"})
final class UploadCommand implements Callable<Integer> {

    static {
        // before anything starts the common pool: see Targets.ensureCommonPoolThreads
        io.vhdkit.upload.Targets.ensureCommonPoolThreads();
    }

    static final int TRANSFER = 5;
    static final int AUTH = 6;

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

    @Option(names = "--auth", paramLabel = "MODE", defaultValue = "sas", description = "sas (default: SAS, "
            + "connection string or AZURE_STORAGE_KEY) or aad (azure-identity's DefaultAzureCredential).")
    Auth auth;

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
            + "(default: ${DEFAULT-VALUE}).")
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
            + "file; credentials as for one image). The other options apply to each image.")
    Path manifest;

    @Option(names = "--shard", paramLabel = "I/N", description = "With --manifest: upload only the entries whose "
            + "position (counted from 1) modulo N is I modulo N, so that N machines split one manifest without "
            + "coordination.")
    String shard;

    @Spec
    CommandSpec spec;

    /** One image to upload. */
    record Job(Path image, String to, boolean fromRaw, Boolean managedDisk) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Job> jobs;
        try {
            jobs = jobs();
        } catch (UsageError e) {
            err.println("vhdkit upload: " + Secrets.redact(e.getMessage()));
            return ExitCodes.USAGE;
        }
        int exit = ExitCodes.OK;
        for (Job job : jobs) {
            int code = uploadOne(job, out, err);
            exit = worst(exit, code);
        }
        if (jobs.size() > 1) {
            out.println("vhdkit upload: " + jobs.size() + " images, " + (exit == 0 ? "all uploaded" : "exit " + exit));
        }
        return exit;
    }

    private static int worst(int a, int b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(int code) {
        return switch (code) {
            case ExitCodes.OK -> 0;
            case ExitCodes.FINDINGS -> 1;
            case ExitCodes.UNREADABLE -> 2;
            case TRANSFER -> 3;
            case AUTH -> 4;
            default -> 5;
        };
    }

    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String m) {
            super(m);
        }
    }

    private List<Job> jobs() throws UsageError {
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
        if (manifest == null) {
            if (shard != null) {
                throw new UsageError("--shard needs --manifest");
            }
            if (image == null) {
                throw new UsageError("give the IMAGE to upload (or --manifest FILE); see vhdkit upload --help");
            }
            if (to == null && (container == null || name == null)) {
                throw new UsageError("give the destination: --to URL, or --container and --name with a connection "
                        + "string");
            }
            return List.of(new Job(image, to, fromRaw, managedDisk));
        }
        if (image != null || to != null) {
            throw new UsageError("--manifest takes the images and destinations from the file: give no IMAGE or --to");
        }
        List<Job> all = new ArrayList<>();
        try {
            JsonNode root = Json.MAPPER.readTree(manifest.toFile());
            JsonNode list = root.isArray() ? root : root.path("uploads");
            if (!list.isArray() || list.isEmpty()) {
                throw new UsageError(manifest + ": expected a JSON array of {\"image\": ..., \"to\": ...}");
            }
            Path base = manifest.toAbsolutePath().getParent();
            int i = 0;
            for (JsonNode e : list) {
                i++;
                Set<String> known = Set.of("image", "to", "fromRaw", "managedDisk");
                for (var it = e.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!known.contains(f)) {
                        throw new UsageError(manifest + ": entry " + i + ": unknown field '" + f + "'");
                    }
                }
                if (!e.path("image").isTextual() || !e.path("to").isTextual()) {
                    throw new UsageError(manifest + ": entry " + i + " needs \"image\" and \"to\"");
                }
                all.add(new Job(base.resolve(e.get("image").asText()), e.get("to").asText(),
                        e.path("fromRaw").asBoolean(false),
                        e.path("managedDisk").isBoolean() ? Boolean.valueOf(e.get("managedDisk").asBoolean()) : managedDisk));
            }
        } catch (IOException e) {
            throw new UsageError("cannot read the manifest " + manifest + ": " + e.getMessage());
        }
        if (shard == null) {
            return all;
        }
        String[] p = shard.split("/");
        int si;
        int sn;
        try {
            si = Integer.parseInt(p[0]);
            sn = Integer.parseInt(p[1]);
        } catch (RuntimeException e) {
            throw new UsageError("--shard must be I/N, e.g. 1/3");
        }
        if (p.length != 2 || sn < 1 || si < 1 || si > sn) {
            throw new UsageError("--shard must be I/N with 1 <= I <= N, e.g. 1/3");
        }
        List<Job> mine = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            if (k % sn == si - 1) {
                mine.add(all.get(k));
            }
        }
        return mine;
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

    private int uploadOne(Job job, PrintWriter out, PrintWriter err) {
        String label = "vhdkit upload: " + job.image() + ": ";
        try {
            Inputs.requireReadable(job.image());
        } catch (IOException e) {
            err.println("vhdkit upload: cannot read " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        // 1. the rules, before anything is sent
        boolean packed;
        try {
            packed = CompressedInput.detect(job.image()) != CompressedInput.Codec.NONE;
        } catch (IOException e) {
            err.println("vhdkit upload: cannot read " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        // a compressed image's container is checked once its source is open (below); the OS rules need random access
        if (!noValidate && (!packed || validate != null && !job.fromRaw())) {
            List<String> problems;
            try {
                problems = job.fromRaw() ? rawProblems(job.image()) : packed ? packedProblems(job.image())
                        : vhdProblems(job.image());
            } catch (FormatException e) {
                err.println(label + e.getMessage());
                return ExitCodes.FINDINGS;
            } catch (IOException e) {
                err.println("vhdkit upload: cannot read " + job.image() + ": " + Inputs.reason(e));
                return ExitCodes.UNREADABLE;
            }
            if (!problems.isEmpty()) {
                err.println(label + "refused, nothing was sent:");
                problems.forEach(p -> err.println("  " + p));
                err.println("  (--no-validate sends it anyway)");
                return ExitCodes.FINDINGS;
            }
        }
        // 2. the options
        String cs = connectionString;
        String key = null;
        if (cs == null && auth != Auth.aad && (job.to() == null || !job.to().contains("sig="))) {
            cs = System.getenv("AZURE_STORAGE_CONNECTION_STRING");
            if (cs == null && job.to() != null) {
                key = System.getenv("AZURE_STORAGE_KEY");
            }
        }
        Targets.Spec targetSpec = new Targets.Spec(job.to(), cs, key, container, name,
                auth == Auth.aad ? Targets.Auth.AAD : Targets.Auth.AUTO, job.managedDisk());
        UploadOptions options;
        try {
            PageChecksum pageChecksum = switch (checksum.toLowerCase(java.util.Locale.ROOT)) {
                case "crc64" -> PageChecksum.CRC64;
                case "md5" -> PageChecksum.MD5;
                default -> throw new UsageError("--checksum must be crc64 or md5, not " + checksum);
            };
            options = UploadOptions.defaults().withThreads(threads).withChunkSize(chunkBytes())
                    .withChecksum(pageChecksum)
                    .withResume(resume, overwrite).withChecks(md5, verify).withJournal(journal)
                    .withRetries(maxTries, Duration.ofSeconds(tryTimeout), Duration.ofMillis(retryDelayMs),
                            Duration.ofSeconds(60));
        } catch (IllegalArgumentException | UsageError e) {
            err.println("vhdkit upload: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        // 3. the transfer
        UploadStats stats = new UploadStats();
        ProgressPrinter printer = null;
        try (UploadSource src = UploadSources.open(job.image(), job.fromRaw(), null)) {
            if (packed && !noValidate) {
                List<String> problems = sizeProblems(src.virtualSize(), job.image());
                if (!problems.isEmpty()) {
                    err.println(label + "refused, nothing was sent:");
                    problems.forEach(p -> err.println("  " + p));
                    err.println("  (--no-validate sends it anyway)");
                    return ExitCodes.FINDINGS;
                }
            }
            Target target = Targets.open(targetSpec, options.tryTimeout(), threads);
            if (md5 && target.managedDisk()) {
                err.println("vhdkit upload: --md5 is impossible on a managed disk: its upload endpoint takes no "
                        + "Content-MD5 (each Put Page still carries its own MD5)");
                return ExitCodes.USAGE;
            }
            out.println("uploading " + job.image() + " (" + src.description() + ", " + human(src.size()) + ") to "
                    + target);
            out.flush();
            printer = ProgressPrinter.start(progress, progressInterval, stats, err);
            UploadResult r = Uploader.upload(src, target, options, stats);
            printer.stop();
            summary(r, out);
            return ExitCodes.OK;
        } catch (UploadException e) {
            stop(printer);
            err.println(label + e.getMessage());
            debug(e, err);
            return switch (e.kind()) {
                case REFUSED -> ExitCodes.FINDINGS;
                case AUTH -> AUTH;
                case TRANSFER -> TRANSFER;
            };
        } catch (FormatException e) {
            stop(printer);
            err.println(label + e.getMessage());
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            stop(printer);
            err.println("vhdkit upload: cannot read " + job.image() + ": " + Secrets.redact(Inputs.reason(e)));
            return ExitCodes.UNREADABLE;
        } catch (InterruptedException e) {
            stop(printer);
            Thread.currentThread().interrupt();
            err.println(label + "interrupted; run again with --resume to continue");
            return TRANSFER;
        } catch (RuntimeException e) {
            stop(printer);
            // the SDK throws unchecked exceptions; never let a secret through
            err.println(label + "failed: " + Secrets.redact(String.valueOf(e.getMessage())));
            debug(e, err);
            return TRANSFER;
        }
    }

    private static void stop(ProgressPrinter p) {
        if (p != null) {
            p.stop();
        }
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

    private static void summary(UploadResult r, PrintWriter out) {
        UploadStats.Snapshot s = r.stats();
        out.printf(Locale.ROOT, "uploaded %s: %s in %.1f s%n", r.destination(), human(s.total()), s.seconds());
        out.printf(Locale.ROOT, "  read %s, sent %s in %d requests, skipped %s of zeros (%s never read)%s%s%n",
                human(s.read()), human(s.sent()), s.requests(), human(s.skipped()), human(s.holes()),
                s.cleared() > 0 ? ", cleared " + human(s.cleared()) : "",
                s.resumed() > 0 ? ", " + human(s.resumed()) + " already there (resumed)" : "");
        out.printf(Locale.ROOT, "  %.1f MB/s sent, %.1f MB/s of disk%s%n", s.sent() / 1e6 / s.seconds(),
                (s.total() - s.resumed()) / 1e6 / s.seconds(),
                s.retries() > 0 ? String.format(Locale.ROOT, "; %d retries, %d throttled, in flight down to %d",
                        s.retries(), s.throttles(), r.lowestLimit()) : "");
        if (r.md5() != null) {
            out.println("  Content-MD5 " + r.md5());
        }
        if (r.verified() >= 0) {
            out.println("  verified: " + r.verified() + " chunks read back and equal to the image");
        }
        out.flush();
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

    /** Progress: a live line on a terminal, a plain line every few seconds otherwise. */
    static final class ProgressPrinter {
        private final Thread thread;
        private final boolean tty;
        private final PrintWriter err;
        private volatile boolean running = true;

        private ProgressPrinter(boolean tty, double interval, UploadStats stats, PrintWriter err) {
            this.tty = tty;
            this.err = err;
            this.thread = new Thread(() -> loop(interval, stats), "vhdkit-progress");
            thread.setDaemon(true);
        }

        static ProgressPrinter start(Progress mode, double interval, UploadStats stats, PrintWriter err) {
            boolean tty = switch (mode) {
                case tty -> true;
                case auto -> System.console() != null && !"dumb".equals(System.getenv("TERM"));
                default -> false;
            };
            ProgressPrinter p = new ProgressPrinter(tty, tty ? 0.25 : interval, stats, err);
            if (mode != Progress.none) {
                p.thread.start();
            }
            return p;
        }

        private void loop(double interval, UploadStats stats) {
            long sleep = (long) Math.max(50, interval * 1000);
            while (running) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
                if (!running) {
                    return;
                }
                UploadStats.Snapshot s = stats.snapshot();
                double rate = s.sent() / 1e6 / Math.max(1e-3, s.seconds());
                double doneRate = (s.done() - s.resumed()) / Math.max(1e-3, s.seconds());
                long left = s.total() - s.done();
                String eta = doneRate > 0 ? String.format(Locale.ROOT, "%.0f s", left / doneRate) : "?";
                String line = String.format(Locale.ROOT, "%5.1f%%  %s of %s  sent %s  skipped %s  %.1f MB/s  ETA %s",
                        s.total() == 0 ? 0 : 100.0 * s.done() / s.total(), human(s.done()), human(s.total()),
                        human(s.sent()), human(s.skipped()), rate, eta);
                synchronized (err) {
                    if (tty) {
                        err.print("\r" + line + "   ");
                    } else {
                        err.println("progress: " + line);
                    }
                    err.flush();
                }
            }
        }

        void stop() {
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (tty && thread.getState() != Thread.State.NEW) {
                err.print("\r\033[K");
                err.flush();
            }
        }
    }
}
