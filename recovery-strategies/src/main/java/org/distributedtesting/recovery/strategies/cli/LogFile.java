package org.distributedtesting.recovery.strategies.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.distributedtesting.recovery.core.config.MessageText;
import picocli.CommandLine.IExecutionStrategy;

/**
 * {@code --log-file FILE}: the daemon's logs go to stderr as always (journald reads them there) and are appended to
 * the file as well. slf4j-simple, configured with {@code logFile=System.err}, looks {@link System#err} up at every
 * write (2.0.x), so this replaces {@code System.err} with a stream that writes to both while the command runs, and
 * puts the old one back afterwards. Whatever else reaches stderr (a stack trace of an uncaught exception, a JVM
 * warning) reaches the file too. The timeline on stdout is not a log and does not.
 *
 * <p>Not thread-safe; one per command line.
 */
final class LogFile implements AutoCloseable {

    /** The option's name. */
    static final String OPTION = "--log-file";

    private final PrintStream previous;
    private final PrintStream tee;
    private final OutputStream file;

    private LogFile(PrintStream previous, PrintStream tee, OutputStream file) {
        this.previous = previous;
        this.tee = tee;
        this.file = file;
    }

    /**
     * Runs {@code command} with its logs also appended to the {@value #OPTION} file when the command line names
     * one; when that file cannot be opened, prints one line to {@code err} and returns {@link RecoveryDaemon#USAGE}
     * without running it.
     */
    static IExecutionStrategy around(IExecutionStrategy command, PrintStream err) {
        return parsed -> {
            Path path = parsed.matchedOptionValue(OPTION, null);
            if (path == null) {
                return command.execute(parsed);
            }
            LogFile logFile;
            try {
                logFile = open(path);
            } catch (IOException e) {
                err.println("recovery: cannot open the log file " + MessageText.escape(path.toString()) + ": "
                        + reason(e) + " (see --help)");
                return RecoveryDaemon.USAGE;
            }
            try (logFile) {
                return command.execute(parsed);
            }
        };
    }

    /**
     * Opens {@code path} to append to (created if missing; its directory must exist), and sends what is written
     * to {@link System#err} there too until {@link #close()}.
     *
     * @throws IOException if the file cannot be opened for appending
     */
    static LogFile open(Path path) throws IOException {
        OutputStream file = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        PrintStream previous = System.err;
        PrintStream tee = new PrintStream(new Tee(previous, file), true, stderrCharset());
        System.setErr(tee);
        return new LogFile(previous, tee, file);
    }

    /** What {@link System#err} encodes with on Java 17: {@code sun.stderr.encoding} if set, else the default. */
    private static Charset stderrCharset() {
        String name = System.getProperty("sun.stderr.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getMessage();
        return MessageText.escape(reason == null ? e.getClass().getSimpleName() : reason);
    }

    /** Puts the old {@link System#err} back and closes the file; says so on stderr if closing fails. */
    @Override
    public void close() {
        System.setErr(previous);
        tee.flush();
        try {
            file.close();
        } catch (IOException e) {
            previous.println("recovery: could not close the log file: " + reason(e));
        }
    }

    /**
     * Writes to stderr first, then to the file, so that a write the file refuses (a full disk; the
     * {@link PrintStream} around this notes the error) has still reached the stderr that journald reads.
     */
    private static final class Tee extends OutputStream {

        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
