package io.vhdkit.validator;

import io.vhdkit.check.Severity;
import java.util.Objects;

/**
 * One problem a rule found.
 *
 * @param rule     the rule id, such as {@code linux/waagent-state}
 * @param severity after the profile and the overrides
 * @param message  what was found, in a sentence
 * @param path     the file inside the image it concerns, or null
 * @param fix      what to do about it, or null
 */
public record RuleFinding(String rule, Severity severity, String message, String path, String fix) {

    public RuleFinding {
        Objects.requireNonNull(rule);
        Objects.requireNonNull(severity);
        Objects.requireNonNull(message);
    }
}
