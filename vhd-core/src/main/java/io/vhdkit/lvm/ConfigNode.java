package io.vhdkit.lvm;

/** A node of LVM's text configuration: a section or a value. */
public sealed interface ConfigNode permits ConfigSection, ConfigValue {

    /** The 1-based line the node starts on. */
    int line();

    /** The index in the text of the node's first character. */
    int position();
}
