package io.vhdkit.validator;

import java.util.Map;
import java.util.Objects;

/**
 * The operating system found on the image.
 *
 * @param family  linux, windows or none
 * @param name    a human name ({@code Debian GNU/Linux 12 (bookworm)}, {@code Windows Server 2022 Datacenter}), or null
 * @param version the version ({@code 12}, {@code 10.0.20348}), or null
 * @param details further facts for the report, in a stable order (os-release ID, kernels, agents; edition, build)
 */
public record OsInfo(OsFamily family, String name, String version, Map<String, String> details) {

    public static final OsInfo NONE = new OsInfo(OsFamily.NONE, null, null, Map.of());

    public OsInfo {
        Objects.requireNonNull(family);
        details = Map.copyOf(details);
    }
}
