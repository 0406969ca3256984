package io.vhdkit.lvm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A section of LVM's text configuration, {@code name { ... }}: named values and subsections, in the order written.
 * The root of a parsed text is a section named "".
 */
public final class ConfigSection implements ConfigNode {

    private final String name;
    private final int line;
    private final int position;
    private final Map<String, ConfigNode> children;

    ConfigSection(String name, int line, int position, LinkedHashMap<String, ConfigNode> children) {
        this.name = name;
        this.line = line;
        this.position = position;
        this.children = Collections.unmodifiableMap(children);
    }

    public String name() {
        return name;
    }

    @Override
    public int line() {
        return line;
    }

    @Override
    public int position() {
        return position;
    }

    /** Every child, by name, in the order written. */
    public Map<String, ConfigNode> children() {
        return children;
    }

    /** The child of that name, or null. */
    public ConfigNode get(String key) {
        return children.get(key);
    }

    /** The subsections, in order. */
    public List<ConfigSection> sections() {
        List<ConfigSection> out = new ArrayList<>();
        for (ConfigNode n : children.values()) {
            if (n instanceof ConfigSection s) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ConfigSection[" + name + ", line " + line + ", " + children.size() + " children]";
    }
}
