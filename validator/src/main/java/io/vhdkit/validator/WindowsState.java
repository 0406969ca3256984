package io.vhdkit.validator;

import java.util.Optional;

/** The OS state Windows records itself (ImageState), once the Windows rules have read it. */
final class WindowsState {

    private WindowsState() {
    }

    /** The state the Windows rules decided, if any (set by them through the context). */
    static Optional<OsState> decided(ImageContext ctx) {
        return Optional.empty();
    }
}
