package io.vhdkit.validator;

import io.vhdkit.registry.Hive;
import io.vhdkit.registry.RegistryValue;
import io.vhdkit.registry.ReplayStatus;
import io.vhdkit.validator.windows.ImageStates;
import io.vhdkit.validator.windows.StateIni;
import io.vhdkit.windows.WindowsRegistry;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where Windows records its Sysprep state, read once per image, and the OS state that follows from it
 * (generalization-evidence.md 1.2-1.3):
 * <ul>
 *   <li>W1, STRONG: {@code ImageState} in {@code SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State}, read from the
 *   hive with its logs replayed; a dirty hive whose logs could not be replayed is not trusted (its primary file can
 *   lack the newest changes for up to an hour);</li>
 *   <li>W2, STRONG: {@code ImageState} in {@code Windows\Setup\State\State.ini}, the cross-check;</li>
 *   <li>W3, MEDIUM: {@code Sysprep_succeeded.tag}; W4, MEDIUM: {@code SYSTEM\Setup} SetupType and CmdLine armed for
 *   first-boot setup. They corroborate; they never decide.</li>
 * </ul>
 * The state is generalized or specialized when W1 says so and W2 does not contradict it (or, without an ImageState
 * in a trusted hive, when W2 says so); unknown when the registry cannot be trusted, the two disagree, neither holds
 * a value, or the value is {@code IMAGE_STATE_UNDEPLOYABLE} or not one Windows writes.
 */
public final class WindowsState {

    public static final String STATE_KEY = "Microsoft\\Windows\\CurrentVersion\\Setup\\State";
    public static final String STATE_KEY_DISPLAY = "SOFTWARE\\" + STATE_KEY;
    public static final String STATE_INI = "/Windows/Setup/State/State.ini";
    public static final String SYSPREP_TAG = "/Windows/System32/Sysprep/Sysprep_succeeded.tag";
    public static final String SETUPERR_LOG = "/Windows/System32/Sysprep/Panther/setuperr.log";
    public static final String SOFTWARE_FILE = WindowsRegistry.hivePath(WindowsFacts.SOFTWARE);
    public static final String SYSTEM_FILE = WindowsRegistry.hivePath(WindowsFacts.SYSTEM);

    /** What the SOFTWARE hive gave for ImageState. */
    public enum Registry {
        /** A value from a clean or fully replayed hive. */
        VALUE,
        /** No SOFTWARE hive file. */
        NO_HIVE,
        /** The hive is trusted but holds no ImageState. */
        NO_VALUE,
        /** The hive is dirty and its logs could not be (fully) replayed: what it says may be stale. */
        UNTRUSTED
    }

    private final Registry registry;
    private final String registryRaw;
    private final String registryValue;
    private final ReplayStatus replay;
    private final boolean iniPresent;
    private final String iniRaw;
    private final String iniValue;
    private final boolean tag;
    private final OptionalLong setupType;
    private final Optional<String> setupCmdLine;

    private WindowsState(Registry registry, String registryRaw, ReplayStatus replay, boolean iniPresent, String iniRaw,
                         boolean tag, OptionalLong setupType, Optional<String> setupCmdLine) {
        this.registry = registry;
        this.registryRaw = registryRaw;
        this.registryValue = registryRaw == null ? null : ImageStates.normalize(registryRaw);
        this.replay = replay;
        this.iniPresent = iniPresent;
        this.iniRaw = iniRaw;
        this.iniValue = iniRaw == null ? null : ImageStates.normalize(iniRaw);
        this.tag = tag;
        this.setupType = setupType;
        this.setupCmdLine = setupCmdLine;
    }

    /**
     * Reads the evidence of the image, once.
     *
     * @throws io.vhdkit.format.FormatException when the Windows volume or a hive is unreadable (encrypted, damaged)
     */
    public static WindowsState of(ImageContext ctx) throws IOException {
        WindowsFacts facts = WindowsFacts.of(ctx);
        synchronized (facts) {
            if (facts.state == null) {
                facts.state = read(facts);
            }
            return facts.state;
        }
    }

