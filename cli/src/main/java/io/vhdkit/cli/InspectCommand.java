package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.disk.ImageProbe;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.image.DiskImage;
import io.vhdkit.vhdx.VhdxDisk;
import io.vhdkit.vhdx.VhdxHeader;
import io.vhdkit.format.FormatException;
import io.vhdkit.format.NotThisFormatException;
import io.vhdkit.io.FileByteSource;
import io.vhdkit.validator.OsInfo;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.report.ReportText;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.VhdChecker;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code vhdkit inspect}: the decoded structures of a VHD and its parent chain. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {"Shows what a VHD or VHDX holds (a compressed one too: .gz, .xz, .bz2, .zst, a tar of one image): every footer field decoded, the dynamic header, a summary of the BAT, "
                + "the parent locators and the differencing chain.",
                "Problems met while reading are listed; run 'vhdkit check' for the full structural check."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  read without an error finding", "  1  not a VHD, or an error finding",
                "  2  usage error", "  3  an image could not be read"})
final class InspectCommand extends ImageCommand {

    @Override
    int report(Path image, PrintWriter out, List<ObjectNode> documents) throws IOException {
        return report(image, image, null, out, documents);
    }

    @Override
    int report(Path path, Path image, CompressedInput packed, PrintWriter out, List<ObjectNode> documents)
            throws IOException {
        if (DiskImage.isVhdx(path)) {
            return reportVhdx(path, image, packed, out, documents);
        }
        VhdFile file;
        try {
            file = VhdFile.open(path);
        } catch (FormatException e) {
            ObjectNode doc = notReadable(path, e);
            doc.put("image", image.toString());
            if (packed != null && packed.compressed()) {
                doc.put("fileSize", Files.size(image));
                doc.put("source", packed.describe());
            }
            reportNotReadable(doc, out, documents);
            return ExitCodes.FINDINGS;
        }
        try (file) {
            List<Finding> findings = new ArrayList<>(file.anomalies());
            VhdImage chain = null;
            if (file.diskType() == DiskType.DIFFERENCING) {
                try {
                    chain = VhdImage.open(path);
                } catch (FormatException e) {
                    findings.add(VhdChecker.findingFor(e));
                } catch (ParentNotFoundException e) {
                    findings.add(VhdChecker.findingFor(e));
                }
            }
            if (chain != null) {
                chain.close();
            }
            VolumesReport volumes = null;
            if (file.diskType() != DiskType.DIFFERENCING || chain != null) {
                try (DiskImage disk = DiskImage.open(path)) {
                    volumes = VolumesReport.of(disk);
                    findings.addAll(volumes.findings());
                } catch (FormatException e) {
                    findings.add(VhdChecker.findingFor(e));
                }
            }
            OsInfo os = null;
            if (volumes != null && volumes.layout().rootVolume().isPresent()) {
                try {
                    os = Validator.detectOs(path);
                } catch (FormatException e) {
                    findings.add(Finding.of(Severity.WARNING, e));
                }
            }
            InspectReport report = new InspectReport(image, file, chain == null ? List.of() : chain.chain(), findings);
            if (json()) {
                ObjectNode doc = report.json();
                source(packed, doc);
                if (volumes != null) {
                    volumes.addTo(doc);
                }
                doc.set("os", osJson(os));
                documents.add(doc);
            } else {
                source(packed, out);
                report.printText(out);
                if (volumes != null) {
                    volumes.printText(out);
                }
                if (os != null) {
                    printOs(os, out);
                }
            }
            return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR) ? ExitCodes.FINDINGS
                    : ExitCodes.OK;
        }
    }

    private static void source(CompressedInput packed, ObjectNode doc) {
        if (packed != null && packed.compressed()) {
            doc.put("source", packed.describe());
        }
    }

    private static void source(CompressedInput packed, PrintWriter out) {
        if (packed != null && packed.compressed()) {
            out.printf("%-20s %s%n", "Source:", packed.describe());
        }
    }

    /**
     * A VHDX: its header and metadata, then its volumes and OS as for a VHD; a VHDX is not accepted by Azure, so a
     * warning says to convert it.
     */
    private int reportVhdx(Path path, Path image, CompressedInput packed, PrintWriter out, List<ObjectNode> documents)
            throws IOException {
        List<Finding> findings = new ArrayList<>();
        ObjectNode doc = Json.object();
        doc.put("image", image.toString());
        doc.put("format", "vhdx");
        source(packed, doc);
        doc.put("fileSize", Files.size(path));
        VolumesReport volumes = null;
        OsInfo os = null;
        VhdxDisk vhdx;
        try {
            vhdx = VhdxDisk.open(path);
        } catch (FormatException e) {
            findings.add(VhdChecker.findingFor(e));
            doc.set("findings", Json.findings(findings));
            reportNotReadable(doc, out, documents);
            return ExitCodes.FINDINGS;
        } catch (ParentNotFoundException e) {
            findings.add(VhdChecker.findingFor(e));
            doc.set("findings", Json.findings(findings));
            reportNotReadable(doc, out, documents);
            return ExitCodes.FINDINGS;
        }
        try (vhdx) {
            VhdxHeader h = vhdx.header();
            doc.put("virtualSize", vhdx.size());
            ObjectNode x = doc.putObject("vhdx");
            x.put("blockSize", vhdx.blockSize());
            x.put("logicalSectorSize", vhdx.logicalSectorSize());
            x.put("allocatedBlocks", vhdx.allocatedBlocks());
            x.put("headerSequenceNumber", h.sequenceNumber());
            x.put("version", h.version());
            x.put("fileWriteGuid", h.fileWriteGuid().toString());
            x.put("dataWriteGuid", h.dataWriteGuid().toString());
            x.put("logGuid", h.logGuid().toString());
            x.put("differencing", vhdx.differencing());
            if (vhdx.differencing()) {
                com.fasterxml.jackson.databind.node.ArrayNode chain = x.putArray("chain");
                for (VhdxDisk d : vhdx.chain()) {
                    ObjectNode link = chain.addObject();
                    link.put("file", d.name());
                    link.put("dataWriteGuid", d.header().dataWriteGuid().toString());
                    d.parentLocator().ifPresent(l -> l.entries().forEach(link.putObject("parentLocator")::put));
                }
            }
            vhdx.logReplay().ifPresent(r -> {
                x.put("logReplayed", true);
                findings.add(Finding.of(Severity.INFO, io.vhdkit.format.FieldRef.of("VHDX", "header", "log guid",
                        io.vhdkit.format.FieldRef.NO_OFFSET), r.describe()));
            });
            findings.add(Finding.of(Severity.WARNING, io.vhdkit.format.FieldRef.of("VHDX", "file", "identifier", 0), "this is a VHDX, which Azure does not accept: convert it "
                    + "to a fixed VHD with `vhdkit convert " + image + " OUT.vhd`"));
            try (DiskImage disk = DiskImage.open(path)) {
                volumes = VolumesReport.of(disk);
                findings.addAll(volumes.findings());
            } catch (FormatException e) {
                findings.add(VhdChecker.findingFor(e));
            }
            if (volumes != null && volumes.layout().rootVolume().isPresent()) {
                try {
                    os = Validator.detectOs(path);
                } catch (FormatException e) {
                    findings.add(Finding.of(Severity.WARNING, e));
                }
            }
            if (json()) {
                doc.set("findings", Json.findings(findings));
                if (volumes != null) {
                    volumes.addTo(doc);
                }
                doc.set("os", osJson(os));
                documents.add(doc);
            } else {
                out.printf("%-20s %s%n", "Image:", image);
                out.printf("%-20s %s%n", "Format:", "vhdx");
                source(packed, out);
                out.printf("%-20s %s%n", "File size:", InspectReport.size(Files.size(path)));
                out.printf("%-20s %s%n", "Virtual size:", InspectReport.size(vhdx.size()));
                out.printf("%-20s %s%n", "Block size:", InspectReport.size(vhdx.blockSize()));
                out.printf("%-20s %d%n", "Logical sector:", vhdx.logicalSectorSize());
                out.printf("%-20s %d%n", "Allocated blocks:", vhdx.allocatedBlocks());
                out.printf("%-20s %d (version %d)%n", "Header sequence:", h.sequenceNumber(), h.version());
                out.printf("%-20s %s%n", "File write GUID:", h.fileWriteGuid());
                out.printf("%-20s %s%n", "Data write GUID:", h.dataWriteGuid());
                for (VhdxDisk d : vhdx.chain().subList(1, vhdx.chain().size())) {
                    out.printf("%-20s %s%n", "Parent:", d.name());
                }
                out.println("Findings");
                findings.forEach(f -> out.printf("  %-7s %s%n", f.severity().name(), f.message()));
                if (volumes != null) {
                    volumes.printText(out);
                }
                if (os != null) {
                    printOs(os, out);
                }
            }
            return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR) ? ExitCodes.FINDINGS
                    : ExitCodes.OK;
        }
    }

    /** The detected OS: {"family", "name", "version", "details"}, or null. */
    private static com.fasterxml.jackson.databind.JsonNode osJson(OsInfo os) {
        if (os == null) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        ObjectNode n = Json.object();
        n.put("family", os.family().label());
        n.put("name", ReportText.wellFormed(os.name()));
        n.put("version", ReportText.wellFormed(os.version()));
        ObjectNode details = n.putObject("details");
        new java.util.TreeMap<>(os.details()).forEach((k, v) -> details.put(k, ReportText.wellFormed(v)));
        return n;
    }

    private static void printOs(OsInfo os, PrintWriter out) {
        out.printf("%-20s %s%n", "Operating system:", ReportText.printable(os.name() == null ? os.family().label()
                : os.name() + (os.version() == null ? "" : " (version " + os.version() + ")")));
        new java.util.TreeMap<>(os.details()).forEach((k, v) -> out.printf("  %-18s %s%n", k + ":",
                ReportText.printable(v)));
    }

    private void reportNotReadable(ObjectNode doc, PrintWriter out, List<ObjectNode> documents) {
        if (json()) {
            documents.add(doc);
            return;
        }
        out.printf("%-20s %s%n", "Image:", doc.get("image").asText());
        out.printf("%-20s %s%n", "Format:", doc.get("format").asText());
        out.printf("%-20s %s%n", "File size:", InspectReport.size(doc.get("fileSize").asLong()));
        out.println("Findings");
        doc.get("findings").forEach(f -> out.printf("  %-7s %s%n", f.get("severity").asText(),
                f.get("message").asText()));
    }

    /** The document for a file that is not a readable VHD: what it looks like, and why it was refused. */
    private static ObjectNode notReadable(Path image, FormatException e) throws IOException {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        String format = "vhd";
        if (e instanceof NotThisFormatException) {
            try (FileByteSource source = FileByteSource.open(image)) {
                format = ImageProbe.probe(source).name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
        }
        n.put("format", format);
        n.put("fileSize", Files.size(image));
        n.set("findings", Json.findings(List.of(VhdChecker.findingFor(e))));
        return n;
    }
}
