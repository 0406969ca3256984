package io.vhdkit.validator.windows;

import io.vhdkit.validator.OsState;
import java.util.List;
import java.util.Locale;

/**
 * The values of {@code ImageState} that Windows Setup and Sysprep write to {@code SOFTWARE\Microsoft\Windows\
 * CurrentVersion\Setup\State} and to {@code %WINDIR%\Setup\State\State.ini} (Microsoft, "Windows Setup States").
 */
public final class ImageStates {

    /** Specialize and OOBE are done: the image carries its machine's identity. */
    public static final String COMPLETE = "IMAGE_STATE_COMPLETE";
    /** A phase did not finish; "if queried offline, the image did not finish a phase and will never be deployable". */
    public static final String UNDEPLOYABLE = "IMAGE_STATE_UNDEPLOYABLE";
    /** Generalized; the next boot runs specialize, then OOBE: what Azure needs of a generalized image. */
    public static final String GENERALIZE_RESEAL_TO_OOBE = "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE";
    /** Generalized; the next boot enters audit mode. */
    public static final String GENERALIZE_RESEAL_TO_AUDIT = "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT";
    /** Specialize has run (the image was deployed); the next boot runs OOBE. */
    public static final String SPECIALIZE_RESEAL_TO_OOBE = "IMAGE_STATE_SPECIALIZE_RESEAL_TO_OOBE";
    /** Specialize has run; the next boot enters audit mode. */
    public static final String SPECIALIZE_RESEAL_TO_AUDIT = "IMAGE_STATE_SPECIALIZE_RESEAL_TO_AUDIT";

    public static final List<String> ALL = List.of(COMPLETE, UNDEPLOYABLE, GENERALIZE_RESEAL_TO_OOBE,
            GENERALIZE_RESEAL_TO_AUDIT, SPECIALIZE_RESEAL_TO_OOBE, SPECIALIZE_RESEAL_TO_AUDIT);

    private ImageStates() {
    }

    /**
     * A value as written anywhere made comparable: surrounding quotes (State.ini quotes it), white space anywhere
     * (Microsoft's documentation writes {@code IMAGE_STATE _UNDEPLOYABLE}) and letter case removed.
     */
    public static String normalize(String raw) {
        String s = raw.strip();
        while (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            s = s.substring(1, s.length() - 1).strip();
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isWhitespace(c) && c != '\0') {
                b.append(c);
            }
        }
        return b.toString().toUpperCase(Locale.ROOT);
    }

    public static boolean known(String normalized) {
        return ALL.contains(normalized);
    }

    /** What the state means for the OS: generalized, specialized, or unknown (UNDEPLOYABLE, unrecognized). */
    public static OsState osState(String normalized) {
        return switch (normalized) {
            case GENERALIZE_RESEAL_TO_OOBE, GENERALIZE_RESEAL_TO_AUDIT -> OsState.GENERALIZED;
            case COMPLETE, SPECIALIZE_RESEAL_TO_OOBE, SPECIALIZE_RESEAL_TO_AUDIT -> OsState.SPECIALIZED;
            default -> OsState.UNKNOWN;
        };
    }
}
