package io.vhdkit.validator.report;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JUnit XML report for CI: the dialect Jenkins (junit and xUnit plugins), GitLab and Azure DevOps read.
 * <pre>
 * testsuites name="vhdkit validate" tests failures errors time
 *   testsuite name=IMAGE tests failures errors skipped time timestamp
 *     properties: profile, verdict, os, os.name, os.version, osState, bytesRead
 *     testcase classname="vhdkit.AREA" name=RULE-ID        one per rule that ran; no finding = passed
 *       failure message type="error"                       the rule's error findings: message, path and fix each
 *       system-out                                         its warnings and notes, which do not fail the build
 * </pre>
 * An image that could not be read is a suite whose one test case, {@code vhdkit.image}/{@code image/readable}, is an
 * {@code <error>}.
 * <p>
 * Choices forced by the readers: a test case carries at most one {@code <failure>}, listing all of the rule's errors,
 * because Jenkins, Azure DevOps and others show only the first of several; {@code <testsuites>} carries only the
 * attributes the xUnit plugin's schema allows there (no {@code skipped}, no {@code timestamp}); test cases carry no
 * {@code time} (rules are not timed one by one); the timestamp is UTC without a zone designator, as Gradle writes it
 * and as the Ant schema requires. Rules disabled by overrides are not listed: a result does not tell them apart from
 * rules that do not apply to the image.
 * <p>
 * Every string is made safe for XML 1.0: characters it forbids (C0 controls other than tab, line feed and carriage
 * return, unpaired surrogates, U+FFFE and U+FFFF), and DEL and the C1 controls, which it allows but no viewer shows,
 * are written as the text {@code \\uXXXX}; in attributes, tab, line feed and carriage return are written as
 * character references so that attribute normalization keeps them.
 */
public final class JUnitReport {

    /** The test case of an image that could not be read. */
    static final String UNREADABLE_CLASS = "vhdkit.image";
    static final String UNREADABLE_NAME = "image/readable";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private JUnitReport() {
    }

    /**
     * The report on one invocation.
     *
     * @param results    the images validated, in order
     * @param unreadable the images that could not be read, each with the reason, in order (listed after the results)
     * @param timestamp  when the validation started
     */
    public static String write(List<ValidationResult> results, Map<Path, String> unreadable, Instant timestamp) {
        String stamp = TIMESTAMP.format(timestamp.truncatedTo(ChronoUnit.SECONDS));
        List<Suite> suites = new ArrayList<>();
        results.forEach(r -> suites.add(suite(r)));
        unreadable.forEach((image, reason) -> suites.add(unreadableSuite(image, reason)));

        Xml x = new Xml();
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long millis = results.stream().mapToLong(ValidationResult::millis).sum();
        x.open(0, "testsuites", attrs("name", "vhdkit validate",
                "tests", Long.toString(suites.stream().mapToLong(Suite::tests).sum()),
                "failures", Long.toString(suites.stream().mapToLong(Suite::failures).sum()),
                "errors", Long.toString(suites.stream().mapToLong(Suite::errors).sum()),
                "time", seconds(millis)), false);
        for (Suite s : suites) {
            s.write(x, stamp);
        }
        x.close(0, "testsuites");
        return x.toString();
    }

