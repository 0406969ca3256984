package io.vhdkit.cli;

import io.vhdkit.disk.ImageProbe;
import io.vhdkit.disk.RawDisk;
import io.vhdkit.disk.VirtualDisk;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.format.UnsupportedFormatException;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.vhd.VhdImage;
import io.vhdkit.vhdx.VhdxDisk;
import java.io.IOException;
import java.nio.file.Path;

/** Opens the input of {@code convert}: a VHD (any type, with its chain), a VHDX, or a raw disk image. */
final class SourceDisks {

    /** What the input is, as {@code --source-format} names it. */
    enum Format { auto, vhd, vhdx, raw }

    /**
     * An opened input.
     *
     * @param disk        its contents
     * @param description for messages, such as "dynamic VHD"
     */
    record Source(VirtualDisk disk, String description) {
    }

    private SourceDisks() {
    }

    /**
     * Opens {@code path} read-only as {@code format} says; {@code auto} tries VHD, then goes by the signature
     * (VHDX; a raw disk with an MBR or a GPT), and refuses what it cannot tell rather than guessing raw.
     */
    static Source open(Path path, Format format) throws IOException {
        switch (format) {
            case vhd:
                return vhd(path);
            case raw:
                return raw(path);
            case vhdx:
                return vhdx(path);
            default:
                break;
        }
        try {
            return vhd(path);
        } catch (NotThisFormatException notVhd) {
            ImageProbe.Kind kind;
            try (FileByteSource s = FileByteSource.open(path)) {
                kind = ImageProbe.probe(s);
            }
            switch (kind) {
                case VHDX:
                    return vhdx(path);
                case RAW_MBR:
                case RAW_GPT:
                    return raw(path);
                case QCOW2, VMDK, VDI, GZIP, XZ, BZIP2, ZSTD, TAR, EMPTY, ISO9660:
                    throw new UnsupportedFormatException(FieldRef.of("image", "file", "format", 0),
                            "this is " + kind.description() + ", which convert does not read"
                                    + (kind.hint() == null ? "" : " (" + kind.hint() + ")"));
                default:
                    throw new NotThisFormatException(FieldRef.of("image", "file", "format", 0),
                            "not a VHD or VHDX, and no MBR or GPT that marks a raw disk image: if it is a raw disk "
                                    + "image, pass --source-format raw");
            }
        }
    }

    private static Source vhd(Path path) throws IOException {
        VhdImage image = VhdImage.open(path);
        String type = image.file().diskType().label();
        String chain = image.chain().size() > 1 ? " (chain of " + image.chain().size() + " files)" : "";
        return new Source(image, type + " VHD" + chain);
    }

    private static Source raw(Path path) throws IOException {
        FileByteSource s = FileByteSource.open(path);
        try {
            return new Source(new RawDisk(s), "raw disk image");
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Source vhdx(Path path) throws IOException {
        VhdxDisk d = VhdxDisk.open(path);
        String chain = d.differencing() ? ", differencing (chain of " + d.chain().size() + " files)" : "";
        String log = d.logReplay().isPresent() ? ", log replayed in memory" : "";
        return new Source(d, "VHDX, " + (d.blockSize() >> 20) + " MiB blocks" + chain + log);
    }
}
