package io.vhdkit.validator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.validator.RuleFinding;
import io.vhdkit.validator.ValidationResult;
import java.util.List;

/**
 * The JSON report: one object per image, an array when there are several.
 * <pre>{"image", "profile", "verdict": "pass|fail", "os": {"family", "name", "version", "details"},
 *  "osState": "generalized|specialized|unknown", "findings": [{"rule", "severity", "message", "path", "fix"}],
 *  "stats": {"bytesRead", "millis"}}</pre>
 */
public final class JsonReport {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static ObjectNode json(ValidationResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("image", ReportText.wellFormed(r.image().toString()));
        n.put("profile", r.profile().id());
        if (r.role() != null) {
            ObjectNode disk = n.putObject("disk");
            disk.put("role", r.role().kind().label());
            if (r.role().lun() >= 0) {
                disk.put("lun", r.role().lun());
            }
        }
        n.put("verdict", r.verdict());
        ObjectNode os = n.putObject("os");
        os.put("family", r.os().family().label());
        os.put("name", ReportText.wellFormed(r.os().name()));
        os.put("version", r.os().version());
        ObjectNode details = os.putObject("details");
        new java.util.TreeMap<>(r.os().details()).forEach((k, v) -> details.put(k, ReportText.wellFormed(v)));
        n.put("osState", r.osState().label());
        ArrayNode findings = n.putArray("findings");
        for (RuleFinding f : r.findings()) {
            ObjectNode o = findings.addObject();
            o.put("rule", f.rule());
            o.put("severity", f.severity().label());
            o.put("message", ReportText.wellFormed(f.message()));
            o.put("path", ReportText.wellFormed(f.path()));
            o.put("fix", ReportText.wellFormed(f.fix()));
        }
        ObjectNode stats = n.putObject("stats");
        stats.put("bytesRead", r.bytesRead());
        stats.put("millis", r.millis());
        return n;
    }

    /** One document, or an array for several results. */
    public static String write(List<ValidationResult> results) {
        try {
            if (results.size() == 1) {
                return MAPPER.writeValueAsString(json(results.get(0)));
            }
            ArrayNode all = MAPPER.createArrayNode();
            results.forEach(r -> all.add(json(r)));
            return MAPPER.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain trees always serialize", e);
        }
    }
}
