package io.vhdkit.bench;

import io.vhdkit.disk.ContentType;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Volume;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Whole-disk VHDs holding one real filesystem, made with the real tools: a directory tree becomes an ext4
 * ({@code mkfs.ext4 -d}, then {@code e2fsck -fyD} so that large directories get their htree index) or an XFS
 * ({@code mkfs.xfs -p} with a protofile written here) filesystem image; that image is copied with {@code dd} into
 * the one partition of a GPT disk made by {@code sgdisk} (at 1 MiB, exactly the filesystem's size), and the disk is
 * converted with {@code qemu-img convert -O vpc -o subformat=fixed,force_size=on}. Every tool is checked before
 * use; a missing one fails the setup with the Debian package to install.
 */
final class FsImages {

    /** The filesystems the benchmarks read. */
    enum Fs {
        EXT4("ext4", ContentType.EXT),
        XFS("xfs", ContentType.XFS);

        final String id;
        final ContentType content;

        Fs(String id, ContentType content) {
            this.id = id;
            this.content = content;
        }

        static Fs of(String id) {
            for (Fs f : values()) {
                if (f.id.equals(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("fs must be ext4 or xfs, not " + id);
        }
    }

    /** Checks a freshly made filesystem image with the filesystem's own tools; returns notes, or fails. */
    interface ImageCheck {
        String check(Path fsImage) throws IOException;
    }

    /** Where the partition starts: 1 MiB, as partitioning tools align it. */
    static final long PARTITION_START = 1L << 20;
    /** Room after the partition for GPT's backup header and entries. */
    static final long DISK_TAIL = 1L << 20;
    /** The GPT partition's type (Linux filesystem), name and unique id. */
    static final String PARTITION_TYPE = "8300";
    static final String PARTITION_NAME = "root";
    static final String PARTITION_UUID = "b3c4d5e6-0000-4000-8000-000000000001";
    /** The ext4 htree hash seed, so that two builds index directories alike. */
    static final String EXT4_HASH_SEED = "a1b2c3d4-0000-4000-8000-000000000042";
    /** mkfs.xfs refuses filesystems under 300 MB; these xfstests variables lift that limit only. */
    static final Map<String, String> XFS_SMALL_OK = Map.of("TEST_DIR", "1", "TEST_DEV", "1", "QA_CHECK_FS", "1");

    private FsImages() {
    }

    /** Checks every tool a build of {@code fs} needs (and logs their versions); fails naming what is missing. */
    static void requireTools(Fs fs) throws IOException {
        List<String> versions = new ArrayList<>();
        if (fs == Fs.EXT4) {
            versions.add(BenchData.requireTool("mkfs.ext4", "e2fsprogs", "-V"));
            versions.add(BenchData.requireTool("e2fsck", "e2fsprogs", "-V"));
            versions.add(BenchData.requireTool("debugfs", "e2fsprogs", "-V"));
        } else {
            versions.add(BenchData.requireTool("mkfs.xfs", "xfsprogs", "-V"));
            versions.add(BenchData.requireTool("xfs_db", "xfsprogs", "-V"));
        }
        versions.add(BenchData.requireTool("sgdisk", "gdisk", "--version"));
        versions.add(BenchData.requireTool("dd", "coreutils", "--version"));
        versions.add(BenchData.requireQemuImg());
        BenchData.log("tools: " + String.join("; ", versions));
    }

    /**
     * Makes a fixed VHD at {@code vhd} whose GPT partition 1 holds {@code fs} made from {@code tree}.
     *
     * @param fsBytes the filesystem's (and the partition's) size, a multiple of 1 MiB
     * @param mkfsArgs more options for mkfs
     * @param work    a scratch directory for the filesystem image and the raw disk, both deleted afterwards
     * @param check   run on the filesystem image before it is copied into the disk
     * @return what the tools said of the result (for the set's notes)
     */
    static String makeDisk(Fs fs, Path tree, long fsBytes, String label, String uuid, List<String> mkfsArgs,
                           Path vhd, Path work, ImageCheck check) throws IOException {
        if (fsBytes <= 0 || fsBytes % (1 << 20) != 0) {
            throw new IllegalArgumentException("filesystem size " + fsBytes + " is not a positive number of MiB");
        }
        Path img = work.resolve(fs.id + ".img");
        Path raw = work.resolve(fs.id + ".raw");
        truncate(img, fsBytes);
        StringBuilder notes = new StringBuilder();
        if (fs == Fs.EXT4) {
            makeExt4(tree, img, label, uuid, mkfsArgs, notes);
        } else {
            makeXfs(tree, img, label, uuid, mkfsArgs, work, notes);
        }
        notes.append(check.check(img));
        truncate(raw, PARTITION_START + fsBytes + DISK_TAIL);
        BenchData.run(List.of(BenchData.tool("sgdisk", "gdisk"), "-o",
                "-n", "1:" + PARTITION_START / 512 + ":+" + fsBytes / 1024 + "K", "-t", "1:" + PARTITION_TYPE,
                "-c", "1:" + PARTITION_NAME, "-u", "1:" + PARTITION_UUID, raw.toString()), Map.of(), "gdisk");
        BenchData.run(List.of(BenchData.tool("dd", "coreutils"), "if=" + img, "of=" + raw, "bs=1M",
                "seek=" + PARTITION_START / (1 << 20), "conv=notrunc,sparse", "status=none"), Map.of(), "coreutils");
        Files.delete(img);
        BenchData.convertToFixedVhd(raw, vhd);
        Files.delete(raw);
        checkDisk(vhd, fs, fsBytes);
        return notes.toString();
    }

    private static void makeExt4(Path tree, Path img, String label, String uuid, List<String> mkfsArgs,
                                 StringBuilder notes) throws IOException {
        // -T default: the usage type of a root filesystem (4 KiB blocks, 256-byte inodes), whatever the size
        List<String> cmd = new ArrayList<>(List.of(BenchData.tool("mkfs.ext4", "e2fsprogs"), "-q", "-F", "-T",
                "default", "-b", "4096", "-L", label, "-U", uuid, "-E", "hash_seed=" + EXT4_HASH_SEED
                        + ",lazy_itable_init=1,lazy_journal_init=1,nodiscard"));
        cmd.addAll(mkfsArgs);
        cmd.addAll(List.of("-d", tree.toString(), img.toString()));
        BenchData.run(cmd, Map.of(), "e2fsprogs");
        // mke2fs -d writes every directory linear; -D indexes those of more than one block (htree), as the kernel
        // does when a directory grows past one block
        BenchData.Result fsck = BenchData.exec(List.of(BenchData.tool("e2fsck", "e2fsprogs"), "-fyD",
                img.toString()), Map.of(), "e2fsprogs");
        if (fsck.exitCode() > 1) {
            throw new IllegalStateException("e2fsck -fyD " + img + " exited " + fsck.exitCode() + ":\n"
                    + fsck.output());
        }
        BenchData.Result check = BenchData.exec(List.of(BenchData.tool("e2fsck", "e2fsprogs"), "-fn",
                img.toString()), Map.of(), "e2fsprogs");
        if (check.exitCode() != 0) {
            throw new IllegalStateException(img + " is not clean after e2fsck -fyD:\n" + check.output());
        }
        notes.append(BenchData.run(List.of(BenchData.tool("dumpe2fs", "e2fsprogs"), "-h", img.toString()),
                Map.of(), "e2fsprogs").lines().filter(l -> l.startsWith("Filesystem features:")
                || l.startsWith("Block size:") || l.startsWith("Inode size:") || l.startsWith("Block count:"))
                .reduce("", (a, b) -> a + b + "\n"));
    }

    /**
     * mkfs.xfs -p. Beware: mkfs.xfs 6.1 writes a protofile's regular file in one allocation, which cannot span
     * allocation groups; a file larger than the free space of one AG gets only its first extent mapped (the rest
     * reads as a hole) and an AGF with a bad CRC. Callers with large files size the AGs for them ({@code -d
     * agcount=N}).
     */
    private static void makeXfs(Path tree, Path img, String label, String uuid, List<String> mkfsArgs, Path work,
                                StringBuilder notes) throws IOException {
        Path proto = work.resolve("proto.txt");
        Files.writeString(proto, protofile(tree));
        List<String> cmd = new ArrayList<>(List.of(BenchData.tool("mkfs.xfs", "xfsprogs"), "-f", "-L", label,
                "-m", "uuid=" + uuid));
        cmd.addAll(mkfsArgs);
        cmd.addAll(List.of("-p", proto.toString(), img.toString()));
        String out = BenchData.run(cmd, XFS_SMALL_OK, "xfsprogs");
        notes.append(out.replace(img.toString(), img.getFileName().toString()));
        Files.delete(proto);
    }

    /** Runs {@code debugfs -R request} (ext) or {@code xfs_db -r -c ...} (XFS) on a filesystem image. */
    static String inspect(Fs fs, Path img, String... requests) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (fs == Fs.EXT4) {
            cmd.add(BenchData.tool("debugfs", "e2fsprogs"));
            for (String r : requests) {
                cmd.add("-R");
                cmd.add(r);
            }
            cmd.add(img.toString());
            return BenchData.run(cmd, Map.of(), "e2fsprogs");
        }
        cmd.add(BenchData.tool("xfs_db", "xfsprogs"));
        cmd.add("-r");
        for (String r : requests) {
            cmd.add("-c");
            cmd.add(r);
        }
        cmd.add(img.toString());
        return BenchData.run(cmd, Map.of(), "xfsprogs");
    }

    /**
     * An mkfs.xfs protofile (xfsprogs mkfs/proto.c) for a tree of directories, regular files and symlinks, in
     * sorted order, every file owned by 0:0 with its own permission bits. Refuses what the format cannot say: names
     * or paths with whitespace, the name {@code $}, other file types.
     */
    static String protofile(Path tree) throws IOException {
        StringBuilder out = new StringBuilder("/dev/null\n0 0\n");
        out.append("d--").append(perms(tree)).append(" 0 0\n");
        protoDir(tree, 1, out);
        out.append("$\n");
        return out.toString();
    }

    private static void protoDir(Path dir, int depth, StringBuilder out) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        String indent = " ".repeat(depth);
        for (Path p : children) {
            String name = p.getFileName().toString();
            if (name.equals("$") || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(p + ": a protofile cannot hold this name");
            }
            out.append(indent).append(name).append(' ');
            if (Files.isSymbolicLink(p)) {
                String target = Files.readSymbolicLink(p).toString();
                if (target.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException(p + ": a protofile cannot hold the target " + target);
                }
                out.append("l--777 0 0 ").append(target).append('\n');
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                out.append("d--").append(perms(p)).append(" 0 0\n");
                protoDir(p, depth + 1, out);
                out.append(indent).append("$\n");
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                String source = p.toAbsolutePath().toString();
                if (source.chars().anyMatch(Character::isWhitespace)) {
                    throw new IllegalArgumentException(source + ": the protofile names source files by path, "
                            + "which must not contain whitespace (move the bench data, -Dvhdkit.bench.data=DIR)");
                }
                out.append("---").append(perms(p)).append(" 0 0 ").append(source).append('\n');
            } else {
                throw new IllegalArgumentException(p + ": only directories, regular files and symlinks");
            }
        }
    }

    private static String perms(Path p) throws IOException {
        Set<PosixFilePermission> set = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : set) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return String.format("%03o", mode);
    }

    /** The disk reads back as vhdkit sees it: one GPT partition at 1 MiB, {@code fsBytes} long, holding {@code fs}. */
    static void checkDisk(Path vhd, Fs fs, long fsBytes) throws IOException {
        try (DiskImage image = DiskImage.open(vhd)) {
            List<Volume> volumes = image.volumes();
            if (volumes.size() != 1 || volumes.get(0).offset() != PARTITION_START
                    || volumes.get(0).size() != fsBytes || volumes.get(0).content() != fs.content) {
                throw new IllegalStateException(vhd + ": expected one " + fs.id + " partition of " + fsBytes
                        + " bytes at " + PARTITION_START + ", found " + volumes);
            }
        }
    }

    /** Creates a file of {@code size} bytes, sparse. */
    static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    /** Writes a small text file, making its directory. */
    static void text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
