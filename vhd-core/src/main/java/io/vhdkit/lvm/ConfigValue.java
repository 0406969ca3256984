package io.vhdkit.lvm;

import java.util.List;

/** A value of LVM's text configuration: a string, an integer, a real number, or a flat array of these. */
public sealed interface ConfigValue extends ConfigNode {

    /** What the value is, for messages: "a string", "an integer", ... */
    String kind();

    /** A quoted string; escapes already resolved. */
    record Str(String value, int line, int position) implements ConfigValue {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** A decimal integer. */
    record Int(long value, int line, int position) implements ConfigValue {
        @Override
        public String kind() {
            return "an integer";
        }
    }

    /** A number with a decimal point, kept as written (LVM's metadata has none; its configuration files do). */
    record Real(String text, int line, int position) implements ConfigValue {
        @Override
        public String kind() {
            return "a real number";
        }
    }

    /** {@code [ a, b, ... ]}: strings and numbers, no nested arrays. */
    record Array(List<ConfigValue> items, int line, int position) implements ConfigValue {
        public Array {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "an array";
        }
    }
}
