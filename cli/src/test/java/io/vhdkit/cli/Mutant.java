package io.vhdkit.cli;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One hostile image: a good image with a few byte ranges replaced, or cut short. The bytes are final (checksums the
 * mutation wants to get past are already recomputed), so a mutant is applied to a copy and undone without reading
 * the original image again.
 *
 * @param name     what was done, e.g. {@code ext4.img/ext-extent-node@0x4A028/loop-to-self}; stable for a seed
 * @param truncate the length to cut the image to, or -1 to keep it
 * @param patches  byte ranges to write over the copy
 */
record Mutant(String name, long truncate, List<Patch> patches) {

    /** Bytes to write at an offset of the image. */
    record Patch(long offset, byte[] bytes) {
    }

    Mutant {
        patches = List.copyOf(patches);
    }

    static Mutant patch(String name, long offset, byte[] bytes) {
        return new Mutant(name, -1, List.of(new Patch(offset, bytes)));
    }

    static Mutant truncation(String name, long length) {
        return new Mutant(name, length, List.of());
    }

    /** One line: name, tab, truncate, then tab-separated offset:hex patches. */
    String encode() {
        StringBuilder b = new StringBuilder(name.replace('\t', ' ')).append('\t').append(truncate);
        for (Patch p : patches) {
            b.append('\t').append(p.offset()).append(':').append(HexFormat.of().formatHex(p.bytes()));
        }
        return b.toString();
    }

    static Mutant decode(String line) {
        String[] f = line.split("\t");
        List<Patch> ps = new ArrayList<>();
        for (int i = 2; i < f.length; i++) {
            int colon = f[i].indexOf(':');
            ps.add(new Patch(Long.parseLong(f[i].substring(0, colon)), HexFormat.of().parseHex(f[i].substring(colon + 1))));
        }
        return new Mutant(f[0], Long.parseLong(f[1]), ps);
    }
}
