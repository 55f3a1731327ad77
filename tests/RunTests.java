///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
// The JUnit BOM must come first: the Helidon BOM (pulled in through server code)
// would otherwise drag Jupiter down to 5.x and the launcher would find 0 tests.
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS org.junit.jupiter:junit-jupiter
//DEPS org.junit.platform:junit-platform-launcher
//SOURCES ../common/*.java
//SOURCES support/*.java
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

    public static void main(String[] args) throws Exception {
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

    /** Counts results and prints one line per failure, with its cause. */
    static final class Tally implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        private final PrintStream out;

        Tally(PrintStream out) {
            this.out = out;
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                skipped.incrementAndGet();
                out.println("SKIPPED " + test.getDisplayName() + ": " + reason);
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
                        out.println("ABORTED " + name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse(""));
                    }
                }
                case FAILED -> {
                    // A failing container (a @BeforeAll, say) counts as one failure.
                    failed.incrementAndGet();
                    out.println("FAILED  " + name(test));
                    result.getThrowable().ifPresent(cause -> printCause(cause));
                }
            }
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
