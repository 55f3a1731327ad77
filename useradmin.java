///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES common/header/*.java common/cli/*.java common/accounts/*.java common/admin/*.java

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

@Command(name = "useradmin", mixinStandardHelpOptions = true, version = "seek-auth 0.1.0",
        description = {"seek-auth admin CLI: users, passwords and machine bindings, in the store the server uses.",
                "Passwords are never taken from the command line: a no-echo prompt asked twice on a",
                "terminal, else (or with --password-stdin) one line of standard input.",
                "Exit: 0 done, 1 refused (user exists, no such user, store failure), 2 bad input or usage."},
        subcommands = {useradmin.Add.class, useradmin.Passwd.class, useradmin.ListUsers.class,
                useradmin.Unbind.class, useradmin.Delete.class, useradmin.Unlock.class})
class useradmin {

    @Option(names = "--db", paramLabel = "PATH|JDBC-URL", defaultValue = "${env:SEEK_DB:-seek-auth.db}", scope = ScopeType.INHERIT,
            description = {"SQLite file or JDBC URL, e.g. jdbc:postgresql://HOST/DB?user=NAME",
                    "(env SEEK_DB; default seek-auth.db; password in env SEEK_DB_PASSWORD)"})
    String db;

    public static void main(String[] args) {
        Logging.configure(java.util.logging.Level.WARNING);
        System.exit(Cli.execute(new useradmin(), args));
    }

    /**
     * Opens the store, runs the operation, and turns refusals into one line and an exit status.
     * Only `add` may create the store; every other command needs an existing one.
     */
    int run(String command, Operation operation) {
        boolean creates = command.equals("add");
        var created = creates ? Store.fileToCreate(db) : java.util.Optional.<java.nio.file.Path>empty();
        String password = System.getenv("SEEK_DB_PASSWORD");
        try (Store store = creates ? Store.open(db, password) : Store.openExisting(db, password)) {
            created.ifPresent(file -> System.out.println("created a new store at " + file));
            System.out.print(operation.run(new UserAdmin(store, new PasswordHasher(), new FailureBudgets(store))));
            return 0;
        } catch (UserAdmin.Refused e) {
            return refused(command, e);
        } catch (Store.StoreException e) {
            System.err.println("useradmin " + command + ": " + e.getMessage());
            return Cli.FAILURE;  // the store failed: not the user's input
        }
    }

    static int refused(String command, UserAdmin.Refused e) {
        System.err.println("useradmin " + command + ": " + e.getMessage());
        return e.exitCode();
    }

    interface Operation {
        String run(UserAdmin admin) throws UserAdmin.Refused;
    }

    /** The USER parameter and --password-stdin of the commands that set a password. */
    static class UserAndNewPassword {
        @Parameters(paramLabel = "USER", description = "1 to 64 of A-Z a-z 0-9 . _ @ - (case-insensitive)") String user;
        @Option(names = "--password-stdin", description = "read the password as one line of standard input") boolean passwordStdin;

        String readPassword() throws UserAdmin.Refused {
            var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return NewPasswordInput.read(Terminal.system(), passwordStdin, stdin);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user (it binds to a machine on its first login).")
    static class Add implements Callable<Integer> {
        @ParentCommand useradmin parent;
        @Mixin UserAndNewPassword target;

        /** The name and password are checked before the store is opened, so bad input never creates a store. */
        @Override public Integer call() {
            String password;
            try {
                UserAdmin.validUsername(target.user);  // before asking for a password
                password = UserAdmin.validNewPassword(target.readPassword());
            } catch (UserAdmin.Refused e) {
                return refused("add", e);
            }
            return parent.run("add", admin -> admin.addCommand(target.user, password));
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a new password; the user's binding stays.")
    static class Passwd implements Callable<Integer> {
        @ParentCommand useradmin parent;
        @Mixin UserAndNewPassword target;

        @Override public Integer call() {
            return parent.run("passwd", admin -> {
                admin.requireUser(target.user);  // before asking for a password
                return admin.passwdCommand(target.user, target.readPassword());
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, their machines (ID shortened), since when, and the last successful check.")
    static class ListUsers implements Callable<Integer> {
        @ParentCommand useradmin parent;
        @Option(names = "--json", description = "print JSON for scripts") boolean json;

        @Override public Integer call() {
            return parent.run("list", admin -> admin.listCommand(json));
        }
    }

    /** A command on one existing user: the USER parameter and the run, for unbind and delete. */
    abstract static class OnOneUser implements Callable<Integer> {
        @ParentCommand useradmin parent;
        @Parameters(paramLabel = "USER") String user;

        abstract String report(UserAdmin admin, String user) throws UserAdmin.Refused;

        @Override public Integer call() {
            return parent.run(getClass().getAnnotation(Command.class).name(), admin -> report(admin, user));
        }
    }

    @Command(name = "unbind", mixinStandardHelpOptions = true, description = "Release the user's machine, e.g. for a replaced computer; the next login binds anew.")
    static class Unbind extends OnOneUser {
        @Override String report(UserAdmin admin, String user) throws UserAdmin.Refused {
            return admin.unbindCommand(user);
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true,
            description = {"Clear the user's failure counters, e.g. after an attack on the account;",
                    "or, with --address, those of a client address (an IPv6 address clears its /64)."})
    static class Unlock implements Callable<Integer> {
        @ParentCommand useradmin parent;
        @Parameters(paramLabel = "USER", arity = "0..1") String user;
        @Option(names = "--address", paramLabel = "ADDR", description = "the client address to unlock, instead of a user") String address;

        @Override public Integer call() {
            if ((user == null) == (address == null)) {
                System.err.println("useradmin unlock: give a USER or --address ADDR, not both or neither (see --help)");
                return Cli.USAGE;
            }
            return parent.run("unlock", admin -> address != null ? admin.unlockAddressCommand(address) : admin.unlockCommand(user));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove the user and its binding.")
    static class Delete extends OnOneUser {
        @Override String report(UserAdmin admin, String user) throws UserAdmin.Refused {
            return admin.deleteCommand(user);
        }
    }
}