    private static WindowsState read(WindowsFacts facts) throws IOException {
        Optional<Hive> software = facts.hive(WindowsFacts.SOFTWARE);
        Registry registry;
        String raw = null;
        ReplayStatus replay = null;
        if (software.isEmpty()) {
            registry = Registry.NO_HIVE;
        } else {
            replay = software.get().replayStatus();
            Optional<RegistryValue> v = software.get().value(STATE_KEY, "ImageState");
            if (v.isPresent()) {
                raw = v.get().string().orElse("(a " + v.get().typeName() + " value)");
            }
            registry = !replay.trustworthy() ? Registry.UNTRUSTED : raw == null ? Registry.NO_VALUE : Registry.VALUE;
        }
        Optional<byte[]> ini = facts.context().read(STATE_INI, 64 * 1024);
        String iniRaw = ini.flatMap(StateIni::imageState).orElse(null);
        boolean tag = facts.file(SYSPREP_TAG).isPresent();
        OptionalLong setupType = OptionalLong.empty();
        Optional<String> cmdLine = Optional.empty();
        Optional<Hive> system = facts.hive(WindowsFacts.SYSTEM);
        if (system.isPresent()) {
            Optional<RegistryValue> t = system.get().value("Setup", "SetupType");
            setupType = t.isPresent() ? t.get().integer() : OptionalLong.empty();
            Optional<RegistryValue> c = system.get().value("Setup", "CmdLine");
            cmdLine = c.isPresent() ? c.get().string() : Optional.empty();
        }
        return new WindowsState(registry, raw, replay, ini.isPresent(), iniRaw, tag, setupType, cmdLine);
    }

    /**
     * The OS state of a Windows image for the report; empty for other images. Never throws: evidence that cannot be
     * read makes it unknown (the rules say why).
     */
    static Optional<OsState> decided(ImageContext ctx) {
        try {
            if (ctx.os().family() != OsFamily.WINDOWS) {
                return Optional.empty();
            }
            if (WindowsFacts.of(ctx).encryptedSystemVolume().isPresent()) {
                return Optional.of(OsState.UNKNOWN);
            }
            return Optional.of(of(ctx).osState());
        } catch (IOException | RuntimeException e) {
            return Optional.of(OsState.UNKNOWN);
        }
    }

    /** Generalized, specialized, or unknown when the evidence is missing, untrusted or contradicts itself. */
    public OsState osState() {
        if (registry == Registry.UNTRUSTED || registry == Registry.NO_HIVE || disagree()) {
            return OsState.UNKNOWN;
        }
        return decidingValue().map(ImageStates::osState).orElse(OsState.UNKNOWN);
    }

    /**
     * The ImageState that decides: the registry's when the hive is trusted and holds one, else State.ini's when the
     * trusted hive holds none; empty when the hive is untrusted or missing, or neither holds a value.
     */
    public Optional<String> decidingValue() {
        return switch (registry) {
            case VALUE -> Optional.of(registryValue);
            case NO_VALUE -> Optional.ofNullable(iniValue);
            default -> Optional.empty();
        };
    }

    /** Whether the deciding value came from State.ini (the trusted hive holds no ImageState). */
    public boolean decidedByStateIni() {
        return registry == Registry.NO_VALUE && iniValue != null;
    }

    /** The registry and State.ini both hold a value and the values differ (after normalization). */
    public boolean disagree() {
        return registry == Registry.VALUE && iniValue != null && !iniValue.equals(registryValue);
    }

    /** Both hold the same value. */
    public boolean agree() {
        return registry == Registry.VALUE && registryValue.equals(iniValue);
    }

    public Registry registry() {
        return registry;
    }

    /** ImageState as the SOFTWARE hive has it (replayed or not), or null. */
    public String registryRaw() {
        return registryRaw;
    }

    /** The normalized registry value, or null (whether trusted or not: see {@link #registry()}). */
    public String registryValue() {
        return registryValue;
    }

    /** How the SOFTWARE hive's logs were handled, or null without a hive. */
    public ReplayStatus replay() {
        return replay;
    }

    public boolean stateIniPresent() {
        return iniPresent;
    }

    /** ImageState as State.ini has it (quotes and all), or null. */
    public String stateIniRaw() {
        return iniRaw;
    }

    /** The normalized State.ini value, or null. */
    public String stateIniValue() {
        return iniValue;
    }

    /** W3: Sysprep_succeeded.tag exists. */
    public boolean sysprepTag() {
        return tag;
    }

    /** W4: SYSTEM\Setup SetupType. */
    public OptionalLong setupType() {
        return setupType;
    }

    /** W4: SYSTEM\Setup CmdLine. */
    public Optional<String> setupCmdLine() {
        return setupCmdLine;
    }

    /** W4: Windows runs setup (windeploy) on the next boot, as sysprep /generalize leaves it. */
    public boolean armedForSetup() {
        return setupType.isPresent() && setupType.getAsLong() != 0
                && setupCmdLine.map(c -> c.toLowerCase(java.util.Locale.ROOT).contains("windeploy")).orElse(false);
    }
}
