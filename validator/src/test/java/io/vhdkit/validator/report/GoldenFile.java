package io.vhdkit.validator.report;

import static org.junit.jupiter.api.Assertions.fail;

import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reports compared with files committed under {@code validator/src/test/resources/io/vhdkit/validator/report/}. A
 * difference fails with a line diff and the command that rewrites the files from the current output
 * ({@code -Dvhdkit.golden.update=true}); review the rewritten files with {@code git diff} before committing them.
 */
final class GoldenFile {

    static final String UPDATE_PROPERTY = "vhdkit.golden.update";
    static final String UPDATE_COMMAND = "./mvnw -B -q -pl validator -am verify -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dtest='ReportGoldenTest' -D" + UPDATE_PROPERTY + "=true";
    private static final int CONTEXT = 3;
    private static final int MAX_DIFF_LINES = 200;

    private GoldenFile() {
    }

    static Path dir() {
        return Fixtures.root().resolve("validator/src/test/resources/io/vhdkit/validator/report");
    }

    /** Fails unless {@code actual} (line ends made LF) is the golden file {@code name}; rewrites it when asked to. */
    static void assertMatches(String name, String actual) {
        String normal = actual.replace("\r\n", "\n");
        Path file = dir().resolve(name);
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, normal, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.isRegularFile(file)) {
                fail("no golden file " + file + "; write it with\n  " + UPDATE_COMMAND);
            }
            // no report holds a raw carriage return: one here came from a checkout that converted line ends
            String expected = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
            if (!expected.equals(normal)) {
                fail("the report differs from the golden file " + file + " (- golden, + now):\n"
                        + diff(expected, normal) + "if the change is intended, rewrite the golden files with\n  "
                        + UPDATE_COMMAND + "\nand review them with git diff");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read or write " + file, e);
        }
    }

    private record Op(char kind, String text, int goldenLine, int actualLine) {
    }

    /** A unified-style line diff (longest common subsequence), with {@value #CONTEXT} lines of context. */
    static String diff(String expected, String actual) {
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                ops.add(new Op(' ', a[i], i++, j++));
            } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Op('-', a[i], i++, j));
            } else {
                ops.add(new Op('+', b[j], i, j++));
            }
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        int lastShown = -2;
        for (int k = 0; k < ops.size() && shown < MAX_DIFF_LINES; k++) {
            boolean near = false;
            for (int d = Math.max(0, k - CONTEXT); d <= Math.min(ops.size() - 1, k + CONTEXT) && !near; d++) {
                near = ops.get(d).kind != ' ';
            }
            if (!near) {
                continue;
            }
            if (k != lastShown + 1) {
                Op o = ops.get(k);
                out.append("@@ golden line ").append(o.goldenLine + 1).append(", now line ").append(o.actualLine + 1)
                        .append('\n');
            }
            Op o = ops.get(k);
            out.append(o.kind).append(o.text).append('\n');
            lastShown = k;
            shown++;
        }
        if (shown == MAX_DIFF_LINES) {
            out.append("... (diff cut at ").append(MAX_DIFF_LINES).append(" lines)\n");
        }
        return out.toString();
    }
}
