package io.vhdkit.upload;

import io.vhdkit.format.FormatException;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import io.vhdkit.vhd.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Opens an input as the fixed VHD to upload. Inputs are opened read-only. */
public final class UploadSources {

    private static final int FOOTER = VhdFooter.SIZE;
    /** Seconds from the Unix epoch to 2000-01-01 UTC, the VHD epoch. */
    private static final long VHD_EPOCH = 946_684_800L;

    private UploadSources() {
    }

    /**
     * A VHD: a fixed one as it is (when its file is exactly the virtual size plus the footer), any other one (dynamic,
     * differencing with its parents, a fixed one with a misplaced footer) converted to fixed on the fly with its footer
     * rewritten as fixed.
     *
     * @throws FormatException when the file is not a readable VHD
     */
    public static UploadSource openVhd(Path path) throws IOException {
        VhdImage image = VhdImage.open(path);
        try {
            VhdFile file = image.file();
            long v = image.size();
            if (!file.footer().currentSizeValid()) {
                throw new UploadException(UploadException.Kind.REFUSED,
                        path + ": the VHD's current size " + v + " is not a positive multiple of 512; run vhdkit check "
                        + path);
            }
            long mtime = 0;
            for (VhdImage.Link l : image.chain()) {
                mtime = Math.max(mtime, Files.getLastModifiedTime(l.path()).toMillis());
            }
            SourceIdentity0 id = new SourceIdentity0(path, file.fileSize(), mtime, file.footer().uniqueId().toString());
            if (file.diskType() == DiskType.FIXED && file.fileSize() == v + FOOTER
                    && file.footerOffset() == v && file.footer().length() == FOOTER) {
                return new FixedFileSource(image, id);
            }
            byte[] footer = file.footer().asFixed().encode();
            String what = file.diskType() == DiskType.FIXED ? "fixed VHD, footer rewritten on the fly"
                    : file.diskType().label() + " VHD" + (image.chain().size() > 1
                    ? " (chain of " + image.chain().size() + " files)" : "") + ", converted to fixed on the fly";
            return new ConvertedSource(image, footer, id, what);
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    /**
     * A raw disk image with a fixed VHD footer appended on the fly. Its unique id and time stamp derive from the file's
     * path, size and modification time, so that a resumed upload writes the same footer.
     */
    public static UploadSource openRaw(Path path) throws IOException {
        FileByteSource file = FileByteSource.open(path);
        try {
            long size = file.size();
            if (size == 0 || size % VhdFooter.SECTOR_SIZE != 0) {
                throw new UploadException(UploadException.Kind.REFUSED, path + ": a raw image must be a whole "
                        + "number of 512-byte sectors, and it is " + size + " bytes; grow it with "
                        + "truncate -s " + ((size / (1 << 20)) + 1) * (1 << 20) + " " + path);
            }
            long mtime = Files.getLastModifiedTime(path).toMillis();
            UUID uid = UUID.nameUUIDFromBytes(("vhdkit-raw:" + path.toAbsolutePath() + ":" + size + ":" + mtime)
                    .getBytes(StandardCharsets.UTF_8));
            long ts = Math.max(0, Math.min(0xFFFF_FFFFL, mtime / 1000 - VHD_EPOCH));
            byte[] footer = VhdFooter.fixed(size, uid, ts).encode();
            return new RawSource(file, footer, new SourceIdentity0(path, size, mtime, uid.toString()));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private record SourceIdentity0(Path path, long fileSize, long mtime, String uid) {
        UploadSource.SourceIdentity with(long size) {
            return new UploadSource.SourceIdentity(path.toAbsolutePath().toString(), fileSize, mtime, uid, size);
        }
    }

    private static List<Extent> withFooter(List<Extent> data, long virtualSize) {
        List<Extent> out = new ArrayList<>(Extents.clip(data, 0, virtualSize));
        out.add(new Extent(virtualSize, FOOTER));
        return Extents.normalize(out);
    }

    /** A source backed by an opened VHD (and its parent chain): name, identity, bytes read and closing. */
    private abstract static class VhdSource implements UploadSource {
        final VhdImage image;
        final SourceIdentity0 id;

        VhdSource(VhdImage image, SourceIdentity0 id) {
            this.image = image;
            this.id = id;
        }

        @Override
        public String name() {
            return id.path().toString();
        }

        @Override
        public long size() {
            return image.size() + FOOTER;
        }

        @Override
        public long bytesRead() {
            return image.bytesRead();
        }

        @Override
        public SourceIdentity identity() {
            return id.with(size());
        }

        @Override
        public void close() throws IOException {
            image.close();
        }
    }

    /** A fixed VHD read straight from its file: holes from SEEK_HOLE. */
    private static final class FixedFileSource extends VhdSource {
        FixedFileSource(VhdImage image, SourceIdentity0 id) {
            super(image, id);
        }

        @Override
        public String description() {
            return "fixed VHD";
        }

        @Override
        public List<Extent> dataExtents() throws IOException {
            return withFooter(image.file().source().dataExtents(0, size()), image.size());
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            image.file().source().readFully(position, dst);
        }
    }

    /** Any VHD read through its virtual disk (BAT holes skipped), followed by a fixed footer. */
    private static final class ConvertedSource extends VhdSource {
        private final byte[] footer;
        private final String description;

        ConvertedSource(VhdImage image, byte[] footer, SourceIdentity0 id, String description) {
            super(image, id);
            this.footer = footer;
            this.description = description;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public List<Extent> dataExtents() throws IOException {
            return withFooter(image.allocatedExtents(), image.size());
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            readWithFooter(position, dst, image.size(), footer, (p, b) -> image.read(p, b));
        }
    }

    /** A raw image (holes from SEEK_HOLE) followed by a generated fixed footer. */
    private static final class RawSource implements UploadSource {
        private final FileByteSource file;
        private final byte[] footer;
        private final SourceIdentity0 id;
        private final long rawSize;

        RawSource(FileByteSource file, byte[] footer, SourceIdentity0 id) throws IOException {
            this.file = file;
            this.footer = footer;
            this.id = id;
            this.rawSize = file.size();
        }

        @Override
        public String name() {
            return id.path().toString();
        }

        @Override
        public String description() {
            return "raw image, fixed VHD footer appended on the fly";
        }

        @Override
        public long size() {
            return rawSize + FOOTER;
        }

        @Override
        public List<Extent> dataExtents() throws IOException {
            return withFooter(file.dataExtents(0, rawSize), rawSize);
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            readWithFooter(position, dst, rawSize, footer, file::readFully);
        }

        @Override
        public long bytesRead() {
            return file.bytesRead();
        }

        @Override
        public SourceIdentity identity() {
            return id.with(size());
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private interface Reader {
        void read(long position, ByteBuffer dst) throws IOException;
    }

    private static void readWithFooter(long position, ByteBuffer dst, long virtualSize, byte[] footer, Reader data)
            throws IOException {
        long end = position + dst.remaining();
        if (position < 0 || end > virtualSize + FOOTER) {
            throw new IllegalArgumentException("read [" + position + ", " + end + ") outside [0, "
                    + (virtualSize + FOOTER) + ")");
        }
        if (position < virtualSize) {
            int n = (int) Math.min(dst.remaining(), virtualSize - position);
            ByteBuffer part = dst.duplicate();
            part.limit(part.position() + n);
            data.read(position, part);
            dst.position(dst.position() + n);
        }
        if (dst.hasRemaining()) {
            int from = (int) (Math.max(position, virtualSize) - virtualSize);
            dst.put(footer, from, dst.remaining());
        }
    }
}
