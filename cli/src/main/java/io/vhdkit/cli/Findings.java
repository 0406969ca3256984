package io.vhdkit.cli;

import io.vhdkit.check.Finding;
import java.io.PrintWriter;
import java.util.List;

/** Findings as text: {@code   error   VHD footer @0x840: message  [code]}. */
final class Findings {

    private Findings() {
    }

    static void print(PrintWriter out, List<Finding> findings) {
        for (Finding f : findings) {
            out.printf("  %-7s %s: %s  [%s]%n", f.severity().label(), f.where().location(), f.message(), f.code());
        }
    }
}
