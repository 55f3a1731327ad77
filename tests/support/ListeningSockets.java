import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The TCP sockets a process listens on, read from Linux's /proc (no ss or netstat needed): "127.0.0.1:8080". */
public final class ListeningSockets {

    private ListeningSockets() {}

    public static List<String> of(long pid) {
        try {
            Set<String> inodes = new HashSet<>();
            try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                    } catch (IOException closedMeanwhile) {
                        // gone between the listing and the read
                    }
                }
            }
            var listening = new ArrayList<String>();
            for (String table : List.of("tcp", "tcp6")) {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table)).stream().skip(1).toList()) {
                    String[] fields = line.trim().split("\\s+");
                    if (!fields[3].equals("0A") || !inodes.contains(fields[9])) continue;  // 0A: LISTEN
                    String[] local = fields[1].split(":");
                    listening.add(address(local[0]).getHostAddress() + ":" + Integer.parseInt(local[1], 16));
                }
            }
            return listening;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** /proc writes an address as 32-bit words in host order (little-endian here); a v4-mapped IPv6 address reads as its IPv4 one. */
    private static InetAddress address(String hex) throws IOException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }
}
