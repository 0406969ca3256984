package io.vhdkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vhdkit.check.Finding;
import java.util.List;

/** JSON output: one mapper, and the shape of a finding shared by every command. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }

    /** One document, or an array when there are several. */
    static String write(List<? extends JsonNode> nodes) {
        if (nodes.size() == 1) {
            return write(nodes.get(0));
        }
        ArrayNode all = array();
        all.addAll(nodes);
        return write(all);
    }

    /**
     * {@code {"code", "severity", "structure", "field", "offset", "actual", "expected", "message"}}; absent values
     * are null.
     */
    static ObjectNode finding(Finding f) {
        ObjectNode n = object();
        n.put("code", f.code());
        n.put("severity", f.severity().label());
        n.put("structure", f.where().structure());
        n.put("field", f.where().field().isEmpty() ? null : f.where().field());
        if (f.where().hasOffset()) {
            n.put("offset", f.where().offset());
        } else {
            n.putNull("offset");
        }
        n.put("actual", f.actual());
        n.put("expected", f.expected());
        n.put("message", f.message());
        return n;
    }

    static ArrayNode findings(List<Finding> findings) {
        ArrayNode a = array();
        findings.forEach(f -> a.add(finding(f)));
        return a;
    }
}
