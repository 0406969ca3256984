package io.vhdkit.validator.report;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        // println and concatenation, not printf: a Formatter's %d loads the locale providers, about 15 ms of a
        // validation that takes a few tenths of a second
        out.println(ReportText.printable(r.image().toString())
                + (r.role() == null ? "" : " [" + r.role().describe() + "]") + ": " + verdict + " ("
                + r.profile().id() + ") - " + errors + " error" + (errors == 1 ? "" : "s") + ", " + warnings
                + " warning" + (warnings == 1 ? "" : "s"));
        String os = switch (r.os().family()) {
            case NONE -> "none found";
            default -> ReportText.printable(r.os().name()
                    + (r.os().version() == null ? "" : " (version " + r.os().version() + ")"));
        };
        out.println("  OS: " + os + "; state: " + r.osState().label());
        for (Severity s : Severity.values()) {
            List<RuleFinding> group = r.findings().stream().filter(f -> f.severity() == s).toList();
            if (group.isEmpty()) {
                continue;
            }
            out.println("  " + paint(s.label().toUpperCase(Locale.ROOT) + (s == Severity.INFO ? "" : "S"),
                    s == Severity.ERROR ? "31" : s == Severity.WARNING ? "33" : "36"));
            for (RuleFinding f : group) {
                out.println("    [" + f.rule() + "] " + ReportText.printable(f.message())
                        + (f.path() == null ? "" : " (" + ReportText.printable(f.path()) + ")"));
                if (f.fix() != null && s != Severity.INFO) {
                    out.println("      fix: " + ReportText.printable(concreteFix(f.fix(), r.image())));
                }
            }
        }
        out.println("  read " + r.bytesRead() + " bytes in " + r.millis() + " ms");
    }

    /**
     * The fix with the image's own path in the {@code `vhdkit ...`} commands it quotes, ready to paste: {@code IN} (the
     * image of any format) always, {@code IN.vhd} in a {@code vhdkit convert} always (it reads compressed inputs too)
     * and in the other commands when the image is a .vhd file. Machine-readable reports keep the placeholders, which
     * do not depend on where the image was.
     */
    static String concreteFix(String fix, Path image) {
        StringBuilder out = new StringBuilder(fix.length() + 32);
        boolean vhd = image.getFileName() != null
                && image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".vhd");
        String quoted = shellQuoted(image.toString());
        int at = 0;
        while (true) {
            int start = fix.indexOf("`vhdkit ", at);
            int end = start < 0 ? -1 : fix.indexOf('`', start + 1);
            if (end < 0) {
                return out.append(fix, at, fix.length()).toString();
            }
            out.append(fix, at, start);
            String[] words = fix.substring(start, end).split(" ", -1);
            // convert reads every input vhdkit reads (compressed, VHDX, raw); resize, repair and check want a VHD
            boolean any = words.length > 1 && words[1].equals("convert");
            for (int i = 0; i < words.length; i++) {
                String w = words[i];
                boolean in = w.equals("IN") || w.equals("IN.vhd") && (vhd || any);
                out.append(i == 0 ? "" : " ").append(in ? quoted : w);
            }
            at = end;
        }
    }

    /** {@code s} as one word for a POSIX shell: as it is when that is safe, else in single quotes. */
    static String shellQuoted(String s) {
        boolean plain = !s.isEmpty() && s.chars()
                .allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "_@%+=:,./-".indexOf(c) >= 0));
        if (plain) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static long count(ValidationResult r, Severity s) {
        return r.findings().stream().filter(f -> f.severity() == s).count();
    }

    private String paint(String text, String code) {
        return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
