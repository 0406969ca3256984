package io.vhdkit.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.check.Severity;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The Windows rules through the Validator, on the fixtures/windows-disk corpus (GPT Windows disks whose NTFS system
 * volume holds hivex-written hives and the files Sysprep leaves): for every rule an image that triggers it and one
 * that does not, with the verdict, the OS and its state.
 */
class WindowsRulesTest {

    private static final String SOFTWARE = "/Windows/System32/config/SOFTWARE";
    private static final String SYSTEM = "/Windows/System32/config/SYSTEM";
    private static final String STATE_INI = "/Windows/Setup/State/State.ini";
    private static final String SERVER = "Windows Server 2022 Datacenter";
    private static final Map<String, ValidationResult> CACHE = new ConcurrentHashMap<>();

    private static Path image(String name) {
        return Fixtures.file("windows-disk", name + ".vhd");
    }

    private static ValidationResult validate(String name, Profile profile) throws IOException {
        String key = name + "@" + profile.id();
        ValidationResult r = CACHE.get(key);
        if (r == null) {
            r = new Validator().validate(image(name), profile, Overrides.NONE);
            CACHE.put(key, r);
        }
        return r;
    }

    private static ValidationResult generalized(String name) throws IOException {
        return validate(name, Profile.AZURE_GENERALIZED);
    }

