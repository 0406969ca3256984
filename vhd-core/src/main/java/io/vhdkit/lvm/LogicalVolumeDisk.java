package io.vhdkit.lvm;

import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A logical volume read as a disk, the way device-mapper maps it: each segment of the LV covers
 * {@code extentCount * extentSize} sectors of it. A linear segment (one stripe) maps LV sector {@code s} of the
 * segment to PV sector {@code pe_start + firstExtent * extentSize + s}; a striped segment cuts the segment into chunks
 * of {@code stripeSize} sectors and sends chunk {@code c} to stripe {@code c % stripes}, at chunk row
 * {@code c / stripes} of that stripe's area (Linux {@code drivers/md/dm-stripe.c}, {@code stripe_map_sector}). A read
 * is split at every chunk and segment boundary.
 *
 * <p>An LV that vhdkit cannot read still has a size, but every {@link #read} and {@link #allocatedExtents} fails:
 * with an {@link UnsupportedFormatException} naming the segment type when a segment is not striped (thin, raid,
 * mirror, cache, snapshot, ...), with a {@link CorruptFormatException} when a PV it uses is missing from the image
 * (like LVM, which does not activate a partial LV unless told to).
 *
 * <p>{@link #allocatedExtents()} maps the PVs' allocated ranges back exactly for linear segments; a striped segment
 * counts as wholly allocated when any of its areas holds an allocated byte (coarse, as the contract allows, so that
 * the list stays short).
 *
 * <p>Immutable; reads are as thread-safe as the PVs' disks.
 */
public final class LogicalVolumeDisk implements VirtualDisk {

    private static final long SECTOR = VolumeGroup.SECTOR;

    private final String name;
    private final long size;
    private final Supplier<FormatException> problem;
    private final long[] segmentStart;
    private final long[] segmentLength;
    private final long[] chunk;
    private final VirtualDisk[][] disks;
    private final String[][] pvNames;
    private final long[][] areaOffset;

    private LogicalVolumeDisk(String name, long size, Supplier<FormatException> problem, long[] segmentStart,
                              long[] segmentLength, long[] chunk, VirtualDisk[][] disks, String[][] pvNames,
                              long[][] areaOffset) {
        this.name = name;
        this.size = size;
        this.problem = problem;
        this.segmentStart = segmentStart;
        this.segmentLength = segmentLength;
        this.chunk = chunk;
        this.disks = disks;
        this.pvNames = pvNames;
        this.areaOffset = areaOffset;
    }

    /**
     * The disk of {@code lv}.
     *
     * @param pvDisks the devices of the VG's PVs that are present, by their key in the metadata ({@code "pv0"})
     */
    public static LogicalVolumeDisk of(VolumeGroup vg, LogicalVolume lv, Map<String, ? extends VirtualDisk> pvDisks) {
        String name = vg.name() + "/" + lv.name();
        long extentBytes = vg.extentBytes();
        long size = lv.extentCount() * extentBytes;     // MetadataDecoder checked it does not overflow
        Optional<Segment> unmapped = lv.unmappedSegment();
        if (unmapped.isPresent()) {
            Segment s = unmapped.get();
            String why = lv.snapshotOrigin() != null
                    ? name + " is the copy-on-write store of a snapshot of " + lv.snapshotOrigin()
                            + " - vhdkit does not read snapshots"
                    : name + ": " + s.name() + " is a " + Text.quote(s.type()) + " segment - vhdkit reads only "
                            + "linear and striped LVs";
            String type = lv.snapshotOrigin() != null ? "snapshot" : s.type();
            return failing(name, size, () -> new UnsupportedFormatException(
                    FieldRef.of("LVM", "logical volume", "segment type", FieldRef.NO_OFFSET), type,
                    "striped", why));
        }
        List<String> missing = new ArrayList<>();
        for (Segment s : lv.segments()) {
            for (StripeArea a : s.stripes()) {
                if (!pvDisks.containsKey(a.pvName()) && !missing.contains(a.pvName())) {
                    missing.add(a.pvName());
                }
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder which = new StringBuilder();
            for (String pv : missing) {
                which.append(which.length() == 0 ? "" : ", ").append(pv);
                vg.physicalVolume(pv).ifPresent(p -> which.append(" (id ").append(p.id()).append(')'));
            }
            String why = name + " is incomplete: it needs " + (missing.size() == 1 ? "PV " : "PVs ") + which
                    + ", not in the image";
            return failing(name, size, () -> new CorruptFormatException(
                    FieldRef.of("LVM", "logical volume", "physical volumes", FieldRef.NO_OFFSET), why));
        }
        int n = lv.segments().size();
        long[] start = new long[n];
        long[] length = new long[n];
        long[] chunk = new long[n];
        VirtualDisk[][] disks = new VirtualDisk[n][];
        String[][] names = new String[n][];
        long[][] offsets = new long[n][];
        for (int i = 0; i < n; i++) {
            Segment s = lv.segments().get(i);
            start[i] = s.startExtent() * extentBytes;
            length[i] = s.extentCount() * extentBytes;
            chunk[i] = s.stripeCount() == 1 ? length[i] : s.stripeSize() * SECTOR;
            disks[i] = new VirtualDisk[s.stripeCount()];
            names[i] = new String[s.stripeCount()];
            offsets[i] = new long[s.stripeCount()];
            for (int k = 0; k < s.stripeCount(); k++) {
                StripeArea a = s.stripes().get(k);
                VgPhysicalVolume pv = vg.physicalVolume(a.pvName()).orElseThrow();
                disks[i][k] = pvDisks.get(a.pvName());
                names[i][k] = a.pvName();
                offsets[i][k] = (pv.peStart() + a.startExtent() * vg.extentSize()) * SECTOR;
            }
        }
        return new LogicalVolumeDisk(name, size, null, start, length, chunk, disks, names, offsets);
    }

    private static LogicalVolumeDisk failing(String name, long size, Supplier<FormatException> problem) {
        return new LogicalVolumeDisk(name, size, problem, new long[0], new long[0], new long[0],
                new VirtualDisk[0][], new String[0][], new long[0][]);
    }

    /** {@code "vg/lv"}. */
    public String name() {
        return name;
    }

    /** Why the LV cannot be read, or empty when it can. */
    public Optional<FormatException> problem() {
        return problem == null ? Optional.empty() : Optional.of(problem.get());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        if (problem != null) {
            throw problem.get();
        }
        int n = dst.remaining();
        if (position < 0 || position > size || n > size - position) {
            throw new CorruptFormatException(FieldRef.of("LVM", "logical volume", "read range", FieldRef.NO_OFFSET),
                    "a read of " + n + " bytes at " + position + " lies outside " + name + " (" + size + " bytes)");
        }
        long pos = position;
        while (dst.hasRemaining()) {
            int i = segmentAt(pos);
            long off = pos - segmentStart[i];
            int stripes = disks[i].length;
            long c = off / chunk[i];
            long inChunk = off % chunk[i];
            int stripe = (int) (c % stripes);
            long at = areaOffset[i][stripe] + (c / stripes) * chunk[i] + inChunk;
            int len = (int) Math.min(dst.remaining(), Math.min(chunk[i] - inChunk, segmentLength[i] - off));
            VirtualDisk d = disks[i][stripe];
            if (at > d.size() - len) {
                throw new CorruptFormatException(FieldRef.of("LVM", "logical volume", "physical volumes",
                        FieldRef.NO_OFFSET), name + ": byte " + pos + " of the LV maps to byte " + at + " of "
                        + pvNames[i][stripe] + ", beyond the end of its device (" + d.size() + " bytes)");
            }
            d.read(at, dst.slice(dst.position(), len));
            dst.position(dst.position() + len);
            pos += len;
        }
    }

    private int segmentAt(long pos) {
        int i = Arrays.binarySearch(segmentStart, pos);
        return i >= 0 ? i : -i - 2;
    }

    @Override
    public List<Extent> allocatedExtents() throws IOException {
        if (problem != null) {
            throw problem.get();
        }
        Map<VirtualDisk, List<Extent>> cache = new IdentityHashMap<>();
        List<Extent> out = new ArrayList<>();
        for (int i = 0; i < segmentStart.length; i++) {
            long areaLength = segmentLength[i] / disks[i].length;
            boolean any = false;
            for (int k = 0; k < disks[i].length; k++) {
                VirtualDisk d = disks[i][k];
                List<Extent> pv = cache.get(d);
                if (pv == null) {
                    pv = Extents.normalize(d.allocatedExtents());
                    cache.put(d, pv);
                }
                long from = areaOffset[i][k];
                List<Extent> hit = Extents.clip(pv, from, from + areaLength);
                if (disks[i].length == 1) {
                    for (Extent e : hit) {
                        out.add(new Extent(segmentStart[i] + e.offset() - from, e.length()));
                    }
                } else if (!hit.isEmpty()) {
                    any = true;
                }
            }
            if (any) {
                out.add(new Extent(segmentStart[i], segmentLength[i]));
            }
        }
        return Extents.normalize(out);
    }

    @Override
    public void close() {
        // the PVs' disks belong to whoever scanned them
    }

    @Override
    public String toString() {
        return "LogicalVolumeDisk[" + name + ", " + size + " bytes]";
    }
}
