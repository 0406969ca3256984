package io.vhdkit.validator.windows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sysprep's error log, {@code %WINDIR%\System32\Sysprep\Panther\setuperr.log}: lines such as
 * {@code 2024-05-14 10:02:11, Error  SYSPRP Failed to remove apps for the current user: 0x80073cf2.}
 */
public final class SetupErrLog {

    /** How many of the last error lines a finding shows. */
    public static final int TAIL_LINES = 5;
    /** A line is cut to this many characters. */
    static final int MAX_LINE = 300;

    /** The AppX error that most often stops sysprep /generalize (MS: "Sysprep fails after you remove or update ..."). */
    public static final String APPX_NOT_PROVISIONED = "0x80073cf2";
    private static final Pattern APPX_PACKAGE = Pattern.compile(
            "Package (\\S+) was installed for a user, but not provisioned for all users");

    private final List<String> lines;

    private SetupErrLog(List<String> lines) {
        this.lines = lines;
    }

    /** Parses the log's last bytes (its head may be cut mid-line: a first partial line is dropped when cut). */
    public static SetupErrLog parse(byte[] tail, boolean cut) {
        String text = StateIni.decode(tail);
        List<String> out = new ArrayList<>();
        String[] raw = text.split("\r\n|\r|\n");
        for (int i = cut ? 1 : 0; i < raw.length; i++) {
            String l = raw[i].replaceAll("\\s+", " ").strip();
            if (!l.isEmpty()) {
                out.add(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "..." : l);
            }
        }
        return new SetupErrLog(out);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The last {@link #TAIL_LINES} error lines (lines with {@code , Error}), else the last lines of any kind. */
    public List<String> tail() {
        List<String> errors = lines.stream().filter(l -> l.contains(", Error")).toList();
        List<String> from = errors.isEmpty() ? lines : errors;
        return from.subList(Math.max(0, from.size() - TAIL_LINES), from.size());
    }

    /** The AppX package installed for one user but not provisioned for all, when the log names one. */
    public Optional<String> unprovisionedAppxPackage() {
        for (String l : lines) {
            Matcher m = APPX_PACKAGE.matcher(l);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    public boolean mentions(String s) {
        return lines.stream().anyMatch(l -> l.contains(s));
    }
}
