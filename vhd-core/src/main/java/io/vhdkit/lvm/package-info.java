/**
 * LVM2 volumes, read-only and in pure Java: physical volume labels, the text metadata of volume groups, and logical
 * volumes as {@link io.vhdkit.disk.VirtualDisk}s (linear and striped; other segment types are listed, not read).
 *
 * <h2>Calling it</h2>
 * Give {@link io.vhdkit.lvm.Lvm#scan(java.util.List)} every device of the image that may be a PV: the partitions
 * (usually {@link io.vhdkit.disk.DiskSlice}s, whose names appear in messages) and, when the disk has no partition
 * table, the whole disk (a PV may be a whole disk). It never throws for damaged LVM structures: they become
 * {@link io.vhdkit.check.Finding}s.
 * <pre>{@code
 * List<VirtualDisk> candidates = partitions.isEmpty() ? List.of(disk) : partitions;
 * LvmScan lvm = Lvm.scan(candidates);
 * for (int i = 0; i < candidates.size(); i++) {
 *     if (lvm.physicalVolume(i).isPresent()) { ... a PV: no filesystem of its own, do not probe it ... }
 * }
 * for (LvmVolume lv : lvm.volumes()) {        // visible LVs, VG by VG
 *     String name = lv.name();                 // "vgfx/root", as /dev/vgfx/root
 *     if (lv.readable()) { probeFilesystem(lv.disk()); } else { report(lv.problem().get()); }
 * }
 * findings.addAll(lvm.findings());
 * }</pre>
 * The LV disks read through the candidates' disks (no copy); they are immutable and thread-safe, and closing them
 * does nothing. Offsets in the findings' and exceptions' {@link io.vhdkit.format.FieldRef}s are byte offsets within
 * the candidate device named in the message (the partition or the disk), not within the image file.
 *
 * <h2>What is read (lvm2 2.03 on-disk format, little-endian)</h2>
 * <ul>
 *   <li>{@link io.vhdkit.lvm.LvmLabel}: "LABELONE" in one of the first four sectors (lvm2 {@code lib/label/label.h}),
 *       checked by sector number and {@link io.vhdkit.lvm.LvmCrc} (lvm2's {@code calc_crc}: CRC-32 register from
 *       0xf597a6cf, no final XOR; not the standard CRC-32), type "LVM2 001"; then the
 *       {@link io.vhdkit.lvm.PvHeader}: uuid, device size, data and metadata area lists.</li>
 *   <li>{@link io.vhdkit.lvm.MetadataArea}: the mda_header (checksum, magic, version, start, size, raw_locns) and the
 *       committed text metadata it points at, including a copy that wraps around the end of the circular buffer,
 *       with its checksum checked; at most 4 MiB.</li>
 *   <li>{@link io.vhdkit.lvm.ConfigParser}: LVM's configuration syntax, with bounded depth and token count;
 *       {@link io.vhdkit.lvm.MetadataDecoder} turns it into a validated {@link io.vhdkit.lvm.VolumeGroup}.</li>
 *   <li>{@link io.vhdkit.lvm.Lvm#scan}: PVs matched to the metadata by uuid (the label's 32 characters against the
 *       metadata's {@code id} without dashes); the newest copy (highest seqno) of each VG; findings for missing PVs
 *       (their LVs are listed but fail to read), duplicate PV uuids, stale or inconsistent copies, truncated PVs,
 *       unreadable metadata areas, orphan PVs, and LVs of types vhdkit does not read.</li>
 *   <li>{@link io.vhdkit.lvm.LogicalVolumeDisk}: device-mapper's linear and striped mappings.</li>
 * </ul>
 * Not read: LVM1 and pool formats, mirror/raid/thin/cache/snapshot/vdo/integrity/writecache segments (listed, reads
 * raise {@link io.vhdkit.format.UnsupportedFormatException} naming the type), precommitted metadata, old metadata
 * copies in the circular buffer, lvmlockd and system ID restrictions (ignored, as reading is read-only).
 */
package io.vhdkit.lvm;
