package io.vhdkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Severity;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.Validator;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vhdkit rules}: every validation rule with its id, severity per profile, what it checks and the fix. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Lists every validation rule: id, severity under each profile (- when it does not apply), "
                + "what it checks and how to fix what it finds.")
final class RulesCommand implements Callable<Integer> {

    enum Format { text, json, markdown }

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var rules = new Validator().rules();
        switch (format) {
            case json -> {
                ArrayNode all = Json.array();
                for (Rule r : rules) {
                    ObjectNode o = all.addObject();
                    o.put("id", r.id());
                    o.put("scope", r.scope().name().toLowerCase(Locale.ROOT));
                    ObjectNode sev = o.putObject("severity");
                    for (Profile p : Profile.values()) {
                        sev.put(p.id(), label(r.severity(p)));
                    }
                    o.put("checks", r.title());
                    o.put("fix", r.fix());
                }
                out.println(Json.write(all));
            }
            case markdown -> {
                out.println("| rule | generalized | specialized | data disk | checks | fix |");
                out.println("|---|---|---|---|---|---|");
                for (Rule r : rules) {
                    out.printf("| `%s` | %s | %s | %s | %s | %s |%n", r.id(), dash(r.severity(Profile.AZURE_GENERALIZED)),
                            dash(r.severity(Profile.AZURE_SPECIALIZED)), dash(r.severity(Profile.AZURE_DATA_DISK)),
                            r.title().replace("|", "\\|"), r.fix().replace("|", "\\|"));
                }
            }
            case text -> {
                for (Rule r : rules) {
                    out.printf("%-28s %-8s %-8s %-8s %s%n", r.id(), dash(r.severity(Profile.AZURE_GENERALIZED)),
                            dash(r.severity(Profile.AZURE_SPECIALIZED)), dash(r.severity(Profile.AZURE_DATA_DISK)),
                            r.title());
                    out.printf("%-55s fix: %s%n", "", r.fix());
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String label(Severity s) {
        return s == null ? null : s.label();
    }

    private static String dash(Severity s) {
        return s == null ? "-" : s.label();
    }
}
