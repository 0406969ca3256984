package io.vhdkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RegCommandTest {

    private static String win(String name) {
        return Fixtures.file("windows-disk", name + ".vhd").toString();
    }

    @Test
    void queryPrintsValuesAndSubkeysLikeRegQuery() {
        CliRun r = CliRun.of("reg", win("generalized"), "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n"),
                r::toString);
        assertTrue(r.out().contains("\n    ProductName    REG_SZ    Windows Server 2022 Datacenter\n"), r::toString);
        assertTrue(r.out().contains("\n    UBR    REG_DWORD    0x841\n"), r::toString);
        assertTrue(r.out().contains("\n    InstallTime    REG_QWORD    0x1da498aed83c000\n"), r::toString);
        assertTrue(r.out().contains("\n    DigitalProductId    REG_BINARY    000102"), r::toString);
        CliRun setup = CliRun.of("reg", win("generalized"), "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup");
        assertTrue(setup.out().contains("    SourcePath    REG_MULTI_SZ    D:\\sources\\0E:\\sources\n"), setup::toString);
        assertTrue(setup.out().endsWith("\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State\n"),
                setup::toString);
    }

    @Test
    void oneValueAndCurrentControlSet() {
        CliRun r = CliRun.of("reg", win("cdrom-disabled"), "hklm\\system\\currentcontrolset\\services\\cdrom", "start");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("\nHKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\cdrom\n    Start    REG_DWORD    0x4\n\n",
                r.out());
    }

    @Test
    void machineRootListsTheHivesAndDefaultUserWorks() {
        CliRun r = CliRun.of("reg", win("generalized"), "HKLM");
        assertEquals("\nHKEY_LOCAL_MACHINE\\SAM\nHKEY_LOCAL_MACHINE\\SECURITY\nHKEY_LOCAL_MACHINE\\SOFTWARE\n"
                + "HKEY_LOCAL_MACHINE\\SYSTEM\n", r.out());
        CliRun u = CliRun.of("reg", win("generalized"), "HKU\\.DEFAULT", "-s");
        assertEquals(0, u.exit(), u::toString);
        assertTrue(u.out().contains("\nHKEY_USERS\\.DEFAULT\\Control Panel\\International\n"
                + "    sCountry    REG_SZ    United States\n"), u::toString);
    }

    @Test
    void dirtyHivesAreReplayedAndSaySo() throws IOException {
        String key = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Setup\\State";
        CliRun r = CliRun.of("reg", win("dirty"), key, "ImageState");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE"), r::toString);
        assertTrue(r.err().contains("note: hive SOFTWARE"), r::toString);
        CliRun stale = CliRun.of("reg", win("dirty-unreplayable"), key, "ImageState", "--format", "json");
        assertEquals(0, stale.exit(), stale::toString);
        assertTrue(stale.err().contains("warning: hive SOFTWARE could not be recovered in full"), stale::toString);
        JsonNode j = stale.json();
        assertEquals("replayed", j.path("replay").path("status").asText(), stale::toString);
        assertEquals(false, j.path("replay").path("trustworthy").asBoolean(true));
        assertEquals("ImageState", j.path("values").path(0).path("name").asText());
        assertEquals("REG_SZ", j.path("values").path(0).path("type").asText());
    }

    @Test
    void jsonOfAKeyWithNumbersAndLists() throws IOException {
        CliRun r = CliRun.of("reg", win("generalized"), "HKLM\\SYSTEM\\Select", "--format", "json");
        assertEquals(0, r.exit(), r::toString);
        JsonNode j = r.json();
        assertEquals("HKEY_LOCAL_MACHINE\\SYSTEM\\Select", j.path("key").asText());
        assertEquals(2, j.path("currentControlSet").asInt());
        assertEquals("clean", j.path("replay").path("status").asText());
        assertEquals("Current", j.path("values").path(0).path("name").asText());
        assertEquals("2", j.path("values").path(0).path("data").asText());
    }

    @Test
    void errorsSayWhatIsWrong() {
        CliRun noKey = CliRun.of("reg", win("generalized"), "HKLM\\SOFTWARE\\Nope");
        assertEquals(1, noKey.exit(), noKey::toString);
        assertTrue(noKey.err().contains("no such key: HKEY_LOCAL_MACHINE\\SOFTWARE\\Nope"), noKey::toString);
        CliRun noValue = CliRun.of("reg", win("generalized"), "HKLM\\SYSTEM\\Select", "Nope");
        assertEquals(1, noValue.exit(), noValue::toString);
        CliRun usage = CliRun.of("reg", win("generalized"), "HKCU\\Software");
        assertEquals(2, usage.exit(), usage::toString);
        CliRun noWindows = CliRun.of("reg", win("data-ntfs"), "HKLM\\SOFTWARE");
        assertEquals(1, noWindows.exit(), noWindows::toString);
        assertTrue(noWindows.err().contains("no Windows registry"), noWindows::toString);
        CliRun bitlocker = CliRun.of("reg", win("bitlocker"), "HKLM\\SOFTWARE");
        assertEquals(1, bitlocker.exit(), bitlocker::toString);
    }

    @Test
    void lsAndCatWorkOnNtfsWithEitherSeparatorAndAnyCase() {
        CliRun ls = CliRun.of("ls", win("generalized"), "c:\\WINDOWS\\system32\\Config");
        assertEquals(0, ls.exit(), ls::toString);
        assertTrue(ls.out().contains("SOFTWARE\n") && ls.out().contains("SYSTEM.LOG1\n"), ls::toString);
        CliRun cat = CliRun.of("cat", win("generalized"), "/windows/setup/state/STATE.INI");
        assertEquals(0, cat.exit(), cat::toString);
        assertEquals("[State]\r\nImageState=\"IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE\"\r\n",
                new String(cat.data(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
