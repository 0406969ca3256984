package io.vhdkit.validator;

import java.util.Set;

/**
 * The user's changes to the rules, for CI: rules to skip, and rules whose errors count as warnings.
 *
 * @param disabled rule ids not run
 * @param warn     rule ids whose errors are demoted to warnings
 */
public record Overrides(Set<String> disabled, Set<String> warn) {

    public static final Overrides NONE = new Overrides(Set.of(), Set.of());

    public Overrides {
        disabled = Set.copyOf(disabled);
        warn = Set.copyOf(warn);
    }
}
