/**
 * The checked exception family every vhdkit parser raises on malformed input, and the {@link
 * io.vhdkit.format.FieldRef} that locates a problem in a file.
 */
package io.vhdkit.format;
