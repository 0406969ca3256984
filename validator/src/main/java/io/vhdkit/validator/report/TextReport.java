package io.vhdkit.validator.report;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The report for people: the verdict, the OS, then the findings grouped by severity, each with its fix. */
public final class TextReport {

    private final boolean colour;

    /** @param colour ANSI colours (on a terminal, unless NO_COLOR is set) */
    public TextReport(boolean colour) {
        this.colour = colour;
    }

    public void write(ValidationResult r, PrintWriter out) {
        String verdict = r.passed() ? paint("PASS", "32") : paint("FAIL", "31");
        long errors = count(r, Severity.ERROR);
        long warnings = count(r, Severity.WARNING);
        out.printf(Locale.ROOT, "%s%s: %s (%s) - %d error%s, %d warning%s%n",
                ReportText.printable(r.image().toString()), r.role() == null ? "" : " [" + r.role().describe() + "]",
                verdict, r.profile().id(),
                errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
        String os = switch (r.os().family()) {
            case NONE -> "none found";
            default -> ReportText.printable(r.os().name()
                    + (r.os().version() == null ? "" : " (version " + r.os().version() + ")"));
        };
        out.printf("  OS: %s; state: %s%n", os, r.osState().label());
        for (Severity s : Severity.values()) {
            List<RuleFinding> group = r.findings().stream().filter(f -> f.severity() == s).toList();
            if (group.isEmpty()) {
                continue;
            }
            out.println("  " + paint(s.label().toUpperCase(Locale.ROOT) + (s == Severity.INFO ? "" : "S"),
                    s == Severity.ERROR ? "31" : s == Severity.WARNING ? "33" : "36"));
            for (RuleFinding f : group) {
                out.printf("    [%s] %s%s%n", f.rule(), ReportText.printable(f.message()),
                        f.path() == null ? "" : " (" + ReportText.printable(f.path()) + ")");
                if (f.fix() != null && s != Severity.INFO) {
                    out.printf("      fix: %s%n", ReportText.printable(f.fix()));
                }
            }
        }
        out.printf(Locale.ROOT, "  read %d bytes in %d ms%n", r.bytesRead(), r.millis());
    }

    private static long count(ValidationResult r, Severity s) {
        return r.findings().stream().filter(f -> f.severity() == s).count();
    }

    private String paint(String text, String code) {
        return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
