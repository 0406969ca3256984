package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vhdkit.testing.Fixtures;
import io.vhdkit.validator.Validator;
import io.vhdkit.validator.report.ReportCases.Case;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON, JUnit and SARIF reports of real validations of fixture images (and of one hostile result built by hand)
 * compared with committed golden files. When a report changes on purpose, rewrite them with the command
 * {@link GoldenFile} prints, and review the change with git diff.
 */
class ReportGoldenTest {

    private static List<Case> cases;
    private static Case jsonHostile;

    @BeforeAll
    static void validate() {
        Validator validator = new Validator(ReportCases.goldenRules());
        cases = List.of(ReportCases.osDisks(validator), ReportCases.dataDisks(validator), ReportCases.hostile());
        // JsonReport writes unpaired surrogates raw, which no UTF-8 file can hold: its golden case has none
        jsonHostile = ReportCases.hostile(false);
    }

    static Stream<String> names() {
        return Stream.of("os-disks", "data-disks", "hostile");
    }

    private static Case find(String name) {
        return cases.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("names")
    void json(String name) {
        Case c = name.equals("hostile") ? jsonHostile : find(name);
        check(name + ".json", JsonReport.write(c.results()) + "\n");
    }

    @ParameterizedTest
    @MethodSource("names")
    void junit(String name) {
        Case c = find(name);
        check(name + ".junit.xml", JUnitReport.write(c.results(), c.unreadable(), ReportCases.START));
    }

    @ParameterizedTest
    @MethodSource("names")
    void sarif(String name) {
        Case c = find(name);
        check(name + ".sarif.json", new SarifReport(ReportCases.goldenRules(), "development")
                .write(c.results(), c.invocation()) + "\n");
    }

    /** A report must not depend on where the project is checked out. */
    private static void check(String golden, String report) {
        String root = Fixtures.root().toString();
        assertFalse(report.contains(root), () -> golden + " names the checkout " + root + ":\n" + report);
        GoldenFile.assertMatches(golden, report);
    }
}
