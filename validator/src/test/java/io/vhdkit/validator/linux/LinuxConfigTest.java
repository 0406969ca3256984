package io.vhdkit.validator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vhdkit.validator.linux.LinuxConfig.PasswdEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration parsers, on the shapes the distributions write (Debian, Ubuntu, RHEL, SUSE). */
class LinuxConfigTest {

    @Test
    void passwdAndShadow() {
        List<PasswdEntry> p = LinuxConfig.passwd("root:x:0:0:root:/root:/bin/bash\n# comment\nbroken:x:a:0::/:/bin/sh\n"
                + "+nis::::::\nazureuser:x:1000:1000:,,,:/home/azureuser:/bin/bash\nshort:x:1\n");
        assertEquals(List.of(new PasswdEntry("root", "x", 0, 0, "/root", "/bin/bash"),
                new PasswdEntry("azureuser", "x", 1000, 1000, "/home/azureuser", "/bin/bash")), p);
        Map<String, String> s = LinuxConfig.shadow("root:*LOCK*:14600::::::\nazureuser:$y$j9T$abc:20000:0:99999:7:::\n"
                + "builder:!:20000::::::\n");
        assertEquals("*LOCK*", s.get("root"));
        assertTrue(LinuxConfig.usablePassword(s.get("azureuser")));
        for (String locked : List.of("*LOCK*", "*", "!", "!!", "x", "", "!$6$salt$hash")) {
            assertFalse(LinuxConfig.usablePassword(locked), locked);
        }
        assertEquals("yescrypt", LinuxConfig.hashMethod("$y$j9T$abc"));
        assertEquals("SHA-512", LinuxConfig.hashMethod("$6$salt$hash"));
        assertEquals("DES", LinuxConfig.hashMethod("abJnggxhB/yWI"));
        assertEquals(500, LinuxConfig.uidMin("#UID_MIN 1\nUID_MIN\t\t\t 500\nUID_MAX 60000\n"));
        assertEquals(1000, LinuxConfig.uidMin("UID_MAX 60000\n"));
        assertTrue(LinuxConfig.loginShell("/bin/bash"));
        assertFalse(LinuxConfig.loginShell("/usr/sbin/nologin"));
        assertFalse(LinuxConfig.loginShell("/bin/false"));
    }

    @Test
    void defaultGrubAndItsGrubDParts() {
        Map<String, String> vars = new LinkedHashMap<>();
        LinuxConfig.shellAssignments("GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"
                + "# GRUB_CMDLINE_LINUX=\"console=ttyS0\"\n", vars);
        // Ubuntu's cloud images: /etc/default/grub.d/50-cloudimg-settings.cfg extends the value
        LinuxConfig.shellAssignments("export GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT "
                + "console=tty1 console=ttyS0\"\nGRUB_TIMEOUT=0 # no menu\n", vars);
        assertEquals("quiet console=tty1 console=ttyS0", vars.get("GRUB_CMDLINE_LINUX_DEFAULT"));
        assertEquals("", vars.get("GRUB_CMDLINE_LINUX"));
        assertEquals("0", vars.get("GRUB_TIMEOUT"));
        LinuxConfig.shellAssignments("GRUB_CMDLINE_LINUX='crashkernel=auto ${GRUB_CMDLINE_LINUX_DEFAULT}'\n", vars);
        assertEquals("crashkernel=auto ${GRUB_CMDLINE_LINUX_DEFAULT}", vars.get("GRUB_CMDLINE_LINUX"));
    }

    @Test
    void consoleParameter() {
        assertTrue(LinuxConfig.hasConsole("ro console=tty1 console=ttyS0,115200n8 earlyprintk=ttyS0", "ttyS0"));
        assertTrue(LinuxConfig.hasConsole("console=ttyAMA0", "ttyAMA0"));
        assertFalse(LinuxConfig.hasConsole("earlyprintk=ttyS0 console=tty1", "ttyS0"));
        assertFalse(LinuxConfig.hasConsole("console=ttyS01", "ttyS0"));
    }

    @Test
    void grubCfgBlsAndGrubenv() {
        String cfg = "menuentry 'Debian' {\n\tlinux\t/boot/vmlinuz-6.1.0 root=UUID=1 ro console=ttyS0 quiet\n"
                + "\tinitrd\t/boot/initrd.img-6.1.0\n}\nmenuentry 'RHEL' {\n  linuxefi /vmlinuz-4.18 root=/dev/sda2\n}\n"
                + "  linux16 /vmlinuz\n";
        assertEquals(List.of("root=UUID=1 ro console=ttyS0 quiet", "root=/dev/sda2", ""),
                LinuxConfig.grubKernelLines(cfg));
        assertEquals(Optional.of("$kernelopts console=ttyS0"), LinuxConfig.blsOptions("title Red Hat\nversion 4.18\n"
                + "linux /vmlinuz-4.18\noptions $kernelopts console=ttyS0\n"));
        assertEquals(Optional.empty(), LinuxConfig.blsOptions("title x\nlinux /vmlinuz\n"));
        Map<String, String> env = LinuxConfig.grubenv("# GRUB Environment Block\nsaved_entry=abc\nkernelopts=root=/dev/"
                + "mapper/rhel-root ro crashkernel=auto\n##########\n");
        assertEquals("root=/dev/mapper/rhel-root ro crashkernel=auto", env.get("kernelopts"));
    }

    @Test
    void waagentConfAndCloudConfig() {
        Map<String, String> c = LinuxConfig.waagentConf("# comment\nProvisioning.Agent=cloud-init\n"
                + "ResourceDisk.Format=y # format it\n  Logs.Verbose = n\n");
        assertEquals("cloud-init", c.get("Provisioning.Agent"));
        assertEquals("y", c.get("ResourceDisk.Format"));
        assertEquals("n", c.get("Logs.Verbose"));
        String yaml = "users:\n  - default\nmanual_cache_clean: true # keep it\nssh_deletekeys: 'False'\n"
                + "system_info:\n  manual_cache_clean: false\n";
        assertEquals(Optional.of("true"), LinuxConfig.yamlTopLevel(yaml, "manual_cache_clean"));
        assertEquals(Optional.of("False"), LinuxConfig.yamlTopLevel(yaml, "ssh_deletekeys"));
        assertEquals(Optional.empty(), LinuxConfig.yamlTopLevel(yaml, "disable_root"));
        assertTrue(LinuxConfig.yamlTrue("True"));
        assertTrue(LinuxConfig.yamlTrue("on"));
        assertFalse(LinuxConfig.yamlTrue("False"));
    }
}
