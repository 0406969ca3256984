package io.vhdkit.validator.rules;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The VHD container as Azure takes it: a fixed VHD whose last 512 bytes are an intact footer, a virtual size that is a
 * whole number of MiB between 20 MiB and the upload limits, a file exactly the virtual size plus the footer.
 */
final class ContainerRules {

    static final long MIB = 1024 * 1024;
    /** Managed disks and Marketplace: at least 20 MiB. */
    static final long MIN_SIZE = 20 * MIB;
    /** A page blob holds at most 8 TiB. */
    static final long PAGE_BLOB_MAX = 8L << 40;
    /** Direct upload to a managed disk: at most 32 TiB. */
    static final long MANAGED_DISK_MAX = 32L << 40;
    /** Gen2 OS disks beyond 4 TiB are unsupported; Gen1 (MBR) OS disks stop at 2 TiB. */
    static final long OS_DISK_MAX = 4L << 40;
    static final long GEN1_OS_DISK_MAX = 2L << 40;

    private static final String TO_FIXED = "convert it to a fixed VHD: `vhdkit convert IN.vhd OUT.vhd` (a "
            + "dynamic or differencing VHD is read through its whole chain)";

    private ContainerRules() {
    }

    private static Optional<VhdFile> vhd(ImageContext ctx) {
        return ctx.vhd();
    }

    static final class NotVhd extends BaseRule {
        NotVhd() {
            super("vhd/not-vhd", Scope.CONTAINER, "The file is a VHD: its last 512 bytes are a VHD footer",
                    "convert the image to a fixed VHD: `vhdkit convert IN OUT.vhd` (a raw disk or a VHDX; other "
                            + "formats: `qemu-img convert -O vpc -o subformat=fixed,force_size=on IN OUT.vhd`)",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) {
            return ctx.vhdError().filter(e -> e instanceof NotThisFormatException)
                    .map(e -> List.of(withFix(ctx, Hit.of("not a VHD: " + e.problem())))).orElse(List.of());
        }

        /** A VHDX, or a raw disk with a partition table, is converted by vhdkit itself. */
        private static Hit withFix(ImageContext ctx, Hit hit) {
            try (io.vhdkit.io.FileByteSource source = io.vhdkit.io.FileByteSource.open(ctx.image())) {
                io.vhdkit.disk.ImageProbe.Kind kind = io.vhdkit.disk.ImageProbe.probe(source);
                return switch (kind) {
                    case VHDX -> hit.withFix("this is a VHDX: run `vhdkit convert IN OUT.vhd` (a fixed VHD; "
                            + "add --align-mib if its size is not a whole MiB)");
                    case RAW_GPT, RAW_MBR -> hit.withFix("this is a raw disk: run `vhdkit convert IN OUT.vhd`");
                    default -> hit;
                };
            } catch (IOException e) {
                return hit;
            }
        }
    }

    static final class FooterChecksum extends BaseRule {
        FooterChecksum() {
            super("vhd/footer-checksum", Scope.CONTAINER, "The footer's checksum is right",
                    "run `vhdkit repair IN.vhd` (`--dry-run` first shows the change): it restores the footer from its "
                            + "copy at offset 0 of a dynamic disk, or recomputes the checksum when the rest is sound",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            if (ctx.vhd().isEmpty()) {
                return List.of();
            }
            List<Hit> out = new ArrayList<>();
            for (Finding f : ctx.structure()) {
                if (f.code().equals("footer.checksum") && f.severity() == Severity.ERROR) {
                    out.add(Hit.of(f.where().location() + ": " + f.message()));
                }
            }
            return out;
        }
    }

    static final class NotFixed extends BaseRule {
        NotFixed() {
            super("vhd/not-fixed", Scope.CONTAINER, "The VHD is fixed (Azure takes no dynamic or differencing VHD)",
                    TO_FIXED, Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) {
            return vhd(ctx).filter(v -> v.diskType() != DiskType.FIXED)
                    .map(v -> List.of(Hit.of("the VHD is " + v.diskType().label() + "; Azure needs a fixed VHD")
                            .withFix(v.virtualSize() % MIB == 0 ? TO_FIXED : "convert it to a fixed VHD of a whole "
                                    + "number of MiB: `vhdkit convert IN.vhd OUT.vhd --align-mib`")))
                    .orElse(List.of());
        }
    }

    static final class SizeNotMibAligned extends BaseRule {
        SizeNotMibAligned() {
            super("vhd/size-not-mib-aligned", Scope.CONTAINER, "The virtual size is a whole number of MiB",
                    "grow the virtual size to the next whole MiB: `vhdkit resize IN.vhd --align-mib`",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) {
            Optional<VhdFile> v = vhd(ctx);
            if (v.isEmpty() || v.get().virtualSize() % MIB == 0) {
                return List.of();
            }
            long size = v.get().virtualSize();
            long aligned = (size / MIB + 1) * MIB;
            return List.of(Hit.of(String.format(Locale.ROOT, "virtual size %d is not a whole MiB (%.2f MiB); Azure "
                    + "rejects it", size, size / (double) MIB)).withFix("run `vhdkit resize IN.vhd --align-mib` "
                    + "(grows it to " + aligned + " bytes in place), or `vhdkit convert IN.vhd OUT.vhd --align-mib` "
                    + "for a new fixed VHD"));
        }
    }

