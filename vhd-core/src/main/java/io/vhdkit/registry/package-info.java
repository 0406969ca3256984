/**
 * A pure-Java, read-only reader of Windows registry hive files (regf), after Maxim Suhanov's <i>Windows registry
 * file format specification</i> (msuhanov/regf) and libyal's libregf documentation: the base block, hive bins,
 * cells, key nodes, values (inline, in a cell, big data), subkey lists (li, lf, lh, ri), and the replay of
 * transaction logs of both formats for a dirty hive ({@link io.vhdkit.registry.Hive},
 * {@link io.vhdkit.registry.ReplayStatus}); {@code CurrentControlSet} of a SYSTEM hive read offline
 * ({@link io.vhdkit.registry.ControlSets}). Malformed input raises only the {@link io.vhdkit.format.FormatException}
 * family, with format {@code "regf"}. Security cells ("sk") are not read; symbolic link keys
 * are reported, not followed.
 */
package io.vhdkit.registry;