    private static Suite suite(ValidationResult r) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("profile", r.profile().id());
        props.put("verdict", r.verdict());
        props.put("os", r.os().family().label());
        if (r.os().name() != null) {
            props.put("os.name", r.os().name());
        }
        if (r.os().version() != null) {
            props.put("os.version", r.os().version());
        }
        props.put("osState", r.osState().label());
        props.put("bytesRead", Long.toString(r.bytesRead()));
        // the rules that ran, and (never from the Validator, but a result may be built by hand) any other rule found
        Set<String> rules = new LinkedHashSet<>(r.rulesRun());
        r.findings().forEach(f -> rules.add(f.rule()));
        List<Case> cases = new ArrayList<>();
        for (String rule : rules) {
            List<RuleFinding> errors = new ArrayList<>();
            StringBuilder out = new StringBuilder();
            for (RuleFinding f : r.findings()) {
                if (!f.rule().equals(rule)) {
                    continue;
                }
                if (f.severity() == Severity.ERROR) {
                    errors.add(f);
                } else {
                    out.append(f.severity().label()).append(": ").append(f.message()).append('\n');
                    details(out, f);
                }
            }
            Problem failure = null;
            if (!errors.isEmpty()) {
                StringBuilder body = new StringBuilder();
                for (RuleFinding f : errors) {
                    body.append(body.length() == 0 ? "" : "\n").append(f.message()).append('\n');
                    details(body, f);
                }
                String message = errors.get(0).message()
                        + (errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more)");
                failure = new Problem("failure", message, "error", body.toString());
            }
            cases.add(new Case(area(rule), rule, failure, out.toString()));
        }
        return new Suite(r.image() + (r.role() == null ? "" : " [" + r.role().describe() + "]"), props, cases,
                r.millis());
    }

    private static void details(StringBuilder sb, RuleFinding f) {
        if (f.path() != null) {
            sb.append("  path: ").append(f.path()).append('\n');
        }
        if (f.fix() != null) {
            sb.append("  fix: ").append(f.fix()).append('\n');
        }
    }

    private static Suite unreadableSuite(Path image, String reason) {
        Problem error = new Problem("error", "cannot read " + reason, "unreadable", "");
        return new Suite(image.toString(), Map.of(), List.of(new Case(UNREADABLE_CLASS, UNREADABLE_NAME, error, "")), 0);
    }

    /** {@code vhdkit.linux} for {@code linux/waagent-state}. */
    static String area(String ruleId) {
        int slash = ruleId.indexOf('/');
        return "vhdkit." + (slash < 0 ? ruleId : ruleId.substring(0, slash));
    }

    /** Seconds with three decimals, as Surefire writes them. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }

    private static String[] attrs(String... pairs) {
        return pairs;
    }

    /** A failure or error element. */
    private record Problem(String element, String message, String type, String body) {
    }

    private record Case(String classname, String name, Problem problem, String systemOut) {

        void write(Xml x) {
            String[] a = attrs("classname", classname, "name", name);
            if (problem == null && systemOut.isEmpty()) {
                x.open(2, "testcase", a, true);
                return;
            }
            x.open(2, "testcase", a, false);
            if (problem != null) {
                x.element(3, problem.element, attrs("message", problem.message, "type", problem.type), problem.body);
            }
            if (!systemOut.isEmpty()) {
                x.element(3, "system-out", attrs(), systemOut);
            }
            x.close(2, "testcase");
        }
    }

    private record Suite(String name, Map<String, String> properties, List<Case> cases, long millis) {

        long tests() {
            return cases.size();
        }

        long failures() {
            return count("failure");
        }

        long errors() {
            return count("error");
        }

        private long count(String element) {
            return cases.stream().filter(c -> c.problem != null && c.problem.element.equals(element)).count();
        }

        void write(Xml x, String stamp) {
            x.open(1, "testsuite", attrs("name", name, "tests", Long.toString(tests()),
                    "failures", Long.toString(failures()), "errors", Long.toString(errors()),
                    "skipped", "0", "time", seconds(millis), "timestamp", stamp), false);
            if (!properties.isEmpty()) {
                x.open(2, "properties", attrs(), false);
                properties.forEach((k, v) -> x.open(3, "property", attrs("name", k, "value", v), true));
                x.close(2, "properties");
            }
            cases.forEach(c -> c.write(x));
            x.close(1, "testsuite");
        }
    }

    /** A small XML writer: two-space indentation, attributes in the order given, everything escaped. */
    private static final class Xml {

        private final StringBuilder sb = new StringBuilder();

        void raw(String s) {
            sb.append(s);
        }

        void open(int depth, String name, String[] attrs, boolean empty) {
            start(depth, name, attrs);
            sb.append(empty ? "/>\n" : ">\n");
        }

        private void start(int depth, String name, String[] attrs) {
            sb.append("  ".repeat(depth)).append('<').append(name);
            for (int i = 0; i < attrs.length; i += 2) {
                sb.append(' ').append(attrs[i]).append("=\"");
                escape(attrs[i + 1], true);
                sb.append('"');
            }
        }

        void close(int depth, String name) {
            sb.append("  ".repeat(depth)).append("</").append(name).append(">\n");
        }

        /** An element with text content, written as is (no indentation inside, which would change the text). */
        void element(int depth, String name, String[] attrs, String text) {
            start(depth, name, attrs);
            if (text.isEmpty()) {
                sb.append("/>\n");
                return;
            }
            sb.append('>');
            escape(text, false);
            sb.append("</").append(name).append(">\n");
        }

        private void escape(String s, boolean attribute) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '&' -> sb.append("&amp;");
                    case '<' -> sb.append("&lt;");
                    case '>' -> sb.append("&gt;");
                    case '"' -> sb.append(attribute ? "&quot;" : "\"");
                    case '\t' -> sb.append(attribute ? "&#9;" : "\t");
                    case '\n' -> sb.append(attribute ? "&#10;" : "\n");
                    case '\r' -> sb.append("&#13;");
                    default -> {
                        if (Character.isHighSurrogate(c) && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c)
                                || c == '\uFFFE' || c == '\uFFFF') {
                            sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
