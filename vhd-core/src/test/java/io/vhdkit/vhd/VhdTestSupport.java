package io.vhdkit.vhd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.check.Finding;
import io.vhdkit.check.Severity;
import io.vhdkit.io.ByteArraySource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/** Opening and checking in-memory images in tests. */
final class VhdTestSupport {

    /** The checker's clock in tests: long after every golden time stamp. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC);

    private VhdTestSupport() {
    }

    static VhdFile open(byte[] image) throws IOException {
        return VhdFile.open(new ByteArraySource("test.vhd", image));
    }

    /** The checker's findings for a single in-memory file (no chain). */
    static List<Finding> check(byte[] image) throws IOException {
        try (VhdFile f = open(image)) {
            return new VhdChecker(CLOCK).checkFile(f);
        }
    }

    /** Asserts a finding with this code and severity whose message contains {@code text}, and returns it. */
    static Finding assertFinding(List<Finding> findings, String code, Severity severity, String text) {
        for (Finding f : findings) {
            if (f.code().equals(code) && f.severity() == severity && f.message().contains(text)) {
                return f;
            }
        }
        fail("no " + severity.label() + " finding " + code + " containing \"" + text + "\" in:\n"
                + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
        return null;
    }

    static void assertNoFinding(List<Finding> findings, String code) {
        assertTrue(findings.stream().noneMatch(f -> f.code().equals(code)), () -> "unexpected " + code + " in:\n"
                + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    }

    static void assertNoErrors(List<Finding> findings) {
        assertTrue(findings.stream().noneMatch(f -> f.severity() == Severity.ERROR), () -> "errors in:\n"
                + findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    }
}
