package io.vhdkit.io;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * A class of static native methods bound to the C library by JNA's direct mapping ({@link Native#register}): once,
 * on first use, so that a process that never needs it never loads JNA's native part.
 */
final class LibcBinding {

    private final Class<?> library;
    private volatile boolean bound;
    private volatile boolean unavailable;

    /**
     * @param library  the class whose static native methods to bind
     * @param possible false where the calls must not be made (another platform, another word size)
     */
    LibcBinding(Class<?> library, boolean possible) {
        this.library = library;
        this.unavailable = !possible;
    }

    /** Binds the class on the first call; false, now and later, when it cannot be. */
    boolean bound() {
        if (unavailable) {
            return false;
        }
        if (!bound) {
            synchronized (this) {
                if (!bound && !unavailable) {
                    try {
                        Native.register(library, Platform.C_LIBRARY_NAME);
                        bound = true;
                    } catch (LinkageError | IllegalArgumentException e) {
                        unavailable = true; // no libc JNA can open, or a missing symbol
                    }
                }
            }
        }
        return bound;
    }
}
