package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The spec's CHS algorithm, against geometries real tools wrote. */
class GeometryTest {

    @Test
    void azureExportOf5GiB() {
        // Azure's own 5 GiB export carries 10402/16/63 (qemu-devel, "vpc: Read images exported from Azure correctly")
        assertEquals(new Geometry(10402, 16, 63), Geometry.forSize(5L << 30));
    }

    @Test
    void qemuChsRoundedSizes() {
        // qemu-img without force_size rounds 128 MiB up to 964/16/17 and 64 MiB to 964/8/17 (environment recipes)
        assertEquals(new Geometry(964, 16, 17), Geometry.forSize(134_250_496L));
        assertEquals(new Geometry(964, 8, 17), Geometry.forSize(67_125_248L));
    }

    @Test
    void smallDisksHaveAtLeastFourHeads() {
        assertEquals(new Geometry(30, 4, 17), Geometry.forSize(1 << 20));
    }

    @Test
    void largeDisksSaturate() {
        assertEquals(Geometry.MAXIMUM, Geometry.forSize(2L << 40));
        assertEquals(Geometry.MAXIMUM, Geometry.forSize(65535L * 16 * 255 * 512));
    }

    @Test
    void bytesIsTheProduct() {
        assertEquals(10402L * 16 * 63 * 512, new Geometry(10402, 16, 63).bytes());
        assertEquals(0, Geometry.forSize(0).bytes());
    }
}
