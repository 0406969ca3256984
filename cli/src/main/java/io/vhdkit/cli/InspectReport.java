package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import io.vhdkit.vhd.BlockAllocationTable;
import io.vhdkit.vhd.DynamicHeader;
import io.vhdkit.vhd.Geometry;
import io.vhdkit.vhd.ParentLocator;
import io.vhdkit.vhd.ParentLocatorEntry;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdFooter;
import io.vhdkit.vhd.VhdImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What {@code vhdkit inspect} shows of an opened VHD, as JSON (the stable shape documented in the README) and as
 * text.
 *
 * @param image    the path given
 * @param file     the opened file
 * @param chain    the differencing chain, image first, or empty when it is not differencing or could not be opened
 * @param findings problems met while opening the file and its chain
 */
record InspectReport(Path image, VhdFile file, List<VhdImage.Link> chain, List<Finding> findings) {

    ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        n.put("format", "vhd");
        n.put("diskType", file.diskType().label());
        n.put("virtualSize", file.virtualSize());
        n.put("fileSize", file.fileSize());
        n.set("footer", footerJson(file));
        file.header().ifPresentOrElse(h -> n.set("dynamicHeader", headerJson(h)), () -> n.putNull("dynamicHeader"));
        file.bat().ifPresentOrElse(b -> n.set("bat", batJson(b)), () -> n.putNull("bat"));
        if (chain.isEmpty()) {
            n.putNull("chain");
        } else {
            ArrayNode links = Json.array();
            for (VhdImage.Link l : chain) {
                ObjectNode link = links.addObject();
                link.put("path", l.path().toString());
                link.put("diskType", l.file().diskType().label());
                link.put("uniqueId", l.file().footer().uniqueId().toString());
                link.put("virtualSize", l.file().virtualSize());
                link.put("via", l.via());
            }
            n.set("chain", links);
        }
        n.set("findings", Json.findings(findings));
        return n;
    }

    private ObjectNode footerJson(VhdFile f) {
        VhdFooter ft = f.footer();
        ObjectNode n = Json.object();
        n.put("location", f.footerLocation().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        n.put("offset", f.footerOffset());
        n.put("length", ft.length());
        n.put("cookie", ft.cookie());
        n.put("features", ft.features());
        n.put("temporary", ft.temporary());
        n.put("formatVersion", ft.formatVersionText());
        if (ft.dataOffset() == VhdFooter.NO_DATA_OFFSET || ft.dataOffset() == 0xFFFF_FFFFL) {
            n.putNull("dataOffset");
        } else {
            n.put("dataOffset", ft.dataOffset());
        }
        n.put("timestamp", ft.timestampInstant().toString());
        n.put("creatorApplication", ft.creatorApplication().text());
        n.put("creatorApplicationName", ft.creatorApplicationName().orElse(null));
        n.put("creatorVersion", ft.creatorVersionText());
        n.put("creatorHostOs", ft.creatorHostOs().text());
        n.put("creatorHostOsName", ft.creatorHostOsName().orElse(null));
        n.put("originalSize", ft.originalSize());
        n.put("currentSize", ft.currentSize());
        n.set("geometry", geometryJson(ft.geometry()));
        n.set("specGeometry", geometryJson(Geometry.forSize(ft.currentSize())));
        n.put("diskTypeCode", ft.diskTypeCode());
        n.put("checksum", VhdFooter.hex32(ft.checksum()));
        n.put("checksumValid", ft.checksumValid());
        n.put("uniqueId", ft.uniqueId().toString());
        n.put("savedState", ft.savedState() != 0);
        return n;
    }

    private static ObjectNode geometryJson(Geometry g) {
        ObjectNode n = Json.object();
        n.put("cylinders", g.cylinders());
        n.put("heads", g.heads());
        n.put("sectorsPerTrack", g.sectorsPerTrack());
        n.put("bytes", g.bytes());
        return n;
    }

    private ObjectNode headerJson(DynamicHeader h) {
        ObjectNode n = Json.object();
        n.put("offset", file.headerOffset());
        n.put("cookie", h.cookie());
        n.put("tableOffset", h.tableOffset());
        n.put("headerVersion", h.headerVersionText());
        n.put("maxTableEntries", h.maxTableEntries());
        n.put("blockSize", h.blockSize());
        n.put("checksum", VhdFooter.hex32(h.checksum()));
        n.put("checksumValid", h.checksumValid());
        boolean differencing = file.diskType() == io.vhdkit.vhd.DiskType.DIFFERENCING;
        n.put("parentUniqueId", differencing ? h.parentUniqueId().toString() : null);
        n.put("parentTimestamp", differencing ? h.parentTimestampInstant().toString() : null);
        n.put("parentName", differencing ? h.parentName() : null);
        ArrayNode locators = Json.array();
        for (ParentLocator l : file.parentLocators()) {
            ParentLocatorEntry e = l.entry();
            ObjectNode loc = locators.addObject();
            loc.put("index", e.index());
            loc.put("platform", e.platformCode().text());
            loc.put("dataSpace", Integer.toUnsignedLong(e.dataSpace()));
            loc.put("dataLength", e.dataLength());
            loc.put("dataOffset", e.dataOffset());
            loc.put("path", l.path());
            loc.put("problem", l.problem());
        }
        n.set("parentLocators", locators);
        return n;
    }

    private ObjectNode batJson(BlockAllocationTable b) {
        ObjectNode n = Json.object();
        n.put("entries", b.size());
        n.put("allocatedBlocks", b.allocatedCount());
        n.put("allocatedBytes", file.allocatedBytes());
        n.put("badEntries", file.badBatEntries().cardinality());
        return n;
    }

    void printText(PrintWriter out) {
        VhdFooter ft = file.footer();
        line(out, "Image", image.toString());
        line(out, "Format", "VHD, " + file.diskType().label());
        line(out, "Virtual size", size(file.virtualSize()));
        line(out, "File size", size(file.fileSize()));
        out.println("Footer");
        line(out, "  Location", file.footerLocation().description() + String.format(Locale.ROOT, " @0x%X",
                file.footerOffset()) + (ft.isLegacy() ? " (511 bytes)" : ""));
        line(out, "  Checksum", VhdFooter.hex32(ft.checksum()) + (ft.checksumValid() ? " (valid)"
                : " (INVALID, computed " + VhdFooter.hex32(ft.computedChecksum()) + ")"));
        line(out, "  Features", VhdFooter.hex32(ft.features()) + (ft.temporary() ? " (temporary)" : ""));
        line(out, "  Format version", ft.formatVersionText());
        line(out, "  Data offset", ft.dataOffset() == VhdFooter.NO_DATA_OFFSET ? "none"
                : Long.toUnsignedString(ft.dataOffset()));
        line(out, "  Time stamp", ft.timestampInstant().toString());
        line(out, "  Creator", "\"" + ft.creatorApplication().text() + "\" " + ft.creatorVersionText()
                + ft.creatorApplicationName().map(s -> " (" + s + ")").orElse("") + " on \""
                + ft.creatorHostOs().text() + "\"" + ft.creatorHostOsName().map(s -> " (" + s + ")").orElse(""));
        line(out, "  Original size", size(ft.originalSize()));
        line(out, "  Current size", size(ft.currentSize()));
        Geometry spec = Geometry.forSize(ft.currentSize());
        line(out, "  Geometry", ft.geometry() + " (" + ft.geometry().bytes() + " bytes)"
                + (ft.geometry().equals(spec) ? "" : "; spec CHS for the current size: " + spec));
        line(out, "  Unique id", ft.uniqueId().toString());
        line(out, "  Saved state", ft.savedState() != 0 ? "yes" : "no");
        file.header().ifPresent(h -> printHeader(out, h));
        file.bat().ifPresent(b -> line(out, "BAT", b.size() + " entries, " + b.allocatedCount() + " allocated ("
                + size(file.allocatedBytes()) + ")" + (file.badBatEntries().isEmpty() ? ""
                : ", " + file.badBatEntries().cardinality() + " pointing outside the data area")));
        if (!chain.isEmpty()) {
            out.println("Chain");
            for (VhdImage.Link l : chain) {
                out.printf("  %s (%s, %s)%s%n", l.path(), l.file().diskType().label(), l.file().footer().uniqueId(),
                        l.via() == null ? "" : ", found by " + l.via());
            }
        }
        if (!findings.isEmpty()) {
            out.println("Findings");
            Findings.print(out, findings);
        }
    }

    private void printHeader(PrintWriter out, DynamicHeader h) {
        out.println("Dynamic header");
        line(out, "  Offset", Long.toString(file.headerOffset()));
        line(out, "  Checksum", VhdFooter.hex32(h.checksum()) + (h.checksumValid() ? " (valid)"
                : " (INVALID, computed " + VhdFooter.hex32(h.computedChecksum()) + ")"));
        line(out, "  Header version", h.headerVersionText());
        line(out, "  Table offset", Long.toString(h.tableOffset()));
        line(out, "  Max table entries", Long.toString(h.maxTableEntries()));
        line(out, "  Block size", size(h.blockSize()));
        if (file.diskType() == io.vhdkit.vhd.DiskType.DIFFERENCING) {
            UUID parent = h.parentUniqueId();
            line(out, "  Parent unique id", parent.toString());
            line(out, "  Parent time stamp", h.parentTimestampInstant().toString());
            line(out, "  Parent name", h.parentName());
            for (ParentLocator l : file.parentLocators()) {
                ParentLocatorEntry e = l.entry();
                line(out, "  Locator " + e.index(), e.platformCode().text() + " " + (l.path() != null
                        ? "\"" + l.path() + "\"" : "(" + l.problem() + ")") + " @" + e.dataOffset() + ", "
                        + e.dataLength() + " bytes");
            }
        }
    }

    private static void line(PrintWriter out, String key, String value) {
        out.printf("%-20s %s%n", key + ":", value);
    }

    /** {@code 67108864 bytes (64 MiB)}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String num = v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
        return bytes + " bytes (" + num + " " + units[u] + ")";
    }
}
