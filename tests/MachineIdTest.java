import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** contract section 5: the derivation, each OS's source and fallback, and placeholder rejection. */
class MachineIdTest {

    static final Path ETC = Path.of("/etc/machine-id");
    static final Path DBUS = Path.of("/var/lib/dbus/machine-id");

    @Test
    void testVectorFromTheReadme() {
        // Same as: printf 'seek-auth machine-id v1' | openssl dgst -sha256 -hmac '0123456789abcdef0123456789abcdef'
        assertEquals("f25d0dd2ccd320ba47548209a23a24707cc3cd3eb2be9ee3c6d507b38aec8db3",
                MachineId.derive("0123456789abcdef0123456789abcdef"));
    }

    @Test
    void sameIdentityAlwaysGivesTheSameValidId() {
        String id = MachineId.derive("3d1219c7c4c5404aaa1f6d2a48adfda4");
        assertEquals(id, MachineId.derive("3d1219c7c4c5404aaa1f6d2a48adfda4\n"), "the file's newline does not count");
        assertTrue(Credentials.machineIdProblem(id).isEmpty(), "64 lower-case hex");
        assertNotEquals(id, MachineId.derive("3d1219c7c4c5404aaa1f6d2a48adfda5"));
        assertFalse(id.contains("3d1219c7"), "the raw identity does not show through");
    }

    @Test
    void linuxReadsEtcMachineIdFirst() throws Exception {
        var system = new FakeSystem();
        system.files.put(ETC, "aaaa1111bbbb2222cccc3333dddd4444\n");
        system.files.put(DBUS, "ffff1111bbbb2222cccc3333dddd4444\n");
        assertEquals("aaaa1111bbbb2222cccc3333dddd4444", RawMachineIdentity.read("Linux", system));
        assertEquals(List.of("/etc/machine-id"), system.asked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "uninitialized\n", "00000000000000000000000000000000\n"})
    void linuxFallsBackToDbusWhenEtcIsUnusable(String etcContent) throws Exception {
        var system = new FakeSystem();
        system.files.put(ETC, etcContent);
        system.files.put(DBUS, "ffff1111bbbb2222cccc3333dddd4444\n");
        assertEquals("ffff1111bbbb2222cccc3333dddd4444", RawMachineIdentity.read("Linux", system));
    }

    @Test
    void linuxFallsBackToDbusWhenEtcIsMissing() throws Exception {
        var system = new FakeSystem();
        system.files.put(DBUS, "ffff1111bbbb2222cccc3333dddd4444");
        assertEquals("ffff1111bbbb2222cccc3333dddd4444", RawMachineIdentity.read("Linux", system));
        assertEquals(List.of("/etc/machine-id", "/var/lib/dbus/machine-id"), system.asked);
    }

    @Test
    void linuxWithNoSourceIsAnErrorNotARandomId() {
        var system = new FakeSystem();
        system.files.put(DBUS, "0000000000000000");
        var e = assertThrows(RawMachineIdentity.MissingIdentityException.class, () -> RawMachineIdentity.read("Linux", system));
        assertTrue(e.getMessage().contains("/etc/machine-id"), e.getMessage());
    }

    @Test
    void macReadsIoPlatformUuid() throws Exception {
        var system = new FakeSystem();
        system.commands.put(MacIdentity.COMMAND, """
                +-o J316sAP  <class IOPlatformExpertDevice, id 0x100000222, registered, matched, active, busy 0 (1 ms), retain 33>
                    {
                      "IOPlatformSerialNumber" = "C02XXXXXXXXX"
                      "IOPlatformUUID" = "5B2A1F3C-8D4E-4B6A-9C1D-2E3F4A5B6C7D"
                    }
                """);
        assertEquals("5B2A1F3C-8D4E-4B6A-9C1D-2E3F4A5B6C7D", RawMachineIdentity.read("Mac OS X", system));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"IOPlatformUUID\" = \"00000000-0000-0000-0000-000000000000\"", "\"IOPlatformUUID\" = \"\"", "nothing here"})
    void macRejectsPlaceholdersAndMissingValues(String output) {
        var system = new FakeSystem();
        system.commands.put(MacIdentity.COMMAND, output);
        assertThrows(RawMachineIdentity.MissingIdentityException.class, () -> RawMachineIdentity.read("Mac OS X", system));
    }

    @Test
    void windowsReadsMachineGuid() throws Exception {
        var system = new FakeSystem();
        system.commands.put(WindowsIdentity.COMMAND, """

                HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography
                    MachineGuid    REG_SZ    6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b

                """);
        assertEquals("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", RawMachineIdentity.read("Windows 11", system));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MachineGuid    REG_SZ    03000200-0400-0500-0006-000700080009", "MachineGuid    REG_SZ    FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"})
    void windowsRejectsPlaceholders(String output) {
        var system = new FakeSystem();
        system.commands.put(WindowsIdentity.COMMAND, output);
        assertThrows(RawMachineIdentity.MissingIdentityException.class, () -> RawMachineIdentity.read("Windows 10", system));
    }

    @Test
    void windowsWithoutTheValueIsAnError() {
        assertThrows(RawMachineIdentity.MissingIdentityException.class, () -> RawMachineIdentity.read("Windows 10", new FakeSystem()));
    }

    @Test
    void otherSystemsAreAnError() {
        var e = assertThrows(RawMachineIdentity.MissingIdentityException.class, () -> RawMachineIdentity.read("FreeBSD", new FakeSystem()));
        assertTrue(e.getMessage().contains("FreeBSD"));
    }

    @Test
    void onLinuxThisComputersIdentityIsItsEtcMachineId() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux") && java.nio.file.Files.isReadable(ETC),
                "a Linux computer with a readable /etc/machine-id");
        assertEquals(java.nio.file.Files.readString(ETC).trim(), RawMachineIdentity.read());
    }

    @Test
    void theIdentityCommandsRunByAbsolutePathNeverThroughPath() {
        assertEquals("/usr/sbin/ioreg", MacIdentity.COMMAND.getFirst());
        assertEquals("C:\\Windows\\System32\\reg.exe", WindowsIdentity.regExe(null));
        assertEquals("D:\\WINNT\\System32\\reg.exe", WindowsIdentity.regExe("D:\\WINNT\\"));
        assertTrue(WindowsIdentity.COMMAND.getFirst().endsWith("\\System32\\reg.exe"), WindowsIdentity.COMMAND.toString());
    }

    @Test
    void aCommandThatHangsIsGivenUp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/bin/sleep")), "needs /bin/sleep");
        long start = System.nanoTime();
        assertEquals(java.util.Optional.empty(),
                RawMachineIdentity.SystemAccessImpl.INSTANCE.runCommand(List.of("/bin/sleep", "60"), java.time.Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(30), "given up, not waited out");
        assertEquals(java.time.Duration.ofSeconds(5), RawMachineIdentity.COMMAND_TIMEOUT, "the shipped limit");
        assertEquals(java.util.Optional.of("hello\n"), RawMachineIdentity.THIS_COMPUTER.runCommand(List.of("/bin/echo", "hello")));
    }
}
