package io.vhdkit.image;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.ContentProbe;
import io.vhdkit.disk.ContentType;
import io.vhdkit.disk.DiskSlice;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.ext.ExtFileSystem;
import io.vhdkit.fs.fat.FatFileSystem;
import io.vhdkit.fs.ntfs.NtfsFileSystem;
import io.vhdkit.fs.xfs.XfsFileSystem;
import io.vhdkit.lvm.Lvm;
import io.vhdkit.lvm.LvmScan;
import io.vhdkit.lvm.LvmVolume;
import io.vhdkit.partition.GptPartitionTable;
import io.vhdkit.partition.MbrPartitionTable;
import io.vhdkit.partition.NoPartitionTable;
import io.vhdkit.partition.Partition;
import io.vhdkit.partition.PartitionTable;
import io.vhdkit.vhd.VhdImage;
import io.vhdkit.vhdx.VhdxDisk;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A disk image opened for reading files: its partition table, its volumes (partitions, LVM logical volumes, or the
 * whole disk), the filesystem on each, and how they are mounted on the running system ({@link #layout()}). Nothing
 * is read before it is needed: opening reads the partition table, the first 68 KiB of each volume and the LVM
 * metadata; a filesystem is opened on first use; the layout reads the root's {@code os-release} and {@code fstab}.
 */
public final class DiskImage implements Closeable {

    private final String name;
    private final VirtualDisk disk;
    private final LongSupplier bytesRead;
    private final Closeable owner;
    private final PartitionTable table;
    private final List<Volume> volumes;
    private final List<Finding> findings;
    private final Map<String, FileSystem> fileSystems = new HashMap<>();
    private final Map<String, FormatException> unreadable = new HashMap<>();
    private MountLayout layout;

    private DiskImage(String name, VirtualDisk disk, LongSupplier bytesRead, Closeable owner, PartitionTable table,
                      List<Volume> volumes, List<Finding> findings) {
        this.name = name;
        this.disk = disk;
        this.bytesRead = bytesRead;
        this.owner = owner;
        this.table = table;
        this.volumes = List.copyOf(volumes);
        this.findings = List.copyOf(findings);
    }

    /** Opens a VHD or a VHDX (fixed, dynamic, or a differencing chain) read-only. */
    public static DiskImage open(Path path) throws IOException {
        if (isVhdx(path)) {
            VhdxDisk vhdx = VhdxDisk.open(path);
            try {
                return of(path.toString(), vhdx, vhdx::bytesRead, vhdx);
            } catch (IOException | RuntimeException e) {
                vhdx.close();
                throw e;
            }
        }
        VhdImage vhd = VhdImage.open(path);
        try {
            return of(path.toString(), vhd, vhd::bytesRead, vhd);
        } catch (IOException | RuntimeException e) {
            vhd.close();
            throw e;
        }
    }

    /** Whether the file starts with the VHDX file identifier. */
    public static boolean isVhdx(Path path) throws IOException {
        byte[] sig = VhdxDisk.SIGNATURE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(path)) {
            return java.util.Arrays.equals(sig, in.readNBytes(sig.length));
        }
    }

    /**
     * Reads the volumes of any virtual disk.
     *
     * @param owner closed with the image, or null
     */
    public static DiskImage of(String name, VirtualDisk disk, LongSupplier bytesRead, Closeable owner)
            throws IOException {
        List<Finding> findings = new ArrayList<>();
        PartitionTable table = PartitionTable.read(disk);
        findings.addAll(table.findings());
        List<Volume> volumes = new ArrayList<>();
        if (table instanceof NoPartitionTable) {
            volumes.add(new Volume("disk", Volume.Kind.WHOLE_DISK, 0, disk.size(), ContentProbe.probe(disk),
                    disk, null, null));
        } else {
            for (Partition p : table.volumes()) {
                DiskSlice slice = p.slice(disk);
                volumes.add(new Volume("p" + p.index(), Volume.Kind.PARTITION, p.start(), p.length(),
                        ContentProbe.probe(slice), slice, partitionRef(table, p), null));
            }
        }
        List<Volume> pvs = volumes.stream().filter(v -> v.content() == ContentType.LVM2_PV).toList();
        if (!pvs.isEmpty()) {
            LvmScan lvm = Lvm.scan(pvs.stream().map(Volume::disk).toList(),
                    pvs.stream().map(v -> v.id()).toList());
            findings.addAll(lvm.findings());
            for (LvmVolume lv : lvm.volumes()) {
                ContentType content = ContentType.UNKNOWN;
                if (lv.readable()) {
                    content = ContentProbe.probe(lv.disk());
                } else {
                    findings.add(Finding.of(Severity.ERROR, lv.problem().orElseThrow()));
                }
                volumes.add(new Volume(lv.name(), Volume.Kind.LOGICAL_VOLUME, -1, lv.size(), content, lv.disk(),
                        null, new Volume.LogicalVolumeRef(lv.volumeGroup(), lv.logicalVolume().name())));
            }
        }
        return new DiskImage(name, disk, bytesRead, owner, table, volumes, findings);
    }

    private static Volume.PartitionRef partitionRef(PartitionTable table, Partition p) {
        String partUuid = null;
        if (table instanceof GptPartitionTable) {
            partUuid = p.uniqueIdValue().map(UUID::toString).orElse(null);
        } else if (table instanceof MbrPartitionTable mbr) {
            partUuid = String.format(Locale.ROOT, "%08x-%02x", mbr.diskSignature(), p.index());
        }
        return new Volume.PartitionRef(p.index(), p.type().name(), p.type().id(), p.name(), partUuid, p.bootable());
    }

    public String name() {
        return name;
    }

    public VirtualDisk disk() {
        return disk;
    }

    public PartitionTable partitionTable() {
        return table;
    }

    public List<Volume> volumes() {
        return volumes;
    }

    /** What is wrong with the partition table or the LVM metadata. */
    public List<Finding> findings() {
        return findings;
    }

    /** Bytes read from the image file so far. */
    public long bytesRead() {
        return bytesRead.getAsLong();
    }

    /**
     * The volume {@code id} names: {@code p2} (or {@code 2}), {@code vg/lv}, {@code disk}, or a filesystem label or
     * UUID.
     */
    public Optional<Volume> volume(String id) throws IOException {
        for (Volume v : volumes) {
            if (v.id().equals(id) || v.id().equals("p" + id)) {
                return Optional.of(v);
            }
        }
        for (Volume v : volumes) {
            Optional<FileSystem> fs = fileSystemIfReadable(v);
            if (fs.isPresent() && (id.equals(fs.get().info().label())
                    || id.equalsIgnoreCase(String.valueOf(fs.get().info().uuid())))) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * The filesystem on a volume, opened on first use.
     *
     * @throws FormatException when the volume holds no filesystem vhdkit reads, or a damaged one
     */
    public synchronized FileSystem fileSystem(Volume v) throws IOException {
        FileSystem fs = fileSystems.get(v.id());
        if (fs != null) {
            return fs;
        }
        FormatException known = unreadable.get(v.id());
        if (known != null) {
            throw known;
        }
        try {
            fs = switch (v.content()) {
                case EXT -> ExtFileSystem.open(v.disk());
                case XFS -> XfsFileSystem.open(v.disk());
                case VFAT -> FatFileSystem.open(v.disk());
                case NTFS -> NtfsFileSystem.open(v.disk());
                case BITLOCKER -> throw new UnsupportedFormatException(FieldRef.of("volume", v.id(), "signature",
                        v.offset() < 0 ? FieldRef.NO_OFFSET : v.offset() + 3), "-FVE-FS-", "an unencrypted filesystem",
                        "volume " + v.id() + " is encrypted with BitLocker, so its files cannot be read offline; "
                        + "decrypt it (`manage-bde -off C:`, then wait for `manage-bde -status` to say "
                        + "Fully Decrypted) before capturing the image");
                default -> throw new UnsupportedFormatException(FieldRef.of("volume", v.id(), "content",
                        FieldRef.NO_OFFSET), v.content().label(), "a filesystem vhdkit reads",
                        "volume " + v.id() + " holds " + v.content().description() + ", which vhdkit does not read");
            };
        } catch (FormatException e) {
            unreadable.put(v.id(), e);
            throw e;
        }
        fileSystems.put(v.id(), fs);
        return fs;
    }

    /** The filesystem on a volume, or empty when it has none vhdkit reads or it is damaged. */
    public Optional<FileSystem> fileSystemIfReadable(Volume v) throws IOException {
        if (!v.content().readableFilesystem()) {
            return Optional.empty();
        }
        try {
            return Optional.of(fileSystem(v));
        } catch (FormatException e) {
            return Optional.empty();
        }
    }

    /** Why a volume's filesystem could not be opened, if it was tried and failed. */
    public synchronized Optional<FormatException> fileSystemProblem(Volume v) {
        return Optional.ofNullable(unreadable.get(v.id()));
    }

    /** How the volumes are mounted on the running system (computed once). */
    public synchronized MountLayout layout() throws IOException {
        if (layout == null) {
            layout = new LayoutBuilder(this).build();
        }
        return layout;
    }

    /** Paths resolved as on the running system, or within one volume when {@code volumeId} is given. */
    public PathResolver resolver(Optional<String> volumeId) throws IOException {
        if (volumeId.isPresent()) {
            Volume v = volume(volumeId.get()).orElseThrow(() -> new java.nio.file.NoSuchFileException(
                    volumeId.get(), null, "no such volume in " + name));
            return new PathResolver(fileSystem(v));
        }
        MountLayout l = layout();
        if (l.rootVolume().isEmpty()) {
            throw new java.nio.file.NoSuchFileException(name, null,
                    "no operating system root was found: pick a volume with --volume");
        }
        return new PathResolver(l.mounts());
    }

    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (FileSystem fs : fileSystems.values()) {
            try {
                fs.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (owner != null) {
            owner.close();
        }
        if (first != null) {
            throw first;
        }
    }
}
