import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs stay honest: every `./jbang SCRIPT.java ...` command line in README.md and docs/
 * parses against the scripts' real command lines (picocli's definitions for the server and
 * useradmin, ClientOptions for the client), and every flag and SEEK_ variable the code defines
 * is written down somewhere in them.
 */
class DocsTest {

    static final Pattern COMMAND = Pattern.compile("\\./jbang((?:\\s+--[a-z-]+=\\S+)*)\\s+(server|client|useradmin)\\.java\\b([^`\\n]*)");
    static final Pattern OPTION = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    static List<Path> docs() throws Exception {
        var files = new ArrayList<>(List.of(Processes.ROOT.resolve("README.md")));
        try (var listing = Files.list(Processes.ROOT.resolve("docs"))) {
            listing.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    /** Every documented command line: the script and what follows it, continuation lines joined. */
    record Documented(Path file, String script, String arguments) {}

    static List<Documented> commands() throws Exception {
        var found = new ArrayList<Documented>();
        for (Path file : docs()) {
            String text = Files.readString(file).replace("\\\n", " ");
            var m = COMMAND.matcher(text);
            while (m.find()) found.add(new Documented(file, m.group(2), m.group(3)));
        }
        return found;
    }

    /** The arguments up to the end of the command: a pipe, a redirect, a comment, a separator. */
    static List<String> words(String arguments) {
        String command = arguments.split("\\s(\\||;|&&|>|2>|#|<)|\\)")[0];
        var words = new ArrayList<String>();
        var m = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(command);
        while (m.find()) words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        return words;
    }

    static Set<String> optionNames(CommandLine command) {
        var names = new TreeSet<String>();
        command.getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
        command.getSubcommands().values().forEach(sub -> names.addAll(optionNames(sub)));
        return names;
    }

    static Set<String> clientOptionNames() {
        var names = new TreeSet<String>();
        var m = OPTION.matcher(ClientOptions.USAGE);
        while (m.find()) names.add(m.group());
        return names;
    }

    @Test
    void everyDocumentedCommandLineParses() throws Exception {
        var commands = commands();
        assertTrue(commands.size() > 20, "the docs show commands: " + commands.size());
        var failures = new ArrayList<String>();
        for (var documented : commands) {
            List<String> args = words(documented.arguments());
            String where = Processes.ROOT.relativize(documented.file()) + ": ./jbang " + documented.script() + ".java" + documented.arguments();
            boolean synopsis = args.stream().anyMatch(word -> word.startsWith("[") || word.equals("..."));
            try {
                if (synopsis) {
                    // A usage line ([--server URL] ...): each option it names must exist.
                    var known = switch (documented.script()) {
                        case "server" -> optionNames(new CommandLine(new ServerCommand()));
                        case "useradmin" -> optionNames(new CommandLine(new useradmin()));
                        default -> clientOptionNames();
                    };
                    var m = OPTION.matcher(documented.arguments());
                    while (m.find()) if (!known.contains(m.group())) failures.add(where + "  (no option " + m.group() + ")");
                    continue;
                }
                switch (documented.script()) {
                    case "server" -> new CommandLine(new ServerCommand()).parseArgs(args.toArray(String[]::new));
                    case "useradmin" -> new CommandLine(new useradmin()).parseArgs(args.toArray(String[]::new));
                    default -> ClientOptions.parse(args.toArray(String[]::new), name -> null);
                }
            } catch (CommandLine.ParameterException | ClientOptions.UsageException e) {
                failures.add(where + "  (" + e.getMessage() + ")");
            }
        }
        assertEquals(List.of(), failures, "documented command lines that do not parse");
    }

    @Test
    void everyFlagAndVariableTheCodeDefinesIsDocumented() throws Exception {
        var text = new StringBuilder();
        for (Path file : docs()) text.append(Files.readString(file));
        var defined = new LinkedHashSet<String>();
        defined.addAll(optionNames(new CommandLine(new ServerCommand())));
        defined.addAll(optionNames(new CommandLine(new useradmin())));
        defined.addAll(clientOptionNames());
        try (var sources = Files.walk(Processes.ROOT.resolve("common"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                var m = Pattern.compile("\"(SEEK_[A-Z0-9_]+)\"|env:(SEEK_[A-Z0-9_]+)").matcher(Files.readString(source));
                while (m.find()) defined.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        for (String script : List.of("server.java", "client.java", "useradmin.java")) {
            var m = Pattern.compile("\"(SEEK_[A-Z0-9_]+)\"|env:(SEEK_[A-Z0-9_]+)").matcher(Files.readString(Processes.ROOT.resolve(script)));
            while (m.find()) defined.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        var missing = defined.stream().filter(name -> !name.equals("-h") && !name.equals("-V"))
                .filter(name -> !Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(text).find()).toList();
        assertTrue(defined.size() > 30, "found the definitions: " + defined);
        assertEquals(List.of(), missing, "defined in the code but in none of README.md and docs/");
    }
}
