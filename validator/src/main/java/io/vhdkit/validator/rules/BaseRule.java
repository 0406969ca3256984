package io.vhdkit.validator.rules;

import io.vhdkit.check.Severity;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.Rule;
import java.util.EnumMap;
import java.util.Map;

/** A rule's fixed facts: id, title, fix, scope and its severity per profile. */
abstract class BaseRule implements Rule {

    private final String id;
    private final String title;
    private final String fix;
    private final Scope scope;
    private final Map<Profile, Severity> severities;

    /**
     * @param generalized severity under azure-generalized, or null when the rule does not apply
     * @param specialized under azure-specialized, or null
     * @param dataDisk    under azure-data-disk, or null
     */
    BaseRule(String id, Scope scope, String title, String fix, Severity generalized, Severity specialized,
             Severity dataDisk) {
        this.id = id;
        this.title = title;
        this.fix = fix;
        this.scope = scope;
        this.severities = new EnumMap<>(Profile.class);
        put(Profile.AZURE_GENERALIZED, generalized);
        put(Profile.AZURE_SPECIALIZED, specialized);
        put(Profile.AZURE_DATA_DISK, dataDisk);
    }

    private void put(Profile p, Severity s) {
        if (s != null) {
            severities.put(p, s);
        }
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String title() {
        return title;
    }

    @Override
    public final String fix() {
        return fix;
    }

    @Override
    public final Scope scope() {
        return scope;
    }

    @Override
    public final Severity severity(Profile profile) {
        return severities.get(profile);
    }
}
