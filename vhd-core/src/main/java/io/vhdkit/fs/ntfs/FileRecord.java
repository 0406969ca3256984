package io.vhdkit.fs.ntfs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * All the attributes of one file: those of its base MFT record and, when it has an {@code $ATTRIBUTE_LIST}, those
 * the list places in extension records. Immutable.
 *
 * @param base          the base record
 * @param attributes    the attributes, base record first, then in attribute list order
 * @param attributeList whether the file has an attribute list
 */
record FileRecord(MftRecord base, List<Attribute> attributes, boolean attributeList) {

    long number() {
        return base.number();
    }

    String structure() {
        return base.structure();
    }

    /** Every attribute of this type, in order. */
    List<Attribute> all(int type) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.type() == type) {
                out.add(a);
            }
        }
        return out;
    }

    /** The segments of the attribute with this type and name (exactly), by lowest VCN; empty when there is none. */
    List<Attribute> segments(int type, String name) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.type() == type && a.name().equals(name)) {
                out.add(a);
            }
        }
        out.sort(Comparator.comparingLong(Attribute::lowestVcn));
        return out;
    }

    /** The attribute's resident record or first segment, or null. */
    Attribute first(int type, String name) {
        List<Attribute> s = segments(type, name);
        return s.isEmpty() ? null : s.get(0);
    }
}
