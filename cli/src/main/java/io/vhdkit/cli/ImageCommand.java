package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.compress.CompressedInput;
import io.vhdkit.format.FormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A command that reads one or more images and reports on each, as text or as JSON (one document per image, an array
 * when there are several). An image that cannot be read at all is reported on standard error and in the JSON, and
 * gives exit code 3; the worst outcome over all images is the exit code.
 */
abstract class ImageCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where a compressed IMAGE (.gz, .xz, .bz2, .zst, a tar of one image) is decompressed to a "
                    + "sparse temporary copy (default: java.io.tmpdir).")
    Path tempDir;

    @Spec
    CommandSpec spec;

    /**
     * Reports on one readable image: prints text to {@code out}, or adds its JSON document to {@code documents}.
     *
     * @return {@link ExitCodes#OK} or {@link ExitCodes#FINDINGS}
     * @throws IOException when the image cannot be read at all
     */
    abstract int report(Path image, PrintWriter out, List<ObjectNode> documents) throws IOException;

    /**
     * Reports on {@code file}, the plain bytes of {@code image} (a temporary copy when {@code image} is compressed).
     * The default reports on the file itself.
     */
    int report(Path file, Path image, CompressedInput packed, PrintWriter out, List<ObjectNode> documents)
            throws IOException {
        return report(file, out, documents);
    }

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = ExitCodes.OK;
        List<ObjectNode> documents = new ArrayList<>();
        for (Path image : images) {
            try {
                Inputs.requireReadable(image);
                if (!readsCompressed()) {
                    exit = ExitCodes.worst(exit, report(image, out, documents));
                } else {
                    try (CompressedInput packed = Decompressed.open(image, tempDir)) {
                        exit = ExitCodes.worst(exit, report(packed.path(), image, packed, out, documents));
                    }
                }
            } catch (FormatException e) {
                err.println("vhdkit " + spec.name() + ": " + image + ": " + e.getMessage());
                documents.add(unreadable(image, e));
                exit = ExitCodes.worst(exit, ExitCodes.FINDINGS);
            } catch (IOException e) {
                err.println("vhdkit " + spec.name() + ": cannot read " + Inputs.reason(e));
                documents.add(unreadable(image, e));
                exit = ExitCodes.worst(exit, ExitCodes.UNREADABLE);
            }
        }
        if (format == OutputFormat.json) {
            out.println(Json.write(documents));
        }
        out.flush();
        return exit;
    }

    /** Whether a compressed image is decompressed and its content reported (check reports on the file itself). */
    boolean readsCompressed() {
        return true;
    }

    boolean json() {
        return format == OutputFormat.json;
    }

    /** {@code {"image", "result": "unreadable", "error"}}. */
    private static ObjectNode unreadable(Path image, IOException e) {
        ObjectNode n = Json.object();
        n.put("image", image.toString());
        n.put("result", "unreadable");
        n.put("error", Inputs.reason(e));
        return n;
    }
}
