package io.vhdkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsFiles;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/** The debian-root corpus's manifest (fixtures/debian-root/manifest.py), checked against what vhdkit reads. */
final class DebianManifest {

    /** One line: path, type letter, permission bits, uid, gid, size, mtime, sha256 or symlink target. */
    record Entry(String path, char type, int perm, long uid, long gid, long size, long mtime, String extra) {
    }

    private DebianManifest() {
    }

    static List<Entry> read(Path manifest) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(manifest)) {
            String[] f = line.split("\t", -1);
            out.add(new Entry(f[0], f[1].charAt(0), Integer.parseInt(f[2], 8), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), f[7]));
        }
        return out;
    }

    /** Checks every entry {@code include} accepts; returns how many were checked. */
    static int check(PathResolver resolver, List<Entry> entries, Predicate<String> include) throws IOException {
        int n = 0;
        for (Entry e : entries) {
            if (!include.test(e.path())) {
                continue;
            }
            Resolved r = resolver.resolve(e.path(), false);
            String where = e.path();
            assertEquals(e.type() == 'f' ? '-' : e.type(), r.node().type().letter(), where);
            assertEquals(e.perm(), r.node().stat().permissions(), where);
            assertEquals(e.uid(), r.node().stat().uid(), where);
            assertEquals(e.gid(), r.node().stat().gid(), where);
            if (e.type() == 'f') {
                assertEquals(e.size(), r.node().stat().size(), where);
                assertEquals(e.extra(), sha256(r), where);
            } else if (e.type() == 'l') {
                assertEquals(e.extra(), r.fs().readLink(r.node()), where);
            }
            if (r.node().type() != FileType.DIRECTORY) {
                assertEquals(e.mtime(), r.node().stat().mtime().getEpochSecond(), where);
            }
            n++;
        }
        return n;
    }

    private static String sha256(Resolved r) throws IOException {
        try (InputStream in = new DigestInputStream(FsFiles.newInputStream(r.fs(), r.node()),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
