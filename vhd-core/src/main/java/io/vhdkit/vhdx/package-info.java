/**
 * A read-only reader of VHDX images (MS-VHDX v6): file identifier, the two headers (CRC-32C, sequence numbers),
 * the two region tables, the metadata region and the BAT, read as a {@link io.vhdkit.disk.VirtualDisk}. An image
 * whose log is not empty is refused rather than read inconsistently. All integers are little-endian.
 */
package io.vhdkit.vhdx;
