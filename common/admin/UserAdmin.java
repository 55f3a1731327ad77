import java.util.List;
import java.util.Optional;

/**
 * What the admin CLI does to the store (contract section 6), with its rules and
 * messages. Every operation is one statement on the shared store, so it is safe
 * while the server runs and takes effect on the server's next request.
 */
public final class UserAdmin {

    public static final int MIN_PASSWORD_CHARS = 8;

    /** An operation was refused; the message is the one line to show. invalidInput tells a usage error from a state one. */
    public static final class Refused extends Exception {
        public final boolean invalidInput;

        Refused(String message, boolean invalidInput) {
            super(message);
            this.invalidInput = invalidInput;
        }

        /** The exit status of the refused command: 2 for bad input or usage, 1 for anything else. */
        public int exitCode() {
            return invalidInput ? Cli.USAGE : Cli.FAILURE;
        }
    }

    private final Store store;
    private final PasswordHasher hasher;
    private final FailureBudgets budgets;

    public UserAdmin(Store store, PasswordHasher hasher, FailureBudgets budgets) {
        this.store = store;
        this.hasher = hasher;
        this.budgets = budgets;
    }

    /** Creates the user; returns the canonical (lower-case) name. */
    public String add(String username, String password) throws Refused {
        String name = validUsername(username);
        String hash = hasher.hash(validNewPassword(password));
        if (!store.addUser(name, hash)) throw new Refused("user " + name + " already exists", false);
        return name;
    }

    /** Refuses unless the user exists, so that a prompt is not answered in vain. */
    public void requireUser(String username) throws Refused {
        existing(validUsername(username));
    }

    /** Sets a new password; the binding stays. */
    public String passwd(String username, String password) throws Refused {
        String name = validUsername(username);
        existing(name);
        if (!store.setPassword(name, hasher.hash(validNewPassword(password)))) throw noSuchUser(name);
        return name;
    }

    /** Releases the user's machine; returns the machine it was bound to, or empty when it was not bound. */
    public Optional<String> unbind(String username) throws Refused {
        String name = validUsername(username);
        Store.User user = existing(name);
        if (!user.isBound()) return Optional.empty();
        return store.unbind(name) ? Optional.of(user.machineId()) : Optional.empty();
    }

    /** Removes the user and with it the binding. */
    public String delete(String username) throws Refused {
        String name = validUsername(username);
        if (!store.deleteUser(name)) throw noSuchUser(name);
        return name;
    }

    /** Clears the user's failure counters; returns how many there were. */
    public long unlock(String username) throws Refused {
        String name = validUsername(username);
        existing(name);
        return budgets.unlock(name);
    }

    // What each command prints on success, one line each (contract section 6).

    public String addCommand(String username, String password) throws Refused {
        return "added user " + add(username, password) + "\n";
    }

    public String passwdCommand(String username, String password) throws Refused {
        return "changed the password of " + passwd(username, password) + "; its binding stays\n";
    }

    public String unbindCommand(String username) throws Refused {
        String name = validUsername(username);
        return unbind(username)
                .map(machine -> "unbound " + name + " from machine " + Credentials.shortMachineId(machine) + "\n")
                .orElse(name + " was not bound to a machine; nothing to do\n");
    }

    public String deleteCommand(String username) throws Refused {
        return "deleted user " + delete(username) + " and its binding\n";
    }

    public String unlockCommand(String username) throws Refused {
        String name = validUsername(username);
        return unlock(username) > 0
                ? "unlocked " + name + ": its failure counters are cleared\n"
                : name + " had no failures on record; nothing to do\n";
    }

    /**
     * Clears a client address's failure counter, e.g. for an office behind one NAT address that
     * typed its way into a wait. An IPv6 address clears its /64, as it is counted.
     */
    public String unlockAddressCommand(String address) throws Refused {
        var parsed = Addresses.parse(address.strip())
                .orElseThrow(() -> new Refused("invalid address: not an IPv4 or IPv6 address literal: " + address, true));
        String key = Addresses.budgetKey(parsed);
        return budgets.unlockAddress(key) > 0
                ? "unlocked address " + key + ": its failure counter is cleared\n"
                : "address " + key + " had no failures on record; nothing to do\n";
    }

    public String listCommand(boolean json) {
        return json ? UserListing.json(list()) : UserListing.table(list());
    }

    public List<Store.User> list() {
        return store.listUsers();
    }

    /** The username's canonical form, if it follows the header's rules. */
    public static String validUsername(String username) throws Refused {
        var problem = Credentials.usernameProblem(username);
        if (problem.isPresent()) throw new Refused("invalid username: " + problem.get(), true);
        return Credentials.canonicalUsername(username);
    }

    /** The password in NFC, if it follows the header's rules and is long enough for a new password. */
    public static String validNewPassword(String password) throws Refused {
        var problem = Credentials.passwordProblem(password);
        if (problem.isPresent()) throw new Refused("invalid password: " + problem.get(), true);
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD_CHARS) {
            throw new Refused("password is too short: new passwords need at least " + MIN_PASSWORD_CHARS + " characters", true);
        }
        return Credentials.canonicalPassword(password);
    }

    private Store.User existing(String name) throws Refused {
        return store.findUser(name).orElseThrow(() -> noSuchUser(name));
    }

    private static Refused noSuchUser(String name) {
        return new Refused("no user named " + name, false);
    }
}
