/** The device key cannot be used here (a file that does not open, a token that refuses); the message is the one line to show. */
public final class UnusableKeyException extends Exception {
    public UnusableKeyException(String message) {
        super(message);
    }
}
