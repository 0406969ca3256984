/**
 * A read-only reader of VHDX images (MS-VHDX v6): file identifier, the two headers (CRC-32C, sequence numbers),
 * the two region tables, the metadata region and the BAT, read as a {@link io.vhdkit.disk.VirtualDisk}. A pending
 * log is replayed in memory ({@link io.vhdkit.vhdx.VhdxLog}: the file is never written), or the image is refused when
 * it cannot be; a differencing VHDX is read with its chain of VHDX parents ({@link io.vhdkit.vhdx.VhdxChain}: parent
 * locator, DataWriteGuid linkage, sector bitmaps). All integers are little-endian.
 */
package io.vhdkit.vhdx;
