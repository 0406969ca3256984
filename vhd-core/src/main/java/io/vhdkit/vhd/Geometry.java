package io.vhdkit.vhd;

/**
 * The footer's CHS geometry (spec: "Disk Geometry").
 *
 * @param cylinders       0..65535
 * @param heads           0..255
 * @param sectorsPerTrack 0..255
 */
public record Geometry(int cylinders, int heads, int sectorsPerTrack) {

    /** The largest geometry the spec's algorithm produces, 65535/16/255 (about 127.5 GiB). */
    public static final Geometry MAXIMUM = new Geometry(65535, 16, 255);

    private static final long MAX_CHS_SECTORS = 65535L * 16 * 255;

    public Geometry {
        if (cylinders < 0 || cylinders > 0xFFFF || heads < 0 || heads > 0xFF || sectorsPerTrack < 0
                || sectorsPerTrack > 0xFF) {
            throw new IllegalArgumentException("CHS " + cylinders + "/" + heads + "/" + sectorsPerTrack);
        }
    }

    /** The size the geometry addresses: cylinders x heads x sectors x 512. */
    public long bytes() {
        return (long) cylinders * heads * sectorsPerTrack * VhdFooter.SECTOR_SIZE;
    }

    /** The geometry the spec (appendix, "CHS Calculation") assigns to a disk of {@code size} bytes. */
    public static Geometry forSize(long size) {
        long totalSectors = Math.min(Math.max(size, 0) / VhdFooter.SECTOR_SIZE, MAX_CHS_SECTORS);
        long sectorsPerTrack;
        long heads;
        long cylinderTimesHeads;
        if (totalSectors >= 65535L * 16 * 63) {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
        } else {
            sectorsPerTrack = 17;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
            heads = Math.max(4, (cylinderTimesHeads + 1023) / 1024);
            if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
            if (cylinderTimesHeads >= heads * 1024) {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
        }
        return new Geometry((int) (cylinderTimesHeads / heads), (int) heads, (int) sectorsPerTrack);
    }

    @Override
    public String toString() {
        return cylinders + "/" + heads + "/" + sectorsPerTrack;
    }
}
