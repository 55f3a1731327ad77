import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The desktop client's work (contract sections 6 and 8): read the username and password,
 * compute this computer's ID, open (or make) its device key, send one GET /check signed by
 * that key, print the status and body. Exit statuses: 0 on 200, 1 when refused, 2 on bad
 * input, 3 when the server cannot be reached, 4 when this computer has no usable identity
 * or device key.
 */
public final class DesktopClient {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int BAD_INPUT = 2;
    public static final int UNREACHABLE = 3;
    public static final int NO_IDENTITY = 4;

    private static final int USERNAME_ATTEMPTS = 3;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(2);

    private final BufferedReader stdin;
    private final Optional<Terminal> terminal;
    private final PrintStream out;
    private final PrintStream err;
    private final RawMachineIdentity.SystemAccess system;
    private final DeviceKeyStore keys;

    /**
     * system: where the machine identity is read, {@link RawMachineIdentity#THIS_COMPUTER} in the shipped client;
     * keys: where the device key is kept, the sealed file in {@link ConfigFolder#forThisUser()} or a PKCS#11 token
     * in the shipped client (--key-store).
     */
    public DesktopClient(BufferedReader stdin, Optional<Terminal> terminal, PrintStream out, PrintStream err,
                         RawMachineIdentity.SystemAccess system, DeviceKeyStore keys) {
        this.stdin = stdin;
        this.terminal = terminal;
        this.out = out;
        this.err = err;
        this.system = system;
        this.keys = keys;
    }

    /** This computer as the server sees it: its machine ID and its device key. */
    private record Device(String machineId, DeviceKey key) {}

