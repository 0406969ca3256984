package io.vhdkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the command line, in process, with its exit code and what it printed.
 *
 * @param exit the exit code
 * @param out  standard output
 * @param err  standard error
 * @param data the bytes {@code vhdkit cat} wrote
 */
record CliRun(int exit, String out, String err, byte[] data) {

    static CliRun of(String... args) {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(data, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(exit, out.toString(), err.toString(), data.toByteArray());
    }

    JsonNode json() throws IOException {
        return Json.MAPPER.readTree(out);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
