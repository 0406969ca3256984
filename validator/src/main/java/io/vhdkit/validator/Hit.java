package io.vhdkit.validator;

import io.vhdkit.check.Severity;
import java.util.Objects;

/**
 * What a rule's check reports: a problem, with the file it concerns and, where the rule needs it, a severity other
 * than the rule's own for the profile (a weaker signal, an honest "cannot tell").
 *
 * @param message  what was found
 * @param path     the file inside the image, or null
 * @param severity a severity for this hit only, or null for the rule's severity under the profile
 * @param fix      a fix for this hit only, or null for the rule's fix
 */
public record Hit(String message, String path, Severity severity, String fix) {

    public Hit {
        Objects.requireNonNull(message);
    }

    public static Hit of(String message) {
        return new Hit(message, null, null, null);
    }

    public static Hit at(String path, String message) {
        return new Hit(message, path, null, null);
    }

    public Hit withSeverity(Severity s) {
        return new Hit(message, path, s, fix);
    }

    public Hit withFix(String f) {
        return new Hit(message, path, severity, f);
    }
}
