package io.vhdkit.validator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Severity;
import io.vhdkit.validator.Overrides;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The SARIF 2.1.0 report (OASIS Static Analysis Results Interchange Format), for code-scanning dashboards: one run
 * per invocation.
 * <ul>
 * <li>{@code tool.driver}: vhdkit, its version, and every rule with its id, a PascalCase name, its title as the
 * short description, its fix as help (text and Markdown) and its level under the profile in use as the default
 * configuration ({@code enabled: false, level: none} when it does not apply to the profile);</li>
 * <li>{@code artifacts}: one per image, with the verdict, OS, OS state and the rules that ran as properties;</li>
 * <li>{@code results}: one per finding, located in the image ({@code physicalLocation}: a relative URI for a
 * relative image path, {@code file://} for an absolute one) and, when it concerns a file inside the image, at that
 * file ({@code logicalLocations}: its path, kind {@code resource});</li>
 * <li>{@code invocations}: exit code, whether every image could be read (images that could not are
 * {@code toolExecutionNotifications}), and the overrides as {@code ruleConfigurationOverrides}.</li>
 * </ul>
 * Unpaired surrogates (possible in NTFS names) are written as the text {@code \\uXXXX}: UTF-8 cannot carry them,
 * and strict JSON readers refuse them escaped. Characters no viewer shows (controls, DEL, the C1 controls, the line
 * and paragraph separators, U+FEFF, U+FFFE, U+FFFF) are written as JSON escapes, which keep them.
 */
public final class SarifReport {

    /** The OASIS schema of SARIF 2.1.0 with its errata. */
    public static final String SCHEMA_URI =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    private static final DateTimeFormatter UTC = DateTimeFormatter.ISO_INSTANT;
    private static final ObjectWriter WRITER = JsonReport.MAPPER.writer().with(new VisibleEscapes());

    /**
     * What the invocation was, beyond its results.
     *
     * @param profile    the profile the images were checked against
     * @param overrides  the rules disabled or demoted to warnings
     * @param unreadable the images that could not be read, each with the reason, in order
     * @param exitCode   the exit code of the command
     * @param start      when it started
     * @param end        when it ended
     */
    public record Invocation(Profile profile, Overrides overrides, Map<Path, String> unreadable, int exitCode,
                             Instant start, Instant end) {

        public Invocation {
            Objects.requireNonNull(profile);
            Objects.requireNonNull(overrides);
            unreadable = Collections.unmodifiableMap(new LinkedHashMap<>(unreadable));
            Objects.requireNonNull(start);
            Objects.requireNonNull(end);
        }
    }

    private final List<Rule> rules;
    private final String version;

    /** @param rules every rule the validator knows, in report order ({@code new Validator().rules()}) */
    public SarifReport(List<Rule> rules) {
        this(rules, toolVersion());
    }

    SarifReport(List<Rule> rules, String version) {
        this.rules = List.copyOf(rules);
        this.version = version;
    }

    /** The version in the jar's manifest, or "development" when run from classes. */
    public static String toolVersion() {
        String v = SarifReport.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    public String write(List<ValidationResult> results, Invocation invocation) {
        try {
            return WRITER.writeValueAsString(json(results, invocation));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain trees always serialize", e);
        }
    }

    public ObjectNode json(List<ValidationResult> results, Invocation invocation) {
        ObjectNode log = JsonReport.MAPPER.createObjectNode();
        log.put("$schema", SCHEMA_URI);
        log.put("version", "2.1.0");
        ObjectNode run = log.putArray("runs").addObject();

        Map<String, Integer> ruleIndex = new HashMap<>();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "vhdkit");
        driver.put("version", version);
        ArrayNode rulesNode = driver.putArray("rules");
        for (Rule r : rules) {
            ruleIndex.putIfAbsent(r.id(), ruleIndex.size());
            rulesNode.add(rule(r, invocation.profile()));
        }

        ObjectNode inv = run.putArray("invocations").addObject();
        inv.put("executionSuccessful", invocation.unreadable().isEmpty());
        inv.put("exitCode", invocation.exitCode());
        inv.put("startTimeUtc", UTC.format(invocation.start().truncatedTo(ChronoUnit.MILLIS)));
        inv.put("endTimeUtc", UTC.format(invocation.end().truncatedTo(ChronoUnit.MILLIS)));
        ArrayNode overrides = ruleOverrides(invocation, ruleIndex);
        if (!overrides.isEmpty()) {
            inv.set("ruleConfigurationOverrides", overrides);
        }

        ArrayNode artifacts = run.putArray("artifacts");
        ArrayNode resultsNode = run.putArray("results");
        for (ValidationResult r : results) {
            int index = artifacts.size();
            ObjectNode artifact = artifact(artifacts, r.image());
            ObjectNode props = artifact.putObject("properties");
            props.put("profile", r.profile().id());
            props.put("verdict", r.verdict());
            ObjectNode os = props.putObject("os");
            os.put("family", r.os().family().label());
            if (r.os().name() != null) {
                os.put("name", text(r.os().name()));
            }
            if (r.os().version() != null) {
                os.put("version", text(r.os().version()));
            }
            props.put("osState", r.osState().label());
            ArrayNode ran = props.putArray("rulesRun");
            r.rulesRun().forEach(ran::add);
            props.put("bytesRead", r.bytesRead());
            props.put("millis", r.millis());
            for (RuleFinding f : r.findings()) {
                resultsNode.add(result(f, r.image(), index, ruleIndex));
            }
        }
        if (!invocation.unreadable().isEmpty()) {
            ArrayNode notes = inv.putArray("toolExecutionNotifications");
            invocation.unreadable().forEach((image, reason) -> {
                int index = artifacts.size();
                artifact(artifacts, image).putObject("properties").put("unreadable", text(reason));
                ObjectNode n = notes.addObject();
                n.put("level", "error");
                n.putObject("message").put("text", text("cannot read " + reason));
                n.putArray("locations").add(location(image, index));
            });
        }
        run.putObject("properties").put("profile", invocation.profile().id());
        return log;
    }

    private ObjectNode rule(Rule r, Profile profile) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("id", r.id());
        n.put("name", pascalCase(r.id()));
        n.putObject("shortDescription").put("text", text(r.title()));
        ObjectNode help = n.putObject("help");
        help.put("text", text(r.fix()));
        help.put("markdown", text(markdown(r.fix())));
        ObjectNode config = n.putObject("defaultConfiguration");
        Severity s = r.severity(profile);
        if (s == null) {
            config.put("enabled", false);
        }
        config.put("level", level(s));
        return n;
    }

    private ArrayNode ruleOverrides(Invocation invocation, Map<String, Integer> ruleIndex) {
        ArrayNode out = JsonReport.MAPPER.createArrayNode();
        for (Rule r : rules) {
            ObjectNode configuration = JsonReport.MAPPER.createObjectNode();
            if (invocation.overrides().disabled().contains(r.id())) {
                configuration.put("enabled", false);
            } else if (invocation.overrides().warn().contains(r.id()) && r.severity(invocation.profile()) == Severity.ERROR) {
                configuration.put("level", "warning");
            } else {
                continue;
            }
            ObjectNode o = out.addObject();
            ObjectNode descriptor = o.putObject("descriptor");
            descriptor.put("id", r.id());
            descriptor.put("index", ruleIndex.get(r.id()));
            o.set("configuration", configuration);
        }
        return out;
    }

    private ObjectNode result(RuleFinding f, Path image, int artifactIndex, Map<String, Integer> ruleIndex) {
        ObjectNode n = JsonReport.MAPPER.createObjectNode();
        n.put("ruleId", f.rule());
        Integer index = ruleIndex.get(f.rule());
        if (index != null) {
            n.put("ruleIndex", index);
        }
        n.put("level", level(f.severity()));
        n.putObject("message").put("text", text(f.message()));
        ObjectNode location = location(image, artifactIndex);
        if (f.path() != null) {
            ObjectNode logical = location.putArray("logicalLocations").addObject();
            logical.put("fullyQualifiedName", text(f.path()));
            logical.put("kind", "resource");
        }
        n.putArray("locations").add(location);
        Rule rule = index == null ? null : rules.get(index);
        if (f.fix() != null && (rule == null || !f.fix().equals(rule.fix()))) {
            n.putObject("properties").put("fix", text(f.fix()));
        }
        return n;
    }

    private static ObjectNode artifact(ArrayNode artifacts, Path image) {
        ObjectNode a = artifacts.addObject();
        a.putObject("location").put("uri", uri(image));
        a.putArray("roles").add("analysisTarget");
        return a;
    }

    private static ObjectNode location(Path image, int artifactIndex) {
        ObjectNode location = JsonReport.MAPPER.createObjectNode();
        ObjectNode artifact = location.putObject("physicalLocation").putObject("artifactLocation");
        artifact.put("uri", uri(image));
        artifact.put("index", artifactIndex);
        return location;
    }

    static String level(Severity s) {
        if (s == null) {
            return "none";
        }
        return switch (s) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "note";
        };
    }

    /**
     * The image as a URI reference: {@code file:///...} for an absolute path, else its segments percent-encoded
     * (UTF-8) and joined with {@code /}, whatever the platform's separator.
     */
    static String uri(Path image) {
        if (image.isAbsolute()) {
            return image.toUri().toASCIIString();
        }
        StringBuilder sb = new StringBuilder();
        for (Path segment : image) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            for (byte b : segment.toString().getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                // RFC 3986 unreserved and sub-delims, and '@': safe in a path segment; ':' is not, in the first one
                if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=@".indexOf(c) >= 0)) {
                    sb.append((char) c);
                } else {
                    sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
                }
            }
        }
        return sb.toString();
    }

    /** {@code VhdNotFixed} for {@code vhd/not-fixed}: SARIF asks for a name like an identifier. */
    static String pascalCase(String id) {
        StringBuilder sb = new StringBuilder();
        boolean upper = true;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        return sb.toString();
    }

    /**
     * Plain text as Markdown: the characters Markdown acts on anywhere are backslash-escaped, and those that start a
     * heading, list or quote only where they would (the text is one line).
     */
    static String markdown(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lineStart = i == 0 && "#-+>=".indexOf(c) >= 0;
            boolean listNumber = i == digits && digits > 0 && (c == '.' || c == ')');
            if ("\\`*_{}[]<>!|~".indexOf(c) >= 0 || lineStart || listNumber) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** The string, with unpaired surrogates written as {@code \\uXXXX}; null stays null. */
    static String text(String s) {
        return ReportText.wellFormed(s);
    }

    /** JSON's own escapes, and {@code \\u} escapes for the invisible characters JSON lets through raw. */
    private static final class VisibleEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        VisibleEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean invisible = (ch >= 0x80 && ch <= 0x9F) || ch == 0x2028 || ch == 0x2029 || ch == 0xFEFF
                    || ch == 0xFFFE || ch == 0xFFFF;
            return invisible ? new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch)) : null;
        }
    }
}
