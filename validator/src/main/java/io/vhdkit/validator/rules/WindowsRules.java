package io.vhdkit.validator.rules;

import io.vhdkit.check.Severity;
import io.vhdkit.disk.ContentType;
import io.vhdkit.fs.DirEntry;
import io.vhdkit.fs.FileType;
import io.vhdkit.image.DiskImage;
import io.vhdkit.image.Volume;
import io.vhdkit.registry.Hive;
import io.vhdkit.registry.ReplayStatus;
import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.Profile;
import io.vhdkit.validator.WindowsFacts;
import io.vhdkit.validator.WindowsState;
import io.vhdkit.validator.windows.ImageStates;
import io.vhdkit.validator.windows.SetupErrLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether a Windows image is generalized (Sysprep's ImageState in the registry and in State.ini, which must agree and
 * be read from a hive whose logs replayed) and fit for Azure's provisioning (no answer file that outranks Azure's,
 * the CD/DVD driver that reads Azure's answer ISO enabled, no BitLocker). Evidence and its strength:
 * generalization-evidence.md section 1.
 */
final class WindowsRules {

    static final String SYSPREP = "%WINDIR%\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown /mode:vm";
    static final String SYSPREP_FIX = "run `" + SYSPREP + "` on the source VM and capture the disk after sysprep has "
            + "shut it down (do not start it again before capture)";
    static final String CAPTURE_CLEANLY = "capture the disk only after the VM has shut itself down (sysprep /shutdown, "
            + "or `shutdown /s /t 0`): a VM that is powered off or snapshotted while running keeps its newest registry "
            + "changes in the hive logs only";

    private WindowsRules() {
    }

    private static String where(WindowsState s) {
        return "in " + WindowsState.STATE_KEY_DISPLAY + (s.agree() ? " and in " + WindowsState.STATE_INI : "");
    }

