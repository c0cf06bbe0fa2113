package io.memorystreamer.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** Runs Gogo commands in the framework under test and keeps their formatted output. Not thread-safe. */
final class Gogo implements AutoCloseable {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final CommandSession session;

    Gogo(CommandProcessor processor) {
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
    }

    /** Runs a command and returns its result object. */
    Object execute(String command) throws Exception {
        return session.execute(command);
    }

    /** Runs a command and returns its result formatted for people, as the shell prints it. */
    String print(String command) throws Exception {
        Object result = session.execute(command);
        return String.valueOf(session.format(result, Converter.INSPECT));
    }

    @Override
    public void close() {
        session.close();
    }
}
