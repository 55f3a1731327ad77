import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server's warm-up: proofs of its own, checked for the time asked, and none when asked for none. */
class WarmUpTest {

    @Test
    void checksItsOwnProofsForTheTimeAskedAndNoneForZero() {
        long began = System.nanoTime();
        long checked = WarmUp.run(Duration.ofMillis(300));
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(checked > 0, "checked " + checked);
        assertTrue(tookMillis >= 300, "ran " + tookMillis + " ms");
        assertEquals(0, WarmUp.run(Duration.ZERO));
    }
}
