package io.vhdkit.registry;

import java.util.Optional;

/** The predefined value data types (spec: "Data types"); a value may have any other type number too. */
public enum ValueType {
    REG_NONE(0),
    REG_SZ(1),
    REG_EXPAND_SZ(2),
    REG_BINARY(3),
    /** Little-endian. */
    REG_DWORD(4),
    REG_DWORD_BIG_ENDIAN(5),
    /** A UTF-16 registry path, without terminator, as in {@code SymbolicLinkValue}. */
    REG_LINK(6),
    REG_MULTI_SZ(7),
    REG_RESOURCE_LIST(8),
    REG_FULL_RESOURCE_DESCRIPTOR(9),
    REG_RESOURCE_REQUIREMENTS_LIST(10),
    /** Little-endian. */
    REG_QWORD(11);

    private final int code;

    ValueType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<ValueType> of(int code) {
        return code >= 0 && code < values().length ? Optional.of(values()[code]) : Optional.empty();
    }

    /** {@code "REG_SZ"}, or {@code "0x00012345"} for a type that is not predefined. */
    public static String name(int code) {
        return of(code).map(Enum::name).orElse(Regf.hex(code));
    }
}
