package io.vhdkit.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vhdkit.format.CorruptFormatException;
import io.vhdkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** CurrentControlSet through Select\Current, on the SYSTEM hives of fixtures/registry (ControlSet001 and 002 differ). */
class ControlSetsTest {

    static final String NAME_KEY = "CurrentControlSet\\Control\\ComputerName\\ComputerName";

    static Hive hive(String name) throws IOException {
        return Hive.open(Files.readAllBytes(Fixtures.file("registry", name)));
    }

    @Test
    void currentIsOne() throws IOException {
        Hive h = hive("SYSTEM");
        assertEquals(1, ControlSets.current(h));
        assertEquals("ControlSet001\\Control\\ComputerName\\ComputerName", ControlSets.resolve(h, NAME_KEY));
        assertEquals(Optional.of("TESTVM"), ControlSets.value(h, NAME_KEY, "ComputerName").orElseThrow().string());
        assertEquals(Optional.of("testvm"), ControlSets.value(h, "\\currentcontrolset\\SERVICES\\Tcpip\\Parameters",
                "Hostname").orElseThrow().string());
        assertEquals(OptionalLong.of(2), ControlSets.value(h, "CurrentControlSet\\Services\\RdAgent", "Start")
                .orElseThrow().integer());
        assertEquals("ControlSet001", ControlSets.key(h, "CurrentControlSet").orElseThrow().path());
        assertEquals(Optional.of("OLDNAME"), h.value("ControlSet002\\Control\\ComputerName\\ComputerName",
                "ComputerName").orElseThrow().string());
        assertEquals("CurrentControlSetX\\y", ControlSets.resolve(h, "CurrentControlSetX\\y"));
        assertEquals("Select", ControlSets.resolve(h, "Select"));
        assertFalse(h.key("CurrentControlSet").isPresent(), "there is no such key offline");
        assertFalse(ControlSets.key(h, "CurrentControlSet\\Nothing").isPresent());
    }

    @Test
    void currentIsTwo() throws IOException {
        Hive h = hive("SYSTEM2");
        assertEquals(2, ControlSets.current(h));
        assertEquals(Optional.of("OLDNAME"), ControlSets.value(h, NAME_KEY, "ComputerName").orElseThrow().string());
        assertEquals(OptionalLong.of(4), ControlSets.value(h, "CurrentControlSet\\Services\\RdAgent", "Start")
                .orElseThrow().integer());
        assertEquals(OptionalLong.of(1), ControlSets.value(h, "CurrentControlSet\\Control\\Terminal Server",
                "fDenyTSConnections").orElseThrow().integer());
    }

    @Test
    void aBadSelectCurrentIsReported() throws IOException {
        byte[] b = Files.readAllBytes(Fixtures.file("registry", "SYSTEM"));
        long vk = Hive.open(b).value("Select", "Current").orElseThrow().offset();
        byte[] zero = b.clone();
        RegistryTestSupport.put32(zero, vk + 4 + ValueKey.OFFSET_DATA_OFFSET, 0);
        CorruptFormatException e = assertThrows(CorruptFormatException.class,
                () -> ControlSets.resolve(Hive.open(zero), NAME_KEY));
        assertEquals(String.format("regf key value @0x%X: Select\\Current is 0 - should be a REG_DWORD from 1 to 999 "
                + "(the number of the current ControlSetNNN)", vk), e.getMessage());
        byte[] string = b.clone();
        RegistryTestSupport.put32(string, vk + 4 + ValueKey.OFFSET_TYPE, ValueType.REG_SZ.code());
        e = assertThrows(CorruptFormatException.class, () -> ControlSets.current(Hive.open(string)));
        assertEquals(String.format("regf key value @0x%X: Select\\Current is a REG_SZ of 4 bytes - should be a "
                + "REG_DWORD from 1 to 999 (the number of the current ControlSetNNN)", vk), e.getMessage());
    }
}
