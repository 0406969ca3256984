package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.OsFamily;
import io.vhdkit.validator.OsInfo;
import io.vhdkit.validator.OsState;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.report.ReportCases.Case;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The JUnit XML report parsed back with the JDK's parser: counts that agree with the test cases, only the attributes
 * and children the CI readers' schema (Jenkins xUnit's junit-10.xsd) allows, one failure per test case, and every
 * string carried exactly, made safe for XML 1.0.
 */
class JUnitReportTest {

    private static final Set<String> TESTSUITES_ATTRS = Set.of("name", "tests", "failures", "errors", "time");
    private static final Set<String> TESTSUITE_ATTRS = Set.of("name", "tests", "failures", "errors", "skipped",
            "time", "timestamp");
    private static final Set<String> TESTCASE_ATTRS = Set.of("classname", "name");
    private static final Set<String> TESTCASE_CHILDREN = Set.of("failure", "error", "skipped", "system-out");

    private static List<Case> cases;

    @BeforeAll
    static void validate() {
        Validator all = new Validator();
        cases = List.of(ReportCases.osDisks(all), ReportCases.dataDisks(all), ReportCases.hostile());
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setNamespaceAware(false);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element c && (name == null || c.getTagName().equals(name))) {
                out.add(c);
            }
        }
        return out;
    }

    private static void assertAttributes(Element e, Set<String> allowed, String... required) {
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            String name = attrs.item(i).getNodeName();
            assertTrue(allowed.contains(name), () -> "<" + e.getTagName() + "> may not have " + name);
        }
        for (String r : required) {
            assertTrue(e.hasAttribute(r), () -> "<" + e.getTagName() + "> needs " + r);
        }
    }

    private static int count(Element e, String attr) {
        return Integer.parseInt(e.getAttribute(attr));
    }

    @Test
    void theStructureIsTheDialectCiReads() throws Exception {
        for (Case c : cases) {
            Element root = parse(JUnitReport.write(c.results(), c.unreadable(), ReportCases.START))
                    .getDocumentElement();
            assertEquals("testsuites", root.getTagName());
            assertAttributes(root, TESTSUITES_ATTRS, "name", "tests", "failures", "errors", "time");
            int tests = 0;
            int failures = 0;
            int errors = 0;
            List<Element> suites = children(root, null);
            assertEquals(c.results().size() + c.unreadable().size(), suites.size());
            for (Element suite : suites) {
                assertEquals("testsuite", suite.getTagName());
                assertAttributes(suite, TESTSUITE_ATTRS, "name", "tests", "failures", "errors", "skipped", "time",
                        "timestamp");
                assertEquals("2026-01-02T03:04:05", suite.getAttribute("timestamp"));
                assertTrue(suite.getAttribute("time").matches("[0-9]+\\.[0-9]{3}"), suite.getAttribute("time"));
                List<Element> cs = children(suite, "testcase");
                int f = 0;
                int e = 0;
                for (Element tc : cs) {
                    assertAttributes(tc, TESTCASE_ATTRS, "classname", "name");
                    assertTrue(tc.getAttribute("classname").matches("vhdkit\\.[a-z0-9-]+"));
                    for (Element child : children(tc, null)) {
                        assertTrue(TESTCASE_CHILDREN.contains(child.getTagName()), child.getTagName());
                    }
                    int problems = children(tc, "failure").size() + children(tc, "error").size();
                    assertTrue(problems <= 1, "one failure or error per test case: the CIs show only the first");
                    f += children(tc, "failure").size();
                    e += children(tc, "error").size();
                    for (Element p : children(tc, "failure")) {
                        assertEquals("error", p.getAttribute("type"));
                    }
                }
                assertEquals(cs.size(), count(suite, "tests"));
                assertEquals(f, count(suite, "failures"));
                assertEquals(e, count(suite, "errors"));
                assertEquals(0, count(suite, "skipped"));
                tests += cs.size();
                failures += f;
                errors += e;
            }
            assertEquals(tests, count(root, "tests"));
            assertEquals(failures, count(root, "failures"));
            assertEquals(errors, count(root, "errors"));
            assertEquals(c.unreadable().size(), errors);
        }
    }

    @Test
    void eachRuleThatRanIsATestCaseFailingOnItsErrors() throws Exception {
        for (Case c : cases.subList(0, 2)) {
            Element root = parse(JUnitReport.write(c.results(), c.unreadable(), ReportCases.START))
                    .getDocumentElement();
            List<Element> suites = children(root, "testsuite");
            for (int i = 0; i < c.results().size(); i++) {
                ValidationResult r = c.results().get(i);
                Element suite = suites.get(i);
                assertEquals(r.image().toString(), suite.getAttribute("name"));
                Map<String, String> props = new LinkedHashMap<>();
                children(children(suite, "properties").get(0), "property")
                        .forEach(p -> props.put(p.getAttribute("name"), p.getAttribute("value")));
                assertEquals(r.profile().id(), props.get("profile"));
                assertEquals(r.verdict(), props.get("verdict"));
                assertEquals(r.os().family().label(), props.get("os"));
                assertEquals(r.osState().label(), props.get("osState"));
                assertEquals(Long.toString(r.bytesRead()), props.get("bytesRead"));
                List<Element> tcs = children(suite, "testcase");
                assertEquals(r.rulesRun(), tcs.stream().map(t -> t.getAttribute("name")).toList());
                for (Element tc : tcs) {
                    String rule = tc.getAttribute("name");
                    assertEquals(JUnitReport.area(rule), tc.getAttribute("classname"));
                    List<RuleFinding> errors = r.findings().stream()
                            .filter(f -> f.rule().equals(rule) && f.severity() == Severity.ERROR).toList();
                    List<Element> failure = children(tc, "failure");
                    assertEquals(errors.isEmpty() ? 0 : 1, failure.size(), rule);
                    for (RuleFinding f : errors) {
                        assertTrue(failure.get(0).getTextContent().contains(f.message()));
                        assertTrue(failure.get(0).getTextContent().contains("fix: " + f.fix()));
                    }
                    String out = children(tc, "system-out").stream().map(Node::getTextContent).findFirst().orElse("");
                    for (RuleFinding f : r.findings()) {
                        if (f.rule().equals(rule) && f.severity() != Severity.ERROR) {
                            assertTrue(out.contains(f.severity().label() + ": " + f.message()), out);
                        }
                    }
                }
            }
        }
    }

    @Test
    void severalErrorsOfARuleAreOneFailure() throws Exception {
        Case c = ReportCases.hostile();
        Element root = parse(JUnitReport.write(c.results(), c.unreadable(), ReportCases.START)).getDocumentElement();
        Element hostile = children(children(root, "testsuite").get(0), "testcase").stream()
                .filter(t -> t.getAttribute("name").equals("linux/hostile")).findFirst().orElseThrow();
        Element failure = children(hostile, "failure").get(0);
        assertTrue(failure.getAttribute("message").endsWith(" (and 1 more)"), failure.getAttribute("message"));
        String body = failure.getTextContent();
        assertTrue(body.contains("first error: ") && body.contains("second error: "), body);
        assertEquals(1, children(hostile, "system-out").size());
        Element unreadable = children(children(root, "testsuite").get(1), "testcase").get(0);
        assertEquals(JUnitReport.UNREADABLE_CLASS, unreadable.getAttribute("classname"));
        assertEquals(JUnitReport.UNREADABLE_NAME, unreadable.getAttribute("name"));
        assertEquals("unreadable", children(unreadable, "error").get(0).getAttribute("type"));
    }

    /** What the report must turn a string into: the characters XML 1.0 forbids, DEL and C1 as text escapes. */
    static String expected(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x7F && c <= 0x9F
                    || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Random strings weighted towards the characters that break XML writers. */
    private static String randomString(Random rnd) {
        String specials = "<>&\"'\t\n\r]]>-- ";
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(24);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(7)) {
                case 0 -> sb.append((char) rnd.nextInt(0x20));
                case 1 -> sb.append((char) (0x7F + rnd.nextInt(0x21)));
                case 2 -> sb.append((char) (0xD800 + rnd.nextInt(0x800)));
                case 3 -> sb.append(specials.charAt(rnd.nextInt(specials.length())));
                case 4 -> sb.append(rnd.nextBoolean() ? '\uFFFE' : '\uFFFF');
                case 5 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x10FFFF - 0x10000));
                default -> sb.append((char) (0x20 + rnd.nextInt(0xD800 - 0x20)));
            }
        }
        return sb.toString();
    }

    @Test
    void anyStringIsCarriedExactlyOnceMadeSafe() throws Exception {
        Random rnd = new Random(20261122);
        for (int round = 0; round < 500; round++) {
            String message = randomString(rnd);
            String path = randomString(rnd);
            String fix = randomString(rnd);
            String warning = randomString(rnd);
            // a Path holds no NUL, and no unpaired surrogate or (under a non-UTF-8 locale) non-ASCII character
            String image = "img" + randomString(rnd).chars().filter(ch -> ch > 0 && ch < 0x80 && ch != '/')
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
            String osName = randomString(rnd);
            List<RuleFinding> findings = List.of(
                    new RuleFinding("linux/x", Severity.ERROR, message, path, fix),
                    new RuleFinding("linux/x", Severity.WARNING, warning, null, null));
            ValidationResult r = new ValidationResult(Path.of(image), Profile.AZURE_GENERALIZED,
                    new OsInfo(OsFamily.LINUX, osName, null, Map.of()), OsState.UNKNOWN,
                    findings, List.of("linux/x"), 1, 1);
            String xml = JUnitReport.write(List.of(r), Map.of(), Instant.EPOCH);
            Document doc;
            try {
                doc = parse(xml);
            } catch (Exception e) {
                throw new AssertionError("round " + round + ": not well-formed: " + e.getMessage() + "\n" + xml, e);
            }
            Element suite = children(doc.getDocumentElement(), "testsuite").get(0);
            assertEquals(expected(image), suite.getAttribute("name"));
            Element osNameProp = children(children(suite, "properties").get(0), "property").stream()
                    .filter(p -> p.getAttribute("name").equals("os.name")).findFirst().orElseThrow();
            assertEquals(expected(osName), osNameProp.getAttribute("value"));
            Element tc = children(suite, "testcase").get(0);
            Element failure = children(tc, "failure").get(0);
            assertEquals(expected(message), failure.getAttribute("message"), "round " + round);
            assertEquals(expected(message + "\n  path: " + path + "\n  fix: " + fix + "\n"), failure.getTextContent(),
                    "round " + round);
            assertEquals(expected("warning: " + warning + "\n"), children(tc, "system-out").get(0).getTextContent(),
                    "round " + round);
        }
    }

    @Test
    void timesAreSecondsWithThreeDecimals() {
        assertEquals("0.000", JUnitReport.seconds(0));
        assertEquals("1.234", JUnitReport.seconds(1234));
        assertEquals("61.005", JUnitReport.seconds(61_005));
        assertEquals("vhdkit.linux", JUnitReport.area("linux/waagent-state"));
        assertEquals("vhdkit.odd", JUnitReport.area("odd"));
    }
}
