/**
 * The VHD container (Microsoft's <i>Virtual Hard Disk Image Format Specification</i> 1.0, 2006): the footer, the
 * dynamic header, the block allocation table and sector bitmaps, parent locators; fixed, dynamic and differencing
 * disks read as one {@link io.vhdkit.disk.VirtualDisk} ({@link io.vhdkit.vhd.VhdImage}); and a structural checker
 * ({@link io.vhdkit.vhd.VhdChecker}). All integers are big-endian; a sector is 512 bytes.
 */
package io.vhdkit.vhd;
