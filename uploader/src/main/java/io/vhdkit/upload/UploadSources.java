package io.vhdkit.upload;

import io.vhdkit.compress.CompressedInput;
import io.vhdkit.compress.CompressedParents;
import io.vhdkit.compress.SeekableXzSource;
import io.vhdkit.format.FormatException;
import io.vhdkit.io.ByteSource;
import io.vhdkit.io.Extent;
import io.vhdkit.io.Extents;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import io.vhdkit.vhd.VhdImage;
import io.vhdkit.vhd.ParentNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        return vhd(path, VhdImage.open(path), "");
    }

    /**
     * Any input: a plain VHD or raw image ({@code raw}) as {@link #openVhd} and {@link #openRaw} open it, or one
     * compressed ({@code .gz}, {@code .xz}, {@code .bz2}, {@code .zst}, a tar or compressed tar of one image) without
     * a temporary copy where it can: an xz file of several blocks is read in place (only the blocks needed are
     * decompressed); a fixed VHD or a raw image is streamed (decompressed twice: once to measure it); a dynamic VHD
     * whose blocks lie in ascending order is streamed block by block. Anything else (a differencing VHD, blocks out of
     * order, an unusual layout) is decompressed to a sparse temporary copy in {@code tempDir}, and its description
     * says so. A differencing VHD's parents are looked for beside the compressed file.
     *
     * @param tempDir where a temporary copy goes if one is needed (java.io.tmpdir when null)
     */
    public static UploadSource open(Path path, boolean raw, Path tempDir) throws IOException {
        CompressedInput.Codec codec = CompressedInput.detect(path);
        if (codec == CompressedInput.Codec.NONE) {
            return raw ? openRaw(path) : openVhd(path);
        }
        CompressedInput.Options options = new CompressedInput.Options(tempDir, Long.MAX_VALUE);
        if (codec == CompressedInput.Codec.XZ
                && CompressedInput.xzIndex(path).filter(SeekableXzSource::suits).isPresent()) {
            return fromPacked(path, CompressedInput.open(path, options.withInPlace()), raw);
        }
        Optional<UploadSource> streamed = StreamedSources.open(path, raw, codec);
        if (streamed.isPresent()) {
            return streamed.get();
        }
        return fromPacked(path, CompressedInput.open(path, options), raw);
    }

    /** A compressed input read through {@code packed} (in place or a temporary copy), closed with the source. */
    private static UploadSource fromPacked(Path path, CompressedInput packed, boolean raw) throws IOException {
        try {
            String how = packed.inPlace().isPresent()
                    ? ", " + packed.codec().label() + " read in place (" + packed.inPlace().get().index().blockCount()
                    + " blocks)"
                    : ", " + packed.codec().label() + " decompressed to a sparse temporary copy (it cannot be "
                    + "streamed: a differencing disk, or blocks out of order)";
            UploadSource src;
            if (raw) {
                src = raw(path, packed.source(), how);
            } else {
                src = vhd(path, VhdImage.open(path, packed.source()), how);
            }
            return new Owning(src, packed);
        } catch (ParentNotFoundException e) {
            packed.close();
            throw new UploadException(UploadException.Kind.REFUSED, CompressedParents.message(e), e);
        } catch (IOException | RuntimeException e) {
            packed.close();
            throw e;
        }
    }

    private static UploadSource vhd(Path path, VhdImage image, String how) throws IOException {
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
                return new FixedFileSource(image, id, "fixed VHD" + how);
            }
            byte[] footer = file.footer().asFixed().encode();
            String what = file.diskType() == DiskType.FIXED ? "fixed VHD, footer rewritten on the fly"
                    : file.diskType().label() + " VHD" + (image.chain().size() > 1
                    ? " (chain of " + image.chain().size() + " files)" : "") + ", converted to fixed on the fly" + how;
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
        return raw(path, FileByteSource.open(path), "");
    }

    private static UploadSource raw(Path path, ByteSource file, String how) throws IOException {
        try {
            long size = file.size();
            if (size == 0 || size % VhdFooter.SECTOR_SIZE != 0) {
                throw new UploadException(UploadException.Kind.REFUSED, path + ": a raw image must be a whole "
                        + "number of 512-byte sectors, and it is " + size + " bytes; grow it with "
                        + "truncate -s " + ((size / (1 << 20)) + 1) * (1 << 20) + " " + path);
            }
            long mtime = Files.getLastModifiedTime(path).toMillis();
            UUID uid = rawUniqueId(path, size, mtime);
            byte[] footer = rawFooter(size, uid, mtime);
            return new RawSource(file, footer, new SourceIdentity0(path, size, mtime, uid.toString()), how);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** A raw image's footer unique id: from its path, size and time, so that a resumed upload writes the same. */
    static UUID rawUniqueId(Path path, long size, long mtime) {
        return UUID.nameUUIDFromBytes(("vhdkit-raw:" + path.toAbsolutePath() + ":" + size + ":" + mtime)
                .getBytes(StandardCharsets.UTF_8));
    }

    static byte[] rawFooter(long size, UUID uid, long mtime) {
        long ts = Math.max(0, Math.min(0xFFFF_FFFFL, mtime / 1000 - VHD_EPOCH));
        return VhdFooter.fixed(size, uid, ts).encode();
    }

    /** A source that also closes what it was read through (a compressed input and its temporary copy). */
    private record Owning(UploadSource s, Closeable owned) implements UploadSource {
        @Override
        public String name() {
            return s.name();
        }

        @Override
        public String description() {
            return s.description();
        }

        @Override
        public long size() {
            return s.size();
        }

        @Override
        public List<Extent> dataExtents() throws IOException {
            return s.dataExtents();
        }

        @Override
        public boolean sequentialOnly() {
            return s.sequentialOnly();
        }

        @Override
        public void read(long position, ByteBuffer dst) throws IOException {
            s.read(position, dst);
        }

        @Override
        public ByteBuffer view(long position, int length) throws IOException {
            return s.view(position, length);
        }

        @Override
        public void release(ByteBuffer view) {
            s.release(view);
        }

        @Override
        public long bytesRead() {
            return s.bytesRead();
        }

        @Override
        public SourceIdentity identity() {
            return s.identity();
        }

        @Override
        public void close() throws IOException {
            try {
                s.close();
            } finally {
                owned.close();
            }
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

    /** A source whose bytes lie in one plain file, offered as views of its mapping where they can be. */
    private interface Viewed extends UploadSource {
        /** The views of the file, or null when it cannot be viewed (then every chunk is read). */
        MappedViews views();

        @Override
        default ByteBuffer view(long position, int length) throws IOException {
            return views() == null ? null : views().view(position, length);
        }

        @Override
        default void release(ByteBuffer view) {
            views().release(view);
        }

        /** The bytes handed out as views (the implementation adds what it read). */
        @Override
        default long bytesRead() {
            return views() == null ? 0 : views().bytesViewed();
        }
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

    /** A fixed VHD read straight from its file, or viewed through mappings of it: holes from SEEK_HOLE. */
    private static final class FixedFileSource extends VhdSource implements Viewed {
        private final String description;
        private final MappedViews views;

        FixedFileSource(VhdImage image, SourceIdentity0 id, String description) {
            super(image, id);
            this.description = description;
            this.views = MappedViews.of(image.file().source(), size());
        }

        @Override
        public MappedViews views() {
            return views;
        }

        @Override
        public long bytesRead() {
            return super.bytesRead() + Viewed.super.bytesRead();
        }

        @Override
        public String description() {
            return description;
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

    /** A raw image (holes from SEEK_HOLE; viewed through mappings where it can) followed by a generated footer. */
    private static final class RawSource implements Viewed {
        private final ByteSource file;
        private final byte[] footer;
        private final SourceIdentity0 id;
        private final long rawSize;
        private final String how;
        private final MappedViews views;

        RawSource(ByteSource file, byte[] footer, SourceIdentity0 id, String how) throws IOException {
            this.file = file;
            this.footer = footer;
            this.id = id;
            this.rawSize = file.size();
            this.how = how;
            this.views = MappedViews.of(file, rawSize);   // a chunk holding footer bytes is read
        }

        @Override
        public MappedViews views() {
            return views;
        }

        @Override
        public String name() {
            return id.path().toString();
        }

        @Override
        public String description() {
            return "raw image, fixed VHD footer appended on the fly" + how;
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
            return file.bytesRead() + Viewed.super.bytesRead();
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
