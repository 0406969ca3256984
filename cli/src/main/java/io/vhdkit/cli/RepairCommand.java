package io.vhdkit.cli;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.format.FormatException;
import io.vhdkit.vhd.VhdChecker;
import io.vhdkit.vhd.VhdRepair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vhdkit repair}: the container repairs that lose nothing, in place. */
@Command(name = "repair",
        mixinStandardHelpOptions = true,
        description = {"Repairs a VHD's container in place: restores a damaged end footer from the copy at offset 0, "
                + "recomputes footer and dynamic header checksums when the rest of the structure is consistent, "
                + "rewrites the footer copy from an intact end footer, completes a 511-byte legacy footer, and cuts "
                + "trailing bytes after the footer.",
                "Every change is printed before it is made; --dry-run prints them and changes nothing. Damage that "
                        + "cannot be repaired without losing data (a truncated file, BAT entries outside the file) is "
                        + "reported, not touched."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  the image is sound after the repair (or would be, with --dry-run); nothing to do is 0 too",
                "  1  errors remain that repair cannot fix, or not a VHD", "  2  usage error",
                "  3  the image could not be read or written"})
final class RepairCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD to repair, in place.")
    Path image;

    @Option(names = {"-n", "--dry-run"}, description = "Print the changes; write nothing.")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Inputs.requireReadable(image);
            if (!dryRun && !Files.isWritable(image)) {
                err.println("vhdkit repair: cannot write " + image + ": permission denied (or use --dry-run)");
                return ExitCodes.UNREADABLE;
            }
        } catch (IOException e) {
            err.println("vhdkit repair: cannot read " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
        try {
            VhdRepair.Plan plan = VhdRepair.plan(image);
            if (plan.changes().isEmpty() && plan.unrepairable().isEmpty()) {
                out.println(image + ": nothing to repair");
            }
            for (VhdRepair.Change c : plan.changes()) {
                out.println(image + ": " + (dryRun ? "would " : "") + c.description());
            }
            for (String u : plan.unrepairable()) {
                out.println(image + ": cannot repair: " + u);
            }
            if (dryRun) {
                if (!plan.changes().isEmpty()) {
                    out.println(image + ": dry run: nothing was changed");
                }
                return plan.unrepairable().isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
            }
            if (!plan.changes().isEmpty()) {
                VhdRepair.apply(image, plan);
            }
            List<Finding> errors = new VhdChecker().check(image).stream()
                    .filter(f -> f.severity() == Severity.ERROR).toList();
            if (!errors.isEmpty()) {
                out.println(image + ": errors remain (vhdkit check " + image + " for the details):");
                Findings.print(out, errors);
                return ExitCodes.FINDINGS;
            }
            if (!plan.changes().isEmpty()) {
                out.println(image + ": repaired (" + CheckCommand.plural(plan.changes().size(), "change")
                        + "); vhdkit check finds no error");
            }
            return ExitCodes.OK;
        } catch (FormatException e) {
            err.println("vhdkit repair: " + image + ": " + e.getMessage());
            err.println("vhdkit repair: this damage is beyond repair in place; convert the image again from its "
                    + "source");
            return ExitCodes.FINDINGS;
        } catch (IOException e) {
            err.println("vhdkit repair: cannot repair " + image + ": " + Inputs.reason(e));
            return ExitCodes.UNREADABLE;
        }
    }
}