    static final class SizeLimit extends BaseRule {
        SizeLimit() {
            super("vhd/size-limit", Scope.CONTAINER, "The virtual size is within Azure's limits (20 MiB to 32 TiB; "
                    + "OS disks at most 4 TiB, 2 TiB on Gen1)", "resize the disk within the limits: `vhdkit resize "
                    + "IN.vhd --size BYTES` (it never cuts into a partition)",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            Optional<VhdFile> v = vhd(ctx);
            if (v.isEmpty()) {
                return List.of();
            }
            long size = v.get().virtualSize();
            List<Hit> out = new ArrayList<>();
            if (size < MIN_SIZE) {
                out.add(Hit.of("virtual size " + size + " is below Azure's minimum of 20 MiB (" + MIN_SIZE + ")"));
            } else if (size > MANAGED_DISK_MAX) {
                out.add(Hit.of("virtual size " + size + " is above Azure's maximum of 32 TiB (" + MANAGED_DISK_MAX
                        + ")"));
            } else if (size > PAGE_BLOB_MAX) {
                out.add(Hit.of("virtual size " + size + " is above a page blob's 8 TiB: upload it straight into a "
                        + "managed disk").withSeverity(Severity.WARNING));
            }
            if (ctx.profile().expectsOs() && size <= MANAGED_DISK_MAX) {
                if (size > OS_DISK_MAX) {
                    out.add(Hit.of("virtual size " + size + " is above the 4 TiB Azure supports for OS disks"));
                } else if (size > GEN1_OS_DISK_MAX && !gpt(ctx)) {
                    out.add(Hit.of("virtual size " + size + " is above the 2 TiB of a Gen1 (MBR) OS disk; a larger OS "
                            + "disk must be Gen2 (GPT with an EFI system partition)").withSeverity(Severity.WARNING));
                }
            }
            return out;
        }

        private static boolean gpt(ImageContext ctx) {
            return ctx.disk().map(d -> d.partitionTable().scheme().equals("GPT")).orElse(false);
        }
    }

    static final class FileSize extends BaseRule {
        FileSize() {
            super("vhd/file-size", Scope.CONTAINER, "The file is exactly the virtual size plus the 512-byte footer",
                    "`vhdkit repair IN.vhd` cuts bytes after the footer and completes a 511-byte footer; a file "
                            + "whose data and footer disagree otherwise is converted again from its source",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) {
            Optional<VhdFile> v = vhd(ctx);
            if (v.isEmpty() || v.get().diskType() != DiskType.FIXED) {
                return List.of();
            }
            long expected = v.get().virtualSize() + VhdFooter.SIZE;
            long actual = v.get().fileSize();
            if (actual == expected) {
                return List.of();
            }
            return List.of(Hit.of("the file is " + actual + " bytes; a fixed VHD of virtual size "
                    + v.get().virtualSize() + " is " + expected + " (" + describe(v.get()) + ")")
                    .withFix(fix(v.get())));
        }

        private static String fix(VhdFile v) {
            return switch (v.footerLocation()) {
                case LEGACY_END -> "run `vhdkit repair IN.vhd`: it completes the footer to 512 bytes";
                case BEFORE_TRAILING_BYTES -> "run `vhdkit repair IN.vhd`: it cuts the bytes after the footer";
                default -> "the footer's virtual size does not match the data: convert the image again from its "
                        + "source (`vhdkit convert`)";
            };
        }

        private static String describe(VhdFile v) {
            return switch (v.footerLocation()) {
                case LEGACY_END -> "its footer is a 511-byte legacy footer";
                case BEFORE_TRAILING_BYTES -> (v.fileSize() - v.footerOffset() - VhdFooter.SIZE)
                        + " bytes follow the footer";
                default -> "data and footer do not add up";
            };
        }
    }

    static final class Structure extends BaseRule {
        /** Findings another container rule reports already. */
        private static final Set<String> COVERED = Set.of("footer.checksum", "file.not-vhd", "file.trailing-bytes",
                "file.size", "footer.length");

        Structure() {
            super("vhd/structure", Scope.CONTAINER, "The VHD's structures are sound (what vhdkit check reports)",
                    "run `vhdkit check IN.vhd` for the details; `vhdkit repair IN.vhd` fixes what it can without "
                            + "losing data; otherwise convert the image again from its source",
                    Severity.ERROR, Severity.ERROR, Severity.ERROR);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            List<Hit> out = new ArrayList<>();
            if (ctx.vhdError().isPresent() && !(ctx.vhdError().get() instanceof NotThisFormatException)) {
                out.add(Hit.of(ctx.vhdError().get().getMessage()));
                return out;
            }
            if (ctx.vhd().isEmpty()) {
                return out;
            }
            for (Finding f : ctx.structure()) {
                if (f.severity() == Severity.ERROR && !COVERED.contains(f.code())) {
                    out.add(Hit.of(f.where().location() + ": " + f.message() + " [" + f.code() + "]"));
                }
            }
            ctx.diskError().ifPresent(e -> out.add(Hit.of("the disk cannot be read: " + e.getMessage())));
            return out;
        }
    }
}
