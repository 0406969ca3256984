package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.compress.CompressedParents;
import io.vhdkit.format.FieldRef;
import io.vhdkit.format.FormatException;
import io.vhdkit.vhd.DiskType;
import io.vhdkit.vhd.ParentNotFoundException;
import io.vhdkit.vhd.VhdFile;
import io.vhdkit.vhd.VhdImage;
import io.vhdkit.vhd.VhdChecker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code vhdkit check}: the structural check of a VHD and its parent chain. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        description = {"Checks the structure of VHD images: footer and its copy, dynamic header, BAT, sector "
                + "bitmaps' placement, parent locators and the differencing chain.",
                "A compressed IMAGE (.gz, .xz, .bz2, .zst, a tar of one image) is checked as the VHD it holds.",
                "Every problem is reported with its severity, where it is and what it should be."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  no error finding (warnings allowed)", "  1  at least one error finding",
                "  2  usage error", "  3  an image could not be read"})
final class CheckCommand extends ImageCommand {

    @Override
    int report(Path image, PrintWriter out, List<ObjectNode> documents) throws IOException {
        return report(image, image, null, out, documents);
    }

    /** Checks {@code file}, the plain bytes of {@code image}: a compressed image is checked as the VHD it holds. */
    @Override
    int report(Path file, Path image, CompressedInput packed, PrintWriter out, List<ObjectNode> documents)
            throws IOException {
        List<Finding> findings = packed != null && packed.compressed() ? checkPacked(image, packed)
                : new VhdChecker().check(file);
        if (json()) {
            ObjectNode n = json(image, findings);
            if (packed != null && packed.compressed()) {
                n.put("source", packed.describe());
            }
            documents.add(n);
        } else {
            printText(out, image, findings);
            if (packed != null && packed.compressed()) {
                out.println("  (" + packed.describe() + ")");
            }
        }
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR) ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    /**
     * The checks of a compressed image's VHD; a differencing one's parents are looked for beside the compressed file
     * (not beside its temporary copy), and one found only compressed is named with the command that decompresses it.
     */
    private static List<Finding> checkPacked(Path image, CompressedInput packed) throws IOException {
        VhdChecker checker = new VhdChecker();
        List<Finding> findings = new ArrayList<>();
        VhdFile file;
        try {
            file = VhdFile.open(packed.source());
        } catch (FormatException e) {
            return List.of(VhdChecker.findingFor(e));
        }
        try (file) {
            findings.addAll(checker.checkFile(file));
            if (file.diskType() == DiskType.DIFFERENCING) {
                try (VhdImage chain = VhdImage.open(image, packed.source())) {
                    for (VhdImage.Link l : chain.chain().subList(1, chain.chain().size())) {
                        findings.addAll(checker.checkFile(l.file()));
                    }
                } catch (ParentNotFoundException e) {
                    findings.add(Finding.of(Severity.ERROR, FieldRef.of("VHD", "differencing chain",
                            "parent not found", FieldRef.NO_OFFSET), CompressedParents.message(e)));
                } catch (FormatException e) {
                    findings.add(VhdChecker.findingFor(e));
                }
            }
        }
        findings.sort(Comparator.comparing(Finding::severity));
        return findings;
    }

    /**
     * {@code {"image", "result": "ok"|"warnings"|"errors", "errors", "warnings", "infos", "findings": [...]}}.
     */
    static ObjectNode json(Path image, List<Finding> findings) {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        long errors = count(findings, Severity.ERROR);
        long warnings = count(findings, Severity.WARNING);
        n.put("result", errors > 0 ? "errors" : warnings > 0 ? "warnings" : "ok");
        n.put("errors", errors);
        n.put("warnings", warnings);
        n.put("infos", count(findings, Severity.INFO));
        n.set("findings", Json.findings(findings));
        return n;
    }

    private static long count(List<Finding> findings, Severity s) {
        return findings.stream().filter(f -> f.severity() == s).count();
    }

    private static void printText(PrintWriter out, Path image, List<Finding> findings) {
        long errors = count(findings, Severity.ERROR);
        long warnings = count(findings, Severity.WARNING);
        long infos = count(findings, Severity.INFO);
        String verdict = errors > 0 ? "FAILED" : "OK";
        out.printf("%s: %s (%s, %s, %s)%n", image, verdict, plural(errors, "error"), plural(warnings, "warning"),
                plural(infos, "note"));
        Findings.print(out, findings);
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