    /** win/image-state: Sysprep's ImageState is what the profile needs. */
    static final class ImageState extends FileRule {
        ImageState() {
            super("win/image-state", Scope.WINDOWS, "Windows is generalized for azure-generalized "
                            + "(ImageState IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE in the registry and State.ini), and "
                            + "is not for azure-specialized; IMAGE_STATE_UNDEPLOYABLE always fails",
                    SYSPREP_FIX, Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        List<Hit> checkFiles(ImageContext ctx) throws IOException {
            WindowsState s = WindowsState.of(ctx);
            Optional<String> value = s.decidingValue();
            List<Hit> out = new ArrayList<>();
            String path = s.decidedByStateIni() ? WindowsState.STATE_INI : WindowsState.SOFTWARE_FILE;
            if (value.isEmpty()) {
                if (s.registry() == WindowsState.Registry.NO_VALUE) {
                    // trusted hive, no value anywhere: nothing says sysprep ever ran
                    out.add(Hit.at(WindowsState.SOFTWARE_FILE, "no ImageState in " + WindowsState.STATE_KEY_DISPLAY
                            + " and " + (s.stateIniPresent() ? "none in " : "no ") + WindowsState.STATE_INI
                            + ": cannot tell whether Sysprep generalized this Windows")
                            .withSeverity(ctx.profile() == Profile.AZURE_SPECIALIZED ? Severity.WARNING : null));
                }
                return out; // NO_HIVE and UNTRUSTED: win/state-mismatch says that it cannot tell
            }
            String v = value.get();
            String said = "ImageState is " + v + " " + (s.decidedByStateIni() ? "in " + WindowsState.STATE_INI
                    + " (the registry holds none)" : where(s));
            if (v.equals(ImageStates.UNDEPLOYABLE)) {
                out.add(undeployable(ctx, said, path));
                return out;
            }
            if (!ImageStates.known(v)) {
                out.add(Hit.at(path, said + ": not a state Windows Setup writes, so the image's state is unknown")
                        .withFix("run sysprep again: " + SYSPREP_FIX));
                return out;
            }
            if (ctx.profile() == Profile.AZURE_SPECIALIZED) {
                specialized(v, said, path).ifPresent(out::add);
            } else {
                generalized(v, said, path).ifPresent(out::add);
                if (v.equals(ImageStates.GENERALIZE_RESEAL_TO_OOBE)) {
                    corroborate(s, out);
                }
            }
            return out;
        }

        private static Optional<Hit> generalized(String v, String said, String path) {
            return switch (v) {
                case ImageStates.GENERALIZE_RESEAL_TO_OOBE -> Optional.empty();
                case ImageStates.COMPLETE -> Optional.of(Hit.at(path, said + ": the image is specialized (setup "
                        + "completed; it carries its machine's identity). Azure fails to provision a specialized "
                        + "image captured as generalized").withFix(SYSPREP_FIX));
                case ImageStates.GENERALIZE_RESEAL_TO_AUDIT -> Optional.of(Hit.at(path, said + ": the image was "
                        + "generalized with /audit, so its next boot enters audit mode instead of OOBE and Azure "
                        + "cannot provision it").withFix("generalize it for OOBE, not audit: " + SYSPREP_FIX));
                default -> Optional.of(Hit.at(path, said + ": the image was deployed from a generalized image and "
                        + "has already run the specialize pass; it is no longer generalized").withFix("boot it to "
                        + "finish setup, then " + SYSPREP_FIX));
            };
        }

        private static Optional<Hit> specialized(String v, String said, String path) {
            return switch (v) {
                case ImageStates.COMPLETE -> Optional.empty();
                case ImageStates.GENERALIZE_RESEAL_TO_OOBE -> Optional.of(Hit.at(path, said + ": the image is "
                        + "generalized. Attached as a specialized disk it boots into OOBE with no answer file from "
                        + "Azure and provisioning times out").withFix("validate and capture it as generalized "
                        + "(--profile azure-generalized; create the VM from a generalized image), or attach a copy of "
                        + "the disk from before sysprep"));
                case ImageStates.GENERALIZE_RESEAL_TO_AUDIT -> Optional.of(Hit.at(path, said + ": the image was "
                        + "generalized with /audit; it boots into audit mode, not as the machine it was")
                        .withFix("attach a copy of the disk from before sysprep"));
                default -> Optional.of(Hit.at(path, said + ": setup has not finished (the next boot runs "
                        + (v.endsWith("AUDIT") ? "audit mode" : "OOBE") + ", waiting for input), so the VM does not "
                        + "come up").withFix("boot it once on the source hypervisor to finish setup, shut it down, "
                        + "then capture it"));
            };
        }

        /** W3 and W4 (MEDIUM): they corroborate a generalized ImageState; without them, a warning, not a verdict. */
        private static void corroborate(WindowsState s, List<Hit> out) {
            if (!s.sysprepTag()) {
                out.add(Hit.at(WindowsState.SYSPREP_TAG, "ImageState says generalized, but "
                        + WindowsState.SYSPREP_TAG + " is missing: sysprep writes it when a run succeeds, so ImageState "
                        + "may have been set by hand (an image applied from install.wim that never booted lacks it "
                        + "too)").withSeverity(Severity.WARNING).withFix("if sysprep did not run on this image, "
                        + SYSPREP_FIX));
            }
            if (!s.armedForSetup()) {
                String type = s.setupType().isPresent() ? Long.toString(s.setupType().getAsLong()) : "missing";
                String cmd = s.setupCmdLine().map(c -> c.isEmpty() ? "empty" : "'" + c + "'").orElse("missing");
                out.add(Hit.at(WindowsState.SYSTEM_FILE, "ImageState says generalized, but SYSTEM\\Setup is not "
                        + "armed for first-boot setup (SetupType " + type + ", CmdLine " + cmd + "; sysprep "
                        + "/generalize leaves SetupType 2 and CmdLine oobe\\windeploy.exe): the ImageState may have "
                        + "been edited by hand").withSeverity(Severity.WARNING).withFix(SYSPREP_FIX));
            }
        }

        private static Hit undeployable(ImageContext ctx, String said, String path) throws IOException {
            WindowsFacts w = WindowsFacts.of(ctx);
            int max = 64 * 1024;
            Optional<byte[]> tail = w.tail(WindowsState.SETUPERR_LOG, max);
            String fix = "fix what " + WindowsState.SETUPERR_LOG + " reports, then " + SYSPREP_FIX;
            String msg = said + ": Sysprep failed or was interrupted, and an image in this state never deploys";
            if (tail.isEmpty()) {
                return Hit.at(path, msg + " (" + WindowsState.SETUPERR_LOG + " is missing)").withFix(fix);
            }
            long size = w.file(WindowsState.SETUPERR_LOG).map(f -> f.node().stat().size()).orElse(0L);
            SetupErrLog log = SetupErrLog.parse(tail.get(), size > max);
            if (log.isEmpty()) {
                return Hit.at(path, msg + " (" + WindowsState.SETUPERR_LOG + " is empty)").withFix(fix);
            }
            Optional<String> pkg = log.unprovisionedAppxPackage();
            if (pkg.isPresent()) {
                fix = "remove the AppX package installed for a user but not provisioned for all users, on the source "
                        + "VM: `Get-AppxPackage -AllUsers " + pkg.get() + " | Remove-AppxPackage -AllUsers` (and "
                        + "`Remove-AppxProvisionedPackage -Online -PackageName " + pkg.get() + "` if it is "
                        + "provisioned), then " + SYSPREP_FIX;
            } else if (log.mentions(SetupErrLog.APPX_NOT_PROVISIONED)) {
                fix = "remove the AppX packages installed for a user but not provisioned for all users "
                        + "(error 0x80073cf2; `Get-AppxPackage -AllUsers`), then " + SYSPREP_FIX;
            }
            return Hit.at(WindowsState.SETUPERR_LOG, msg + ". The last errors in " + WindowsState.SETUPERR_LOG + ": "
                    + String.join(" | ", log.tail())).withFix(fix);
        }
    }

    /** win/state-mismatch: the registry and State.ini agree, and the registry can be trusted. */
    static final class StateMismatch extends FileRule {
        StateMismatch() {
            super("win/state-mismatch", Scope.WINDOWS, "The registry's ImageState and State.ini's agree, read from a "
                            + "SOFTWARE hive that is clean or whose logs replayed",
                    "capture again from a VM that sysprep shut down cleanly; " + SYSPREP_FIX,
                    Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        List<Hit> checkFiles(ImageContext ctx) throws IOException {
            WindowsState s = WindowsState.of(ctx);
            String ini = s.stateIniValue() == null ? (s.stateIniPresent() ? WindowsState.STATE_INI
                    + " holds no ImageState" : "there is no " + WindowsState.STATE_INI)
                    : WindowsState.STATE_INI + " says " + s.stateIniValue();
            List<Hit> out = new ArrayList<>();
            switch (s.registry()) {
                case NO_HIVE -> out.add(Hit.at(WindowsState.SOFTWARE_FILE, "cannot tell whether Windows is "
                        + "generalized: there is no SOFTWARE hive at " + WindowsState.SOFTWARE_FILE + " (" + ini + ")")
                        .withFix("capture the image again from the source VM"));
                case UNTRUSTED -> {
                    ReplayStatus r = s.replay();
                    out.add(Hit.at(WindowsState.SOFTWARE_FILE, "cannot tell whether Windows is generalized: the "
                            + "SOFTWARE hive is " + r.describe() + ". Its ImageState may be stale (Windows can keep "
                            + "changes in the logs only, for up to an hour): the hive as read says "
                            + (s.registryValue() == null ? "nothing" : s.registryValue()) + ", " + ini)
                            .withFix(CAPTURE_CLEANLY + "; " + SYSPREP_FIX));
                }
                case VALUE -> {
                    if (s.disagree()) {
                        out.add(Hit.at(WindowsState.STATE_INI, "ImageState is " + s.registryValue() + " in "
                                + WindowsState.STATE_KEY_DISPLAY + " but " + s.stateIniValue() + " in "
                                + WindowsState.STATE_INI + ": sysprep and setup write both, so one was edited by hand "
                                + "or a run was interrupted; cannot tell what state the image is in")
                                .withFix("do not edit either by hand; " + SYSPREP_FIX));
                    } else if (s.stateIniValue() == null) {
                        out.add(Hit.at(WindowsState.STATE_INI, (s.stateIniPresent() ? WindowsState.STATE_INI
                                + " holds no ImageState" : "no " + WindowsState.STATE_INI) + " to cross-check the "
                                + "registry's ImageState " + s.registryValue() + " (sysprep and setup write both)")
                                .withSeverity(Severity.WARNING));
                    }
                    replayed(s).ifPresent(out::add);
                }
                case NO_VALUE -> {
                    if (s.stateIniValue() != null) {
                        out.add(Hit.at(WindowsState.SOFTWARE_FILE, "no ImageState in "
                                + WindowsState.STATE_KEY_DISPLAY + " to cross-check " + ini + " (sysprep and setup "
                                + "write both)").withSeverity(Severity.WARNING));
                    }
                    replayed(s).ifPresent(out::add);
                }
                default -> throw new IllegalStateException(s.registry().name());
            }
            return out;
        }

        /** A dirty hive that replayed: a note, so that the report says where the value came from. */
        private static Optional<Hit> replayed(WindowsState s) {
            if (s.replay() == null || s.replay().kind() != ReplayStatus.Kind.REPLAYED) {
                return Optional.empty();
            }
            return Optional.of(Hit.at(WindowsState.SOFTWARE_FILE, "the SOFTWARE hive is " + s.replay().describe()
                    + "; ImageState " + (s.registryValue() == null ? "(none)" : s.registryValue())
                    + " is read from the recovered hive").withSeverity(Severity.INFO).withFix(CAPTURE_CLEANLY));
        }
    }

    /** win/unattend-present: no answer file that Windows Setup reads before Azure's. */
    static final class UnattendPresent extends FileRule {
        static final String PANTHER = "/Windows/Panther";
        static final String PANTHER_UNATTEND = "/Windows/Panther/Unattend";
        static final String SYSPREP_DIR = "/Windows/System32/Sysprep";
        static final String DELETE_PANTHER = "delete the answer files before generalizing (Azure: `rd /s /q "
                + "C:\\Windows\\Panther`; custom answer files are not supported)";

        UnattendPresent() {
            super("win/unattend-present", Scope.WINDOWS, "No answer file outranks Azure's: SYSTEM\\Setup\\UnattendFile, "
                            + "Panther\\Unattend\\{Unattend,Autounattend}.xml, Panther\\unattend.xml (errors); "
                            + "System32\\Sysprep\\unattend.xml, \\{Unattend,Autounattend}.xml (warnings)",
                    DELETE_PANTHER, Severity.ERROR, Severity.WARNING, null);
        }

        @Override
        List<Hit> checkFiles(ImageContext ctx) throws IOException {
            WindowsFacts w = WindowsFacts.of(ctx);
            List<Hit> out = new ArrayList<>();
            Optional<Hive> system = w.hive(WindowsFacts.SYSTEM);
            if (system.isPresent()) {
                stale(system.get(), WindowsFacts.SYSTEM).ifPresent(out::add);
                Optional<String> file = w.string(WindowsFacts.SYSTEM, "Setup", "UnattendFile");
                if (file.isPresent() && !file.get().isBlank()) {
                    out.add(Hit.at(WindowsState.SYSTEM_FILE, "SYSTEM\\Setup\\UnattendFile names an answer file ("
                            + file.get() + "): Windows Setup reads it first (search order 1), before Azure's answer "
                            + "file on the provisioning ISO, so Azure's settings (administrator account, computer "
                            + "name) are ignored and the VM can stop at OOBE")
                            .withFix("delete the value before generalizing: `reg delete HKLM\\SYSTEM\\Setup /v "
                                    + "UnattendFile /f`; " + DELETE_PANTHER));
                }
            }
            for (String f : named(ctx, PANTHER_UNATTEND, "Unattend.xml", "Autounattend.xml")) {
                out.add(Hit.at(f, "answer file " + f + ": Windows Setup reads it (search order 2) before Azure's "
                        + "answer file on the provisioning ISO, so Azure's settings are ignored and the VM can stop at "
                        + "OOBE; a cached answer file can also hold passwords"));
            }
            for (DirEntry e : ctx.list(PANTHER_UNATTEND)) {
                String n = e.name();
                if (e.type() == FileType.REGULAR && n.toLowerCase(java.util.Locale.ROOT).endsWith(".xml")
                        && !n.equalsIgnoreCase("Unattend.xml") && !n.equalsIgnoreCase("Autounattend.xml")) {
                    String f = PANTHER_UNATTEND + "/" + n;
                    out.add(Hit.at(f, "file " + f + " in the answer-file folder: Setup reads only Unattend.xml and "
                            + "Autounattend.xml there, but a leftover answer file can hold passwords and be renamed "
                            + "into use").withSeverity(Severity.WARNING).withFix("delete it before generalizing"));
                }
            }
            for (String f : named(ctx, PANTHER, "Unattend.xml")) {
                out.add(Hit.at(f, "cached answer file " + f + ": Windows Setup reads it (search order 3) before "
                        + "Azure's answer file on the provisioning ISO, so Azure's settings are ignored and the VM can "
                        + "stop at OOBE; it can also hold passwords"));
            }
            for (String f : named(ctx, SYSPREP_DIR, "Unattend.xml")) {
                out.add(Hit.at(f, "answer file " + f + ": Setup reads it only after Azure's ISO (search order 6), "
                        + "but sysprep applies it when run without /unattend, and it can hold passwords")
                        .withSeverity(Severity.WARNING).withFix("delete it before generalizing"));
            }
            for (String f : named(ctx, "/", "Unattend.xml", "Autounattend.xml")) {
                out.add(Hit.at(f, "answer file " + f + " at the root of the system drive: Setup reads it only "
                        + "after Azure's ISO (search order 7), but it can hold passwords")
                        .withSeverity(Severity.WARNING).withFix("delete it before generalizing"));
            }
            return out;
        }

        /** The regular files of {@code dir} with one of {@code names} (any case), as stored. */
        private static List<String> named(ImageContext ctx, String dir, String... names) throws IOException {
            List<String> out = new ArrayList<>();
            for (DirEntry e : ctx.list(dir)) {
                for (String n : names) {
                    if (e.name().equalsIgnoreCase(n) && e.type() == FileType.REGULAR) {
                        out.add((dir.equals("/") ? "" : dir) + "/" + e.name());
                    }
                }
            }
            return out;
        }
    }

    /** win/cdrom-disabled: the CD/DVD driver that reads Azure's answer ISO is enabled. */
    static final class CdromDisabled extends FileRule {
        static final String CDROM = "CurrentControlSet\\Services\\cdrom";
        static final String POLICY = "Policies\\Microsoft\\Windows\\RemovableStorageDevices";
        /** The CD and DVD device class (GUID_DEVCLASS_CDROM). */
        static final String CDROM_CLASS = "{53f56308-b6bf-11d0-94f2-00a0c91efb8b}";
        static final String ENABLE = "enable the CD/DVD driver on the source VM before generalizing: `reg add "
                + "HKLM\\SYSTEM\\CurrentControlSet\\Services\\cdrom /v Start /t REG_DWORD /d 1 /f`";

        CdromDisabled() {
            super("win/cdrom-disabled", Scope.WINDOWS, "The CD/DVD driver is enabled (Services\\cdrom\\Start is not 4 "
                            + "in the current control set) and no policy denies reading CDs and DVDs: Azure passes its "
                            + "answer file on an ISO", ENABLE, Severity.ERROR, Severity.WARNING, null);
        }

        @Override
        List<Hit> checkFiles(ImageContext ctx) throws IOException {
            WindowsFacts w = WindowsFacts.of(ctx);
            List<Hit> out = new ArrayList<>();
            Optional<Hive> system = w.hive(WindowsFacts.SYSTEM);
            if (system.isPresent()) {
                stale(system.get(), WindowsFacts.SYSTEM).ifPresent(out::add);
                String ccs = w.currentControlSet().orElseThrow();
                String key = "SYSTEM\\" + ccs + "\\Services\\cdrom";
                String current = "the current control set (Select\\Current = " + Integer.parseInt(ccs.substring(10))
                        + ")";
                if (system.get().key(ccs + "\\Services\\cdrom").isEmpty()) {
                    out.add(Hit.at(WindowsState.SYSTEM_FILE, "no " + key + " in " + current + ": the CD/DVD driver "
                            + "is not installed, so Windows may not read Azure's provisioning ISO")
                            .withSeverity(Severity.WARNING));
                } else {
                    OptionalLong start = w.number(WindowsFacts.SYSTEM, CDROM, "Start");
                    if (start.isPresent() && start.getAsLong() == 4) {
                        out.add(Hit.at(WindowsState.SYSTEM_FILE, "Start is 4 (disabled) in " + key + ", " + current
                                + ": Windows cannot read the DVD drive that carries Azure's provisioning answer file, "
                                + "so the VM stays at OOBE"));
                    }
                }
            }
            if (w.hive(WindowsFacts.SOFTWARE).isPresent()) {
                deny(w, POLICY, "Deny_All", "All Removable Storage classes: Deny all access").ifPresent(out::add);
                deny(w, POLICY + "\\" + CDROM_CLASS, "Deny_Read", "CD and DVD: Deny read access")
                        .ifPresent(out::add);
            }
            return out;
        }

        private static Optional<Hit> deny(WindowsFacts w, String key, String value, String policy)
                throws IOException {
            OptionalLong n = w.number(WindowsFacts.SOFTWARE, key, value);
            if (n.isEmpty() || n.getAsLong() == 0) {
                return Optional.empty();
            }
            return Optional.of(Hit.at(WindowsState.SOFTWARE_FILE, value + " is " + n.getAsLong() + " in SOFTWARE\\"
                    + key + " (group policy \"" + policy + "\"): Windows cannot read the DVD drive that carries "
                    + "Azure's provisioning answer file, so the VM stays at OOBE").withFix("disable the policy "
                    + "before generalizing: `reg delete \"HKLM\\SOFTWARE\\" + key + "\" /v " + value + " /f` (and in "
                    + "the GPO that sets it)"));
        }
    }

    /** win/bitlocker: no volume of the OS disk is encrypted with BitLocker. */
    static final class Bitlocker extends BaseRule {
        static final String DECRYPT = "decrypt it on the source VM before capturing: `manage-bde -off C:`, then wait "
                + "until `manage-bde -status C:` says Fully Decrypted (in Azure, use Azure Disk Encryption or "
                + "server-side encryption instead)";

        Bitlocker() {
            super("win/bitlocker", Scope.CONTAINER, "The Windows system volume is not encrypted with BitLocker (Azure "
                    + "cannot provision or boot it, and vhdkit cannot check it)", DECRYPT,
                    Severity.ERROR, Severity.ERROR, null);
        }

        @Override
        public List<Hit> check(ImageContext ctx) throws IOException {
            Optional<DiskImage> disk = ctx.disk();
            if (disk.isEmpty()) {
                return List.of();
            }
            Optional<WindowsFacts.Encrypted> system = WindowsFacts.of(ctx).encryptedSystemVolume();
            List<Hit> out = new ArrayList<>();
            for (Volume v : disk.get().volumes()) {
                if (v.content() != ContentType.BITLOCKER) {
                    continue;
                }
                if (system.isPresent() && system.get().volume().id().equals(v.id())) {
                    out.add(Hit.of("the Windows system volume " + v.id() + " is encrypted with BitLocker (OEM ID "
                            + "-FVE-FS- in its boot sector; the Windows boot manager " + system.get().bootManager()
                            + " is on " + system.get().bootVolume().id() + "): Azure cannot boot or provision an "
                            + "OS disk encrypted in the guest, and its files cannot be checked"));
                } else {
                    out.add(Hit.of("volume " + v.id() + " is encrypted with BitLocker (OEM ID -FVE-FS- in its boot "
                            + "sector): it unlocks only with its recovery key once the disk runs in Azure, and "
                            + "vhdkit cannot check its files").withSeverity(Severity.WARNING));
                }
            }
            return out;
        }
    }

    /**
     * A rule that reads the Windows volume's files. A system volume encrypted with BitLocker cannot be read: such a
     * rule then reports one warning that says so and points to win/bitlocker, whose error fails the image (the OS
     * state is unknown).
     */
    abstract static class FileRule extends BaseRule {
        FileRule(String id, Scope scope, String title, String fix, Severity generalized, Severity specialized,
                 Severity dataDisk) {
            super(id, scope, title, fix, generalized, specialized, dataDisk);
        }

        @Override
        public final List<Hit> check(ImageContext ctx) throws IOException {
            Optional<Hit> locked = locked(ctx);
            return locked.isPresent() ? List.of(locked.get()) : checkFiles(ctx);
        }

        /** The check proper, on a readable volume. */
        abstract List<Hit> checkFiles(ImageContext ctx) throws IOException;
    }

    private static Optional<Hit> locked(ImageContext ctx) throws IOException {
        Optional<WindowsFacts.Encrypted> e = WindowsFacts.of(ctx).encryptedSystemVolume();
        return e.map(v -> new Hit("could not check: the Windows system volume " + v.volume().id() + " is encrypted "
                + "with BitLocker, so its files cannot be read offline (see win/bitlocker)", null, Severity.WARNING,
                Bitlocker.DECRYPT));
    }

    /** A warning when a hive is dirty and its logs could not be replayed: what was read from it may be stale. */
    static Optional<Hit> stale(Hive hive, String name) {
        ReplayStatus r = hive.replayStatus();
        if (r.trustworthy()) {
            return Optional.empty();
        }
        return Optional.of(Hit.at(io.vhdkit.windows.WindowsRegistry.hivePath(name), "the " + name + " hive is "
                + r.describe() + ": what this rule read from it may be stale").withSeverity(Severity.WARNING)
                .withFix(CAPTURE_CLEANLY));
    }
}
