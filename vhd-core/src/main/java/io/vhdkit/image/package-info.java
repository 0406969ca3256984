/**
 * A disk image opened for reading files, as the running system would see them: {@link io.vhdkit.image.DiskImage}
 * reads the partition table ({@link io.vhdkit.partition}), the LVM metadata ({@link io.vhdkit.lvm}), probes each
 * volume's content ({@link io.vhdkit.disk.ContentProbe}) and opens its filesystem on demand; the
 * {@link io.vhdkit.image.MountLayout} finds the operating system's root and maps its {@code /etc/fstab}
 * ({@link io.vhdkit.image.Fstab}) onto the volumes, so that {@link io.vhdkit.fs.PathResolver} crosses mount points as
 * the kernel would.
 */
package io.vhdkit.image;
