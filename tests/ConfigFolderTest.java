import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where each operating system keeps the device key (contract section 8). */
class ConfigFolderTest {

    static Path folder(String os, Map<String, String> env) {
        return ConfigFolder.of(os, env::get, "/home/from-passwd");
    }

    @Test
    void linuxUsesXdgConfigHomeElseDotConfigInHome() {
        assertEquals(Path.of("/x/cfg/seek-auth"), folder("Linux", Map.of("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/a")));
        assertEquals(Path.of("/home/a/.config/seek-auth"), folder("Linux", Map.of("HOME", "/home/a")));
        assertEquals(Path.of("/home/a/.config/seek-auth"), folder("Linux", Map.of("XDG_CONFIG_HOME", "relative/cfg", "HOME", "/home/a")),
                "a relative XDG_CONFIG_HOME is ignored, as the XDG rules say");
        assertEquals(Path.of("/home/from-passwd/.config/seek-auth"), folder("Linux", Map.of()));
        assertEquals(Path.of("/home/a/.config/seek-auth"), folder("FreeBSD", Map.of("HOME", "/home/a")));
    }

    @Test
    void macOsUsesApplicationSupport() {
        assertEquals(Path.of("/Users/a/Library/Application Support/seek-auth"), folder("Mac OS X", Map.of("HOME", "/Users/a")));
    }

    @Test
    void windowsUsesAppData() {
        assertEquals(Path.of("/AppData/Roaming/seek-auth"), folder("Windows 11", Map.of("APPDATA", "/AppData/Roaming")));
        assertEquals(Path.of("/home/from-passwd/AppData/Roaming/seek-auth"), folder("Windows 11", Map.of()));
    }
}
