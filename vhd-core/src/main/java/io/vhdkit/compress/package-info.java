/**
 * Compressed images ({@code .gz}, {@code .xz}, {@code .bz2}, {@code .zst}, and tar archives holding one image)
 * made readable at random: see {@link io.vhdkit.compress.CompressedInput}.
 */
package io.vhdkit.compress;