    /** The machine ID, and the device key (made if there is none yet), or the error already said. */
    private Optional<Device> device() {
        try {
            String raw = RawMachineIdentity.read(system);
            DeviceKey key = keys.open(raw, warning -> err.println("client: warning: " + warning));
            return Optional.of(new Device(MachineId.derive(raw), key));
        } catch (RawMachineIdentity.MissingIdentityException | UnusableKeyException e) {
            err.println("client: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Prints the machine ID, then "key SHA256:", the device key's fingerprint, and where the key lives. */
    public int showMachineId() {
        var device = device();
        if (device.isEmpty()) return NO_IDENTITY;
        out.println(device.get().machineId());
        out.println("key SHA256:" + DeviceKeys.fingerprint(device.get().key().point()) + " (" + device.get().key().where() + ")");
        return OK;
    }

    /** Reads the credentials, sends the check to serverUrl, prints the answer. sslContext may be null. */
    public int check(String serverUrl, SSLContext sslContext) {
        URI checkUri;
        try {
            checkUri = checkUri(serverUrl);
        } catch (IllegalArgumentException e) {
            err.println("client: " + e.getMessage());
            return BAD_INPUT;
        }

        String username;
        String password;
        try {
            username = readUsername();
            if (username == null) return badInput("no username given" + (terminal.isPresent() ? "" : " (first line of standard input)"));
            var usernameProblem = Credentials.usernameProblem(username);
            if (usernameProblem.isPresent()) return badInput(usernameProblem.get());
            password = readPassword();
        } catch (IOException e) {
            err.println("client: cannot read standard input: " + e.getMessage());
            return BAD_INPUT;
        } catch (Terminal.UndecodableInputException e) {
            return badInput(e.getMessage());
        }
        if (password == null) return badInput("no password given" + (terminal.isPresent() ? "" : " (second line of standard input)"));
        var problem = Credentials.passwordProblem(password);
        if (problem.isPresent()) return badInput(problem.get());

        var device = device();
        if (device.isEmpty()) return NO_IDENTITY;
        String credentials = HeaderCodec.encode(username, password, device.get().machineId());

        if ("http".equals(checkUri.getScheme()) && !isLoopback(checkUri.getHost())) {
            err.println("client: warning: the password goes to " + checkUri.getHost() + " unencrypted over http://; use https://");
        }
        DeviceKey key = device.get().key();
        try {
            Answer answer = send(checkUri, signedHeader(checkUri, credentials, key), sslContext);
            Optional<Duration> shortWait = shortRetryAfter(answer);
            if (shortWait.isPresent()) {
                Thread.sleep(shortWait.get());
                // A fresh proof: each one is good for one use, and the 429 used this one up.
                answer = send(checkUri, signedHeader(checkUri, credentials, key), sslContext);
            }
            out.println("HTTP " + answer.status());
            out.println(printable(answer.body()));
            return answer.status() == 200 ? OK : REFUSED;
        } catch (IOException e) {
            err.println("client: cannot reach " + checkUri + ": " + describe(e));
            return UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("client: interrupted");
            return UNREACHABLE;
        } catch (IllegalStateException keyCannotSign) {
            err.println("client: " + keyCannotSign.getMessage());
            return NO_IDENTITY;
        }
    }

    /** What the server answered: the status, the body as sent, and its Retry-After (null when none). */
    record Answer(int status, String body, String retryAfter) {}

    /** The version-2 header: the credentials, signed now by the device key for the server's origin. */
    private static String signedHeader(URI checkUri, String credentials, DeviceKey key) {
        return DeviceProof.signedHeader(credentials, Origin.of(checkUri), key, java.time.Instant.now());
    }

    /**
     * One GET /check. The JDK's HttpURLConnection: for one request it does what HttpClient does,
     * and loads a tenth of its classes (no TLS machinery at all for http://), which a person
     * waiting on a login feels. Connect and answer are timed out separately, to say which.
     */
    private static Answer send(URI checkUri, String header, SSLContext sslContext) throws IOException {
        var connection = (HttpURLConnection) checkUri.toURL().openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestProperty(HeaderCodec.HEADER_NAME, header);
        if (sslContext != null && connection instanceof HttpsURLConnection https) https.setSSLSocketFactory(sslContext.getSocketFactory());
        try {
            connection.connect();
        } catch (SocketTimeoutException e) {
            throw new ConnectTimeout(e);
        }
        int status = connection.getResponseCode();
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            return new Answer(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8),
                    connection.getHeaderField("Retry-After"));
        } finally {
            connection.disconnect();  // one request: no keep-alive thread to wait for at exit
        }
    }

    /** The connection itself was not made in time (a read that times out is a SocketTimeoutException of its own). */
    private static final class ConnectTimeout extends IOException {
        ConnectTimeout(SocketTimeoutException cause) {
            super(cause);
        }
    }

    /**
     * A 429 that asks for a wait of at most {@link #MAX_RETRY_WAIT}: attempts in flight on the
     * same address or account, a moment's limit that the client waits out once (contract section 6).
     */
    static Optional<Duration> shortRetryAfter(Answer answer) {
        if (answer.status() != 429 || answer.retryAfter() == null) return Optional.empty();
        try {
            long seconds = Long.parseLong(answer.retryAfter().strip());
            return seconds >= 0 && seconds <= MAX_RETRY_WAIT.toSeconds() ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            return Optional.empty();
        }
    }

    /** Loopback by name or literal address; never asks DNS. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * The body with control characters other than newline and tab shown as \\u escapes,
     * so that a hostile server cannot move the cursor, retitle or recolour the terminal.
     */
    static String printable(String body) {
        var sb = new StringBuilder(body.length());
        body.codePoints().forEach(c -> {
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
            if (control) sb.append(String.format("\\u%04x", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }

    static URI checkUri(String serverUrl) {
        URI base;
        try {
            base = URI.create(serverUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server is not a URL: " + serverUrl);
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new IllegalArgumentException("--server must be an http:// or https:// URL with a host, not " + serverUrl);
        }
        String path = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
        // The base URL is what users are told to give, but the endpoint's own URL works too.
        if (!path.endsWith("/check")) path += "/check";
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("--server takes the server's base URL, e.g. http://host:8080, without ?query or #fragment");
        }
        return base.resolve(path);
    }

    /**
     * On a terminal, a username that breaks the rules is refused at once and asked again
     * (a few times); Ctrl-D ends the client. Piped input gets one chance.
     */
    private String readUsername() throws IOException {
        if (terminal.isEmpty()) return line();
        for (int attempt = 1; ; attempt++) {
            String typed = terminal.get().readLine("Username: ");
            if (typed == null) return null;
            var problem = Credentials.usernameProblem(typed);
            if (problem.isEmpty() || attempt == USERNAME_ATTEMPTS) return typed;
            terminal.get().tell(problem.get() + "; try again, or Ctrl-D to quit");
        }
    }

    private String readPassword() throws IOException {
        if (terminal.isPresent()) {
            char[] typed = terminal.get().readPassword("Password: ");
            return typed == null ? null : new String(typed);
        }
        return line();
    }

    /** One line of piped input, without its line ending; null at the end of input. */
    private String line() throws IOException {
        String line = stdin.readLine();
        return line == null ? null : Terminal.withoutCarriageReturn(line);
    }

    private int badInput(String message) {
        err.println("client: " + message);
        return BAD_INPUT;
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectTimeout) return "connection timed out after " + CONNECT_TIMEOUT.toSeconds() + " s";
        if (e instanceof SocketTimeoutException) return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        // An unknown host surfaces as a ConnectException caused by UnresolvedAddressException:
        // look through the whole chain for it before calling anything "refused".
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) return "unknown host";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) return "TLS failed (" + t.getMessage() + ")";
            if (t instanceof ConnectException) return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
