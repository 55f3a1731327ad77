import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server does before it listens: the heaviest Java of a decision, decoding headers
 * and checking their device proofs (an ES256 verify each), on headers of its own for a
 * moment, so that the JIT has compiled it when the first requests come. Otherwise a new
 * instance compiles it beside its first logins' hashing, for half a minute or so, and
 * answers fewer of them (docs/BENCHMARKS.md, the fresh rows). Nothing is stored or sent:
 * the proofs are signed by a key made for the purpose, for an origin no request can name.
 */
public final class WarmUp {

    /** --warm-up's default, in milliseconds: long enough for the proof check to reach its compiled speed on our machines. */
    public static final int DEFAULT_MILLIS = 1500;
    /** The longest warm-up: its proofs must stay inside their 60 s window, and a start should not wait for long. */
    public static final int MAX_MILLIS = 10_000;

    private static final String ORIGIN = "https://warm-up.invalid";
    private static final int HEADERS = 16;

    private WarmUp() {}

    /** Checks proofs (and decodes an unsigned header beside each) for about this long; returns how many proofs it checked. */
    public static long run(Duration duration) {
        if (duration.isZero() || duration.isNegative()) return 0;
        var key = DeviceKeys.generate();
        var signed = new ArrayList<String>();
        var unsigned = new ArrayList<String>();
        for (int i = 0; i < HEADERS; i++) {
            String credentials = HeaderCodec.encode("warm-up" + i, "warm-up password " + i, String.format("%064x", i));
            unsigned.add(credentials);
            signed.add(DeviceProof.signedHeader(credentials, ORIGIN, key, Instant.now()));
        }
        long until = System.nanoTime() + duration.toNanos();
        long checked = 0;
        while (System.nanoTime() < until) {
            int i = (int) (checked % HEADERS);
            if (!(HeaderCodec.decode(unsigned.get(i)) instanceof HeaderCodec.Valid)
                    || !(HeaderCodec.decode(signed.get(i)) instanceof HeaderCodec.Signed s)
                    || s.proof().problemAt(System.currentTimeMillis(), List.of(ORIGIN), null).isPresent()) {
                throw new IllegalStateException("a warm-up header of the server's own did not check");
            }
            checked++;
        }
        return checked;
    }
}
