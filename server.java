///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES common/header/*.java common/cli/*.java common/accounts/*.java common/server/*.java
// The heap holds Helidon's own and the requests in flight: libargon2 keeps Argon2id's 19 MiB
// per running hash outside it (should only password4j run, the hashing pool is sized to fit,
// see HashingGate). The serial collector keeps the memory beyond the heap small; one
// collector thread suits a service bound by hashing.
//RUNTIME_OPTIONS -Xmx128m -Xms32m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m

/** The server script: its JVM options above, its command line in {@link ServerCommand}. */
class server {

    public static void main(String[] args) {
        Logging.keepHandlersAtExit();
        System.exit(Cli.execute(new ServerCommand(), args));
    }
}
