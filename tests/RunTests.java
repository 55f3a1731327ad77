///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
// The JUnit BOM must come first: the Helidon BOM (pulled in through server code)
// would otherwise drag Jupiter down to 5.x and the launcher would find 0 tests.
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS org.junit.jupiter:junit-jupiter
//DEPS org.junit.platform:junit-platform-launcher
//SOURCES ../common/*/*.java
//SOURCES support/*.java
// The admin script itself, so that UserAdminCommandTest runs its command line in this JVM.
//SOURCES ../useradmin.java
//SOURCES *Test.java

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs every test class under tests/ (or only those whose simple name matches
 * one of the arguments) and ends with "N passed, N failed, N skipped".
 * Exits 1 when a test failed, and also when no test ran.
 */
public class RunTests {

    static final String USAGE = """
            Usage: jbang tests/RunTests.java [TestClass ...]
            Runs every test class under tests/, or only those named (simple names, e.g. StoreTest),
            prints one line per class as it finishes and ends with "N passed, N failed, N skipped".
            Exits 1 when a test failed or when no test ran.""";

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        var unknownOption = Arrays.stream(args).filter(arg -> arg.startsWith("-")).findFirst();
        if (unknownOption.isPresent()) {
            System.err.println("RunTests: unknown option " + unknownOption.get() + " (see --help)");
            System.exit(2);
        }
        // Servers under test log every decision and expected failures; tests read those lines,
        // and the console shows only what is severe.
        Logging.configure(java.util.logging.Level.SEVERE);
        Path compiledTests = Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String[] patterns = args.length == 0
                ? new String[] {".*Test"}
                : Arrays.stream(args).map(name -> ".*\\b" + name).toArray(String[]::new);
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(compiledTests)))
                .filters(includeClassNamePatterns(patterns))
                .build();

        var tally = new Tally(System.out);
        LauncherFactory.create().execute(request, tally);

        System.out.println();
        if (tally.passed.get() + tally.failed.get() + tally.skipped.get() == 0) {
            System.out.println("No test ran" + (args.length > 0 ? " (no test class matches " + String.join(", ", args) + ")" : ""));
        }
        System.out.println(tally.passed + " passed, " + tally.failed + " failed, " + tally.skipped + " skipped");
        System.exit(tally.failed.get() > 0 || tally.passed.get() == 0 ? 1 : 0);
    }

    /** Counts results, prints one line per failure with its cause, and one line per finished class. */
    static final class Tally implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        private final PrintStream out;
        /** Each running class's counts at its start: passed, failed, skipped, and the start time. */
        private final java.util.Map<String, long[]> classStarts = new java.util.concurrent.ConcurrentHashMap<>();

        Tally(PrintStream out) {
            this.out = out;
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            if (isTestClass(test)) {
                classStarts.put(test.getUniqueId(), new long[] {passed.get(), failed.get(), skipped.get(), System.nanoTime()});
            }
        }

        /** "StoreTest  12 passed, 0 failed, 0 skipped  (1.4 s)" once a top-level class is done. */
        private void classFinished(TestIdentifier test) {
            long[] start = classStarts.remove(test.getUniqueId());
            if (start == null) return;
            out.printf("%-28s %d passed, %d failed, %d skipped  (%.1f s)%n", test.getDisplayName(),
                    passed.get() - start[0], failed.get() - start[1], skipped.get() - start[2],
                    (System.nanoTime() - start[3]) / 1e9);
        }

        private static boolean isTestClass(TestIdentifier test) {
            return test.getSource().filter(source -> source instanceof org.junit.platform.engine.support.descriptor.ClassSource).isPresent()
                    && test.getParentIdObject().map(parent -> parent.getSegments().size() == 1).orElse(false);
        }

        /** Each reason for skipping is said once, e.g. one line for every test that needs PostgreSQL. */
        private final java.util.Set<String> reasonsSaid = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                skipped.incrementAndGet();
                if (reasonsSaid.add(reason)) out.println("SKIPPED " + name(test) + " (and any others for this reason): " + reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (test.isTest()) passed.incrementAndGet();
                }
                case ABORTED -> {
                    if (test.isTest()) {
                        skipped.incrementAndGet();
                        String reason = result.getThrowable().map(Throwable::getMessage).orElse("");
                        if (reasonsSaid.add(reason)) out.println("SKIPPED " + name(test) + " (and any others for this reason): " + reason);
                    }
                }
                case FAILED -> {
                    // A failing container (a @BeforeAll, say) counts as one failure.
                    failed.incrementAndGet();
                    out.println("FAILED  " + name(test));
                    result.getThrowable().ifPresent(cause -> printCause(cause));
                }
            }
            if (isTestClass(test)) classFinished(test);
        }

        /** "HeaderCodecTest > rejectsEmptyUsername()", from the test's unique id minus its engine. */
        private static String name(TestIdentifier test) {
            return test.getUniqueIdObject().getSegments().stream()
                    .skip(1)
                    .map(UniqueId.Segment::getValue)
                    .collect(Collectors.joining(" > "));
        }

        /** The cause and its frames in our own code; framework frames say nothing here. */
        private void printCause(Throwable cause) {
            out.println("        " + cause);
            Arrays.stream(cause.getStackTrace())
                    .filter(frame -> !frame.getClassName().matches("(org\\.junit|org\\.opentest4j|java|jdk|sun)\\..*"))
                    .limit(8)
                    .forEach(frame -> out.println("          at " + frame));
            if (cause.getCause() != null) {
                out.print("        caused by: ");
                printCause(cause.getCause());
            }
        }
    }
}
