/** Store set-up that the real code path does only after verifying a password. */
public final class StoreFixtures {

    private StoreFixtures() {}

    /** Binds the user to the machine as a successful first check would, with the user's current hash. */
    public static boolean bind(Store store, String username, String machineId) {
        long stamp = store.findUser(username).map(Store.User::passwordStamp).orElse(0L);
        return store.bind(username, machineId, null, stamp, java.time.Instant.now());
    }
}
