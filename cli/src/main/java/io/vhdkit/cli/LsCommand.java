package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileStat;
import io.vhdkit.fs.FileSystem;
import io.vhdkit.fs.FileType;
import io.vhdkit.fs.FsNode;
import io.vhdkit.fs.PathResolver;
import io.vhdkit.fs.Resolved;
import io.vhdkit.image.DiskImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit ls}: list a directory inside an image, like virt-ls. */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        description = {"Lists a directory inside the image, without mounting it, as the running system would see it: "
                + "the root filesystem with the other volumes mounted where its /etc/fstab puts them.",
                "Symlinks resolve inside the image, never on this machine."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  listed", "  1  no such path, not a VHD, or a damaged structure", "  2  usage error",
                "  3  the image could not be read"})
final class LsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD.")
    Path image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", defaultValue = "/",
            description = "An absolute path in the image, / or \\ separated (default: /).")
    String path;

    @Option(names = {"-l", "--long"}, description = "Long listing: mode, links, owner, group, size, time (UTC).")
    boolean longListing;

    @Option(names = {"-d", "--directory"}, description = "List the directory itself, not its entries.")
    boolean directoryItself;

    @Option(names = "--volume", paramLabel = "VOLUME",
            description = "Read this volume alone (p2, vg/lv, a label or UUID) instead of the mounted layout.")
    String volume;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Spec
    CommandSpec spec;

    /** One line of the listing. */
    private record Row(String name, FsNode node, String target) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String path = ImagePaths.toPosix(this.path).orElse(null);
        if (path == null) {
            err.println("vhdkit ls: PATH must be absolute (/etc/fstab, C:\\Windows or \\Windows): " + this.path);
            return ExitCodes.USAGE;
        }
        try (DiskImage img = ImageOpener.open("ls", image, err)) {
            PathResolver resolver = img.resolver(Optional.ofNullable(volume));
            Resolved at = resolver.resolve(path, !(longListing || directoryItself));
            List<Row> rows = new ArrayList<>();
            if (at.node().type() == FileType.DIRECTORY && !directoryItself) {
                for (DirEntry e : at.fs().list(at.node())) {
                    rows.add(row(at.fs(), e.name(), at.fs().node(e.id())));
                }
                rows.sort(Comparator.comparing(Row::name));
            } else {
                rows.add(row(at.fs(), path, at.node()));
            }
            if (format == OutputFormat.json) {
                out.println(Json.write(json(at, rows, img)));
            } else {
                for (Row r : rows) {
                    out.println(longListing ? longLine(r) : r.name());
                }
            }
            out.flush();
            return ExitCodes.OK;
        } catch (ImageOpener.Failed f) {
            return f.exit;
        } catch (IOException e) {
            return ImageOpener.report("ls", image, e, err);
        }
    }

    private static Row row(FileSystem fs, String name, FsNode node) throws IOException {
        return new Row(name, node, node.type() == FileType.SYMLINK ? fs.readLink(node) : null);
    }

    private static String longLine(Row r) {
        FileStat s = r.node().stat();
        return String.format(Locale.ROOT, "%s %3d %5d %5d %10d %s %s%s", s.modeString(), s.links(), s.uid(), s.gid(),
                s.size(), TIME.format(s.mtime()), r.name(), r.target() == null ? "" : " -> " + r.target());
    }

    private ObjectNode json(Resolved at, List<Row> rows, DiskImage img) {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        n.put("volume", volume);
        n.put("path", at.path());
        n.put("type", at.node().type().name().toLowerCase(Locale.ROOT));
        ArrayNode entries = n.putArray("entries");
        for (Row r : rows) {
            FileStat s = r.node().stat();
            ObjectNode e = entries.addObject();
            e.put("name", r.name());
            e.put("type", s.type().name().toLowerCase(Locale.ROOT));
            e.put("size", s.size());
            e.put("mode", String.format(Locale.ROOT, "%04o", s.permissions()));
            e.put("uid", s.uid());
            e.put("gid", s.gid());
            e.put("links", s.links());
            e.put("mtime", s.mtime().toString());
            e.put("target", r.target());
        }
        n.putObject("stats").put("bytesRead", img.bytesRead());
        return n;
    }
}