    private static List<RuleFinding> of(ValidationResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /** The one finding of {@code rule}, which must be there with {@code severity} and {@code path}. */
    private static RuleFinding one(ValidationResult r, String rule, Severity severity, String path) {
        List<RuleFinding> f = of(r, rule);
        assertEquals(1, f.size(), () -> rule + " findings of " + r.image() + ": " + r.findings());
        assertEquals(severity, f.get(0).severity(), f.get(0)::toString);
        assertEquals(path, f.get(0).path(), f.get(0)::toString);
        return f.get(0);
    }

    private static void contains(RuleFinding f, String... fragments) {
        for (String s : fragments) {
            assertTrue(f.message().contains(s) || f.fix() != null && f.fix().contains(s),
                    () -> "'" + s + "' not in " + f);
        }
    }

    private static void passes(ValidationResult r, OsState state) {
        assertEquals("pass", r.verdict(), () -> r.findings().toString());
        assertEquals(state, r.osState());
    }

    private static void windowsServer(ValidationResult r) {
        assertEquals(OsFamily.WINDOWS, r.os().family());
        assertEquals(SERVER, r.os().name());
        assertEquals("10.0.20348.2113", r.os().version());
    }

    // --- OS detection ---------------------------------------------------------------------------------------------

    @Test
    void detectsWindowsServerFromTheSoftwareHive() throws IOException {
        ValidationResult r = generalized("generalized");
        windowsServer(r);
        Map<String, String> d = r.os().details();
        assertEquals("ServerDatacenter", d.get("editionId"));
        assertEquals("Server", d.get("installationType"));
        assertEquals("20348", d.get("currentBuild"));
        assertEquals("21H2", d.get("displayVersion"));
        assertEquals("ControlSet002", d.get("currentControlSet"));
        assertEquals("/Windows", d.get("systemRoot"));
        assertEquals("C:\\Windows", d.get("systemRootPath"));
        assertEquals("WIN-GOLDEN01", d.get("computerName"));
        assertEquals("ServerNT", d.get("productType"));
        passes(r, OsState.GENERALIZED);
        assertTrue(r.findings().isEmpty(), r.findings()::toString);
        assertTrue(r.rulesRun().containsAll(List.of("win/image-state", "win/state-mismatch", "win/unattend-present",
                "win/cdrom-disabled", "win/bitlocker")), r.rulesRun()::toString);
    }

    @Test
    void windows11KeepsWindows10InProductNameButItsBuildTellsTheTruth() throws IOException {
        ValidationResult r = generalized("client-generalized");
        assertEquals(OsFamily.WINDOWS, r.os().family());
        assertEquals("Windows 11 Pro", r.os().name());
        assertEquals("10.0.22631.3007", r.os().version());
        assertEquals("Windows 10 Pro", r.os().details().get("productName"));
        assertEquals("23H2", r.os().details().get("displayVersion"));
        assertEquals("Client", r.os().details().get("installationType"));
        passes(r, OsState.GENERALIZED);
    }

    @Test
    void aDataDiskHasNoOsAndNoWindowsRulesRun() throws IOException {
        ValidationResult r = generalized("data-ntfs");
        assertEquals(OsFamily.NONE, r.os().family());
        assertEquals(OsState.UNKNOWN, r.osState());
        one(r, "os/not-found", Severity.ERROR, null);
        assertTrue(r.rulesRun().stream().noneMatch(id -> id.startsWith("win/") && !id.equals("win/bitlocker")));
        assertTrue(of(r, "win/bitlocker").isEmpty());
        ValidationResult d = validate("data-ntfs", Profile.AZURE_DATA_DISK);
        passes(d, OsState.UNKNOWN);
        assertTrue(d.rulesRun().stream().noneMatch(id -> id.startsWith("win/")), d.rulesRun()::toString);
    }

    @Test
    void theDataDiskProfileRunsNoWindowsRules() throws IOException {
        ValidationResult r = validate("specialized", Profile.AZURE_DATA_DISK);
        assertTrue(r.rulesRun().stream().noneMatch(id -> id.startsWith("win/")), r.rulesRun()::toString);
        assertTrue(r.findings().stream().noneMatch(f -> f.rule().startsWith("win/")));
        one(r, "os/unexpected", Severity.WARNING, null);
        assertEquals("pass", r.verdict());
        assertEquals(OsState.SPECIALIZED, r.osState()); // a fact about the image, whatever the profile
    }

    // --- win/image-state ------------------------------------------------------------------------------------------

    @Test
    void specializedFailsAzureGeneralizedWithTheSysprepCommand() throws IOException {
        ValidationResult r = generalized("specialized");
        windowsServer(r);
        assertEquals("fail", r.verdict());
        assertEquals(OsState.SPECIALIZED, r.osState());
        RuleFinding f = one(r, "win/image-state", Severity.ERROR, SOFTWARE);
        contains(f, "ImageState is IMAGE_STATE_COMPLETE in SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State",
                "and in /Windows/Setup/State/State.ini", "specialized",
                "%WINDIR%\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown /mode:vm");
        assertEquals(1, r.findings().size(), r.findings()::toString);
    }

    @Test
    void specializedPassesAzureSpecialized() throws IOException {
        ValidationResult r = validate("specialized", Profile.AZURE_SPECIALIZED);
        passes(r, OsState.SPECIALIZED);
        assertTrue(r.findings().isEmpty(), r.findings()::toString);
        assertTrue(r.rulesRun().contains("win/image-state"));
    }

    @Test
    void generalizedFailsAzureSpecialized() throws IOException {
        ValidationResult r = validate("generalized", Profile.AZURE_SPECIALIZED);
        assertEquals("fail", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        RuleFinding f = one(r, "win/image-state", Severity.ERROR, SOFTWARE);
        contains(f, "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", "generalized", "times out", "--profile azure-generalized");
    }

    @Test
    void undeployableFailsEveryOsProfileWithTheTailOfSetuperr() throws IOException {
        for (Profile p : List.of(Profile.AZURE_GENERALIZED, Profile.AZURE_SPECIALIZED)) {
            ValidationResult r = validate("undeployable", p);
            windowsServer(r);
            assertEquals("fail", r.verdict());
            assertEquals(OsState.UNKNOWN, r.osState());
            RuleFinding f = one(r, "win/image-state", Severity.ERROR,
                    "/Windows/System32/Sysprep/Panther/setuperr.log");
            contains(f, "IMAGE_STATE_UNDEPLOYABLE", "Sysprep failed or was interrupted",
                    "The last errors in /Windows/System32/Sysprep/Panther/setuperr.log",
                    "hr = 0x80073cf2", "halting sysprep execution",
                    "Remove-AppxPackage", "Microsoft.BingWeather_4.53.52220.0_x64__8wekyb3d8bbwe");
            // the tail: the last five error lines, not the first ones
            assertFalse(f.message().contains("Failed to remove apps for the current user"), f::message);
            assertEquals(5, f.message().split(" \\| ").length, f::message);
        }
    }

    @Test
    void auditModeFailsAzureGeneralized() throws IOException {
        ValidationResult r = generalized("audit");
        assertEquals("fail", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        contains(one(r, "win/image-state", Severity.ERROR, SOFTWARE), "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT",
                "audit mode", "/oobe");
    }

    @Test
    void aHandEditedImageStateIsGeneralizedWithWarnings() throws IOException {
        ValidationResult r = generalized("hand-edited");
        passes(r, OsState.GENERALIZED); // W3 and W4 corroborate; they do not decide
        List<RuleFinding> f = of(r, "win/image-state");
        assertEquals(2, f.size(), f::toString);
        assertTrue(f.stream().allMatch(x -> x.severity() == Severity.WARNING));
        RuleFinding tag = f.stream().filter(x -> "/Windows/System32/Sysprep/Sysprep_succeeded.tag".equals(x.path()))
                .findFirst().orElseThrow();
        contains(tag, "Sysprep_succeeded.tag is missing");
        RuleFinding armed = f.stream().filter(x -> SYSTEM.equals(x.path())).findFirst().orElseThrow();
        contains(armed, "SetupType 0", "CmdLine empty", "oobe\\windeploy.exe");
        // the genuine generalized image has neither warning
        assertTrue(of(generalized("generalized"), "win/image-state").isEmpty());
    }

    // --- win/state-mismatch ---------------------------------------------------------------------------------------

    @Test
    void registryAndStateIniDisagree() throws IOException {
        ValidationResult r = generalized("mismatch");
        windowsServer(r);
        assertEquals("fail", r.verdict());
        assertEquals(OsState.UNKNOWN, r.osState());
        RuleFinding f = one(r, "win/state-mismatch", Severity.ERROR, STATE_INI);
        contains(f, "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE in SOFTWARE", "but IMAGE_STATE_COMPLETE in "
                + STATE_INI, "cannot tell");
        assertTrue(of(r, "win/image-state").isEmpty(), "the registry says generalized: one error, not two");
        // images whose two sources agree have no finding of it
        assertTrue(of(generalized("generalized"), "win/state-mismatch").isEmpty());
        assertTrue(of(generalized("specialized"), "win/state-mismatch").isEmpty());
    }

    @Test
    void noStateIniIsAWarningAndTheRegistryDecides() throws IOException {
        ValidationResult r = generalized("no-state-ini");
        passes(r, OsState.GENERALIZED);
        contains(one(r, "win/state-mismatch", Severity.WARNING, STATE_INI), "no " + STATE_INI,
                "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE");
    }

    @Test
    void aDirtyHiveReplayedFromNewFormatLogsPasses() throws IOException {
        ValidationResult r = generalized("dirty");
        windowsServer(r);
        passes(r, OsState.GENERALIZED);
        RuleFinding f = one(r, "win/state-mismatch", Severity.INFO, SOFTWARE);
        contains(f, "dirty", "replayed 4 log entries", "LOG1 and LOG2", "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE");
        assertEquals(1, r.findings().size(), r.findings()::toString);
    }

    @Test
    void aDirtyHiveReplayedFromAnOldFormatLogPasses() throws IOException {
        ValidationResult r = generalized("dirty-old-log");
        passes(r, OsState.GENERALIZED);
        contains(one(r, "win/state-mismatch", Severity.INFO, SOFTWARE), "dirty pages from LOG1",
                "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE");
    }

    @Test
    void aDirtyHiveThatCannotBeReplayedIsAnHonestCannotTell() throws IOException {
        for (Profile p : List.of(Profile.AZURE_GENERALIZED, Profile.AZURE_SPECIALIZED)) {
            ValidationResult r = validate("dirty-unreplayable", p);
            windowsServer(r);
            assertEquals("fail", r.verdict());
            assertEquals(OsState.UNKNOWN, r.osState(), "not a guess from a stale primary file");
            RuleFinding f = one(r, "win/state-mismatch", Severity.ERROR, SOFTWARE);
            contains(f, "cannot tell whether Windows is generalized", "Hash-1", "may be stale",
                    STATE_INI + " says IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE", "shut itself down");
            // the stale primary value (COMPLETE, or UNDEPLOYABLE after a partial replay) is not judged
            assertTrue(of(r, "win/image-state").isEmpty(), r.findings()::toString);
        }
    }

    // --- win/unattend-present -------------------------------------------------------------------------------------

    @Test
    void answerFilesThatOutrankAzuresFail() throws IOException {
        ValidationResult r = generalized("unattend");
        assertEquals("fail", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        List<RuleFinding> f = of(r, "win/unattend-present");
        assertEquals(3, f.size(), f::toString);
        assertTrue(f.stream().allMatch(x -> x.severity() == Severity.ERROR));
        RuleFinding reg = f.stream().filter(x -> SYSTEM.equals(x.path())).findFirst().orElseThrow();
        contains(reg, "SYSTEM\\Setup\\UnattendFile", "C:\\Windows\\Panther\\unattend.xml", "search order 1",
                "reg delete HKLM\\SYSTEM\\Setup /v UnattendFile /f");
        RuleFinding nested = f.stream().filter(x -> "/Windows/Panther/Unattend/Unattend.xml".equals(x.path()))
                .findFirst().orElseThrow();
        contains(nested, "search order 2", "rd /s /q C:\\Windows\\Panther");
        RuleFinding cached = f.stream().filter(x -> "/Windows/Panther/unattend.xml".equals(x.path()))
                .findFirst().orElseThrow();
        contains(cached, "search order 3", "passwords");
        // under azure-specialized they are warnings
        ValidationResult s = validate("unattend", Profile.AZURE_SPECIALIZED);
        assertTrue(of(s, "win/unattend-present").stream().allMatch(x -> x.severity() == Severity.WARNING));
        assertTrue(of(generalized("generalized"), "win/unattend-present").isEmpty());
    }

    @Test
    void anAnswerFileInTheSysprepFolderIsAWarning() throws IOException {
        ValidationResult r = generalized("sysprep-unattend");
        passes(r, OsState.GENERALIZED);
        List<RuleFinding> f = of(r, "win/unattend-present");
        assertEquals(2, f.size(), f::toString);
        assertTrue(f.stream().allMatch(x -> x.severity() == Severity.WARNING), f::toString);
        contains(f.stream().filter(x -> "/Windows/System32/Sysprep/unattend.xml".equals(x.path())).findFirst()
                .orElseThrow(), "search order 6", "passwords");
        contains(f.stream().filter(x -> "/Windows/Panther/Unattend/old-answer.xml".equals(x.path())).findFirst()
                .orElseThrow(), "answer-file folder", "passwords");
    }

    // --- win/cdrom-disabled ---------------------------------------------------------------------------------------

    @Test
    void aDisabledCdromDriverInTheCurrentControlSetFails() throws IOException {
        ValidationResult r = generalized("cdrom-disabled");
        assertEquals("fail", r.verdict());
        assertEquals(OsState.GENERALIZED, r.osState());
        RuleFinding f = one(r, "win/cdrom-disabled", Severity.ERROR, SYSTEM);
        contains(f, "Start is 4 (disabled) in SYSTEM\\ControlSet002\\Services\\cdrom", "Select\\Current = 2",
                "OOBE", "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\cdrom /v Start /t REG_DWORD /d 1 /f");
        assertEquals(1, r.findings().size(), r.findings()::toString);
        // ControlSet001 of every other image has Start=4, ControlSet002 (current) 1: only Select\Current counts
        assertTrue(of(generalized("generalized"), "win/cdrom-disabled").isEmpty());
        assertEquals(Severity.WARNING, of(validate("cdrom-disabled", Profile.AZURE_SPECIALIZED),
                "win/cdrom-disabled").get(0).severity());
    }

    @Test
    void aPolicyDenyingCdReadsFails() throws IOException {
        ValidationResult r = generalized("cdrom-policy");
        assertEquals("fail", r.verdict());
        RuleFinding f = one(r, "win/cdrom-disabled", Severity.ERROR, SOFTWARE);
        contains(f, "Deny_Read is 1", "{53f56308-b6bf-11d0-94f2-00a0c91efb8b}", "CD and DVD: Deny read access",
                "reg delete");
    }

    // --- win/bitlocker --------------------------------------------------------------------------------------------

    @Test
    void aBitLockerSystemVolumeFailsAndTheStateIsUnknown() throws IOException {
        ValidationResult r = generalized("bitlocker");
        assertEquals(OsFamily.WINDOWS, r.os().family());
        assertEquals("Windows (system volume p3 encrypted with BitLocker)", r.os().name());
        assertEquals(null, r.os().version());
        assertEquals("p3", r.os().details().get("encryptedVolume"));
        assertEquals("p1:/EFI/Microsoft/Boot/bootmgfw.efi", r.os().details().get("bootManager"));
        assertEquals("fail", r.verdict());
        assertEquals(OsState.UNKNOWN, r.osState());
        RuleFinding f = one(r, "win/bitlocker", Severity.ERROR, null);
        contains(f, "volume p3 is encrypted with BitLocker", "-FVE-FS-", "manage-bde -off C:");
        assertTrue(of(r, "os/not-found").isEmpty(), "the OS is found: it is encrypted");
        for (String rule : List.of("win/image-state", "win/state-mismatch", "win/unattend-present",
                "win/cdrom-disabled")) {
            contains(one(r, rule, Severity.WARNING, null), "could not check", "BitLocker", "see win/bitlocker");
        }
        assertTrue(of(generalized("generalized"), "win/bitlocker").isEmpty());
        assertTrue(of(validate("bitlocker", Profile.AZURE_SPECIALIZED), "win/bitlocker").get(0).severity()
                == Severity.ERROR);
        assertFalse(validate("bitlocker", Profile.AZURE_DATA_DISK).rulesRun().contains("win/bitlocker"));
    }

    // --- performance ----------------------------------------------------------------------------------------------

    @Test
    void validatingA127GiBImageReadsLessThan64MiB() throws IOException {
        ValidationResult r = generalized("big-generalized");
        windowsServer(r);
        passes(r, OsState.GENERALIZED);
        assertEquals(127L << 30, java.nio.file.Files.size(image("big-generalized")) - 512);
        assertTrue(r.bytesRead() > 0 && r.bytesRead() < 64L << 20, () -> "read " + r.bytesRead() + " bytes");
    }
}
