package io.memorystreamer.client.cli;

import io.memorystreamer.client.ClientConfig;
import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.Consumer;
import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.ConsumerRecord;
import io.memorystreamer.client.MemoryStreamerClient;
import io.memorystreamer.client.Producer;
import io.memorystreamer.client.ProducerConfig;
import io.memorystreamer.client.RecordAck;
import io.memorystreamer.client.TopicDescription;
import io.memorystreamer.client.TopicOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The command-line client of MemoryStreamer, run by {@code bin/memorystreamer topic|produce|consume|bench}
 * (or {@code java -cp 'lib/client/*' io.memorystreamer.client.cli.Main}):
 *
 * <pre>
 * topic create &lt;name&gt; [--shards n] [--durability none|batch|sync] [--retention-age 7d]
 *                        [--retention-bytes 1GB] [--max-message-size 1MB]
 * topic list | topic describe &lt;name&gt; | topic delete &lt;name&gt;
 * produce &lt;topic&gt; [--key k] [--verbose]                 lines from stdin, one message each
 * consume &lt;topic&gt; [--stream key|pattern] [--from earliest|latest|offset|time] [--group g]
 *                 [--count n] [--timeout 30s] [--format text|keyed|json]
 * bench latency [--rate 10000] [--seconds 10] [--size 100] [--durability none|batch]
 * bench throughput [--producers 1] [--seconds 10] [--size 100] [--durability none|batch]
 * </pre>
 *
 * Global options: {@code --broker host:port}, {@code --token-file file}, {@code --tls},
 * {@code --trust-store file}, {@code --trust-store-password pw}. Exit codes: 0 done, 1 failed
 * (a one-line message on stderr with the error's name and code), 2 bad command line.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final Set<String> FLAGS = Set.of("help", "tls", "verbose");
    static final Set<String> GLOBAL = Set.of("help", "broker", "token-file", "tls", "trust-store", "trust-store-password");

    static final String GLOBAL_HELP = "Connection options (every command):\n"
            + "  --broker host:port          the broker (default: 127.0.0.1 and the port in $MS_HOME/data/transport.port\n"
            + "                              when MS_HOME names a running installation, else 127.0.0.1:9510)\n"
            + "  --token-file file           the authentication token (first line of the file)\n"
            + "  --tls                       connect with TLS (trusting the JDK's certificate authorities)\n"
            + "  --trust-store file          a PKCS12 or JKS trust store for TLS (implies --tls)\n"
            + "  --trust-store-password pw   its password\n";

    static final String MAIN_HELP = "Usage: memorystreamer <command> [options]   (client commands; --help on each)\n\n"
            + "  topic create <name> [--shards n] [--durability none|batch|sync] [--retention-age 7d]\n"
            + "                      [--retention-bytes 1GB] [--max-message-size 1MB]\n"
            + "  topic list\n"
            + "  topic describe <name>\n"
            + "  topic delete <name>\n"
            + "  produce <topic> [--key k] [--verbose]\n"
            + "  consume <topic> [--stream key|pattern] [--from earliest|latest|<offset>|<time>] [--group g]\n"
            + "                  [--count n] [--timeout d] [--format text|keyed|json]\n"
            + "  bench latency [--rate 10000] [--seconds 10] [--size 100] [--durability none|batch]\n"
            + "  bench throughput [--producers 1] [--seconds 10] [--size 100] [--durability none|batch]\n\n"
            + GLOBAL_HELP;

    static final String TOPIC_HELP = "Usage:\n"
            + "  memorystreamer topic create <name> [options]   create a topic\n"
            + "      --shards n                    shards (default 1)\n"
            + "      --durability none|batch|sync  when a publish is acknowledged (default batch)\n"
            + "      --retention-age d             drop data older than this (7d, 12h, 0 = keep; default 0)\n"
            + "      --retention-bytes size        keep at most this much per shard (1GB, 0 = unlimited; default 0)\n"
            + "      --max-message-size size       the largest message (1MB; default: the broker's)\n"
            + "  memorystreamer topic list                      every topic, one line each\n"
            + "  memorystreamer topic describe <name>           a topic's settings and size\n"
            + "  memorystreamer topic delete <name>             delete a topic and its data\n\n"
            + GLOBAL_HELP;

    static final String PRODUCE_HELP = "Usage: memorystreamer produce <topic> [--key k] [--verbose]\n\n"
            + "Publishes each line of stdin as one message (UTF-8, without its line end) and waits until\n"
            + "every one is acknowledged (as the topic's durability says).\n"
            + "  --key k      the stream key of every message (default: 'default')\n"
            + "  --verbose    print 'acked <key> offset <n>' for each acknowledgement, in input order\n"
            + "Exit code 1 when any message failed (each failure on stderr).\n\n"
            + GLOBAL_HELP;

    static final String CONSUME_HELP = "Usage: memorystreamer consume <topic> [options]\n\n"
            + "Prints the topic's messages on stdout, one line each, until --count or Ctrl-C.\n"
            + "  --stream key|pattern   one stream, or the streams matching a pattern ('orders/*'); default: all\n"
            + "  --from p               earliest, latest (default), an offset (with --stream) or a time:\n"
            + "                         2024-05-01T12:00:00Z, or @<epoch millis>\n"
            + "  --group g              consume as a member of consumer group g (resumes at its commits)\n"
            + "  --count n              exit after n messages\n"
            + "  --timeout d            give up (exit 1) when --count is not reached in d (30s, 5m)\n"
            + "  --format f             text (the payload; default), keyed (key@offset, tab, payload), json\n\n"
            + GLOBAL_HELP;

    static final String BENCH_HELP = "Usage:\n"
            + "  memorystreamer bench latency [--rate 10000] [--seconds 10] [--size 100] [--durability none|batch]\n"
            + "      [--warmup 1]\n"
            + "      End-to-end latency producer -> broker -> consumer at a fixed rate, on a temporary topic.\n"
            + "      Each message carries its scheduled send time; latency counts from that time, so a\n"
            + "      stalled sender shows up (no coordinated omission). Prints p50/p99/p99.9/max in us;\n"
            + "      the first --warmup seconds are sent but not counted.\n"
            + "  memorystreamer bench throughput [--producers 1] [--seconds 10] [--size 100] [--durability none|batch]\n"
            + "      Producers (one connection each) publish as fast as the broker acknowledges, on a\n"
            + "      temporary topic; prints messages/s and MB/s acknowledged.\n\n"
            + GLOBAL_HELP;

    private Main() {
    }

    /**
     * Runs one command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err, System.getenv());
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs one command.
     *
     * @param argv the command line
     * @param in standard input
     * @param out standard output
     * @param err standard error
     * @param env the environment ({@code MS_HOME})
     * @return the exit code
     */
    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        String command = argv.length == 0 ? "" : argv[0];
        try {
            Args args = Args.parse(argv, FLAGS);
            List<String> words = args.positional();
            command = words.isEmpty() ? "" : words.get(0);
            switch (command) {
                case "topic":
                    return topic(args, out, err, env);
                case "produce":
                    return produce(args, in, out, err, env);
                case "consume":
                    return consume(args, out, err, env);
                case "bench":
                    return bench(args, out, err, env);
                case "help":
                case "":
                    if (args.has("help") || command.equals("help")) {
                        out.print(MAIN_HELP);
                        return OK;
                    }
                    err.print(MAIN_HELP);
                    return USAGE;
                default:
                    throw new Args.UsageException("unknown command '" + command + "'");
            }
        } catch (Args.UsageException e) {
            err.println("memorystreamer: " + e.getMessage() + " (see 'memorystreamer " + (command.isEmpty() ? "" : command + " ") + "--help')");
            return USAGE;
        } catch (ClientException e) {
            err.println("memorystreamer: " + e.getMessage());
            return FAILED;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("memorystreamer: " + e.getMessage());
            return FAILED;
        }
    }

    // ---------------------------------------------------------------------------------- topic

    private static int topic(Args args, PrintStream out, PrintStream err, Map<String, String> env) {
        List<String> words = args.positional();
        String sub = words.size() < 2 ? "" : words.get(1);
        if (args.has("help") || sub.isEmpty() || sub.equals("help")) {
            (sub.isEmpty() && !args.has("help") ? err : out).print(TOPIC_HELP);
            return sub.isEmpty() && !args.has("help") ? USAGE : OK;
        }
        switch (sub) {
            case "create": {
                args.allowOnly(union(GLOBAL, "shards", "durability", "retention-age", "retention-bytes", "max-message-size"));
                String name = words(words, 3, "topic create <name> [options]");
                TopicOptions options = topicOptions(args);
                try (MemoryStreamerClient client = connect(args, env)) {
                    TopicDescription created = client.admin().createTopic(name, options);
                    out.println("Created topic " + created.name());
                    out.print(Format.describe(created));
                }
                return OK;
            }
            case "list": {
                args.allowOnly(GLOBAL);
                words(words, 2, "topic list");
                try (MemoryStreamerClient client = connect(args, env)) {
                    out.print(Format.topicTable(client.admin().listTopics()));
                }
                return OK;
            }
            case "describe": {
                args.allowOnly(GLOBAL);
                String name = words(words, 3, "topic describe <name>");
                try (MemoryStreamerClient client = connect(args, env)) {
                    out.print(Format.describe(client.admin().describeTopic(name)));
                }
                return OK;
            }
            case "delete": {
                args.allowOnly(GLOBAL);
                String name = words(words, 3, "topic delete <name>");
                try (MemoryStreamerClient client = connect(args, env)) {
                    if (!client.admin().deleteTopic(name)) {
                        err.println("memorystreamer: no topic named '" + name + "'");
                        return FAILED;
                    }
                    out.println("Deleted topic " + name);
                }
                return OK;
            }
            default:
                throw new Args.UsageException("unknown topic command '" + sub + "' (create, list, describe, delete)");
        }
    }

    static TopicOptions topicOptions(Args args) {
        TopicOptions.Builder b = TopicOptions.builder();
        if (args.has("shards")) {
            long shards = Units.positive(args.get("shards", ""), "--shards");
            if (shards > 0xFFFF) {
                throw new Args.UsageException("--shards: at most 65535, not " + shards);
            }
            b.shards((int) shards);
        }
        if (args.has("durability")) {
            b.durability(Units.durability(args.get("durability", "")));
        }
        if (args.has("retention-age")) {
            b.retention(Units.duration(args.get("retention-age", ""), "--retention-age"));
        }
        if (args.has("retention-bytes")) {
            b.retentionBytesPerShard(Units.size(args.get("retention-bytes", ""), "--retention-bytes"));
        }
        if (args.has("max-message-size")) {
            long bytes = Units.size(args.get("max-message-size", ""), "--max-message-size");
            if (bytes > Integer.MAX_VALUE) {
                throw new Args.UsageException("--max-message-size: at most 2GB-1, not " + args.get("max-message-size", ""));
            }
            b.maxMessageBytes((int) bytes);
        }
        return b.build();
    }

    // -------------------------------------------------------------------------------- produce

    private static int produce(Args args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.has("help")) {
            out.print(PRODUCE_HELP);
            return OK;
        }
        args.allowOnly(union(GLOBAL, "key", "verbose"));
        String topic = words(args.positional(), 2, "produce <topic> [--key k] [--verbose]");
        String key = args.get("key", "default");
        if (key.isEmpty()) {
            throw new Args.UsageException("--key is empty");
        }
        boolean verbose = args.has("verbose");
        int[] failed = {0};
        long sent = 0;
        try (MemoryStreamerClient client = connect(args, env); Producer producer = client.producer(ProducerConfig.defaults())) {
            ArrayDeque<CompletableFuture<RecordAck>> pending = new ArrayDeque<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                sent++;
                try {
                    pending.add(producer.send(topic, key, line.getBytes(StandardCharsets.UTF_8)));
                } catch (ClientException e) {
                    pending.add(CompletableFuture.failedFuture(e));
                }
                while (!pending.isEmpty() && pending.peek().isDone()) {
                    report(pending.poll(), verbose, out, err, failed);
                }
            }
            producer.flush();
            while (!pending.isEmpty()) {
                report(pending.poll(), verbose, out, err, failed);
            }
        } catch (IOException e) {
            err.println("memorystreamer: reading stdin: " + e.getMessage());
            return FAILED;
        }
        if (verbose) {
            err.println((sent - failed[0]) + " acknowledged, " + failed[0] + " failed");
        }
        return failed[0] == 0 ? OK : FAILED;
    }

    private static void report(CompletableFuture<RecordAck> future, boolean verbose, PrintStream out, PrintStream err, int[] failed) {
        try {
            RecordAck ack = future.get();
            if (verbose) {
                out.println("acked " + ack.key() + " offset " + ack.streamOffset() + (ack.duplicate() ? " (duplicate)" : ""));
            }
        } catch (ExecutionException e) {
            failed[0]++;
            err.println("memorystreamer: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted while waiting for acknowledgements", e);
        }
    }

    // -------------------------------------------------------------------------------- consume

    private static int consume(Args args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.has("help")) {
            out.print(CONSUME_HELP);
            return OK;
        }
        args.allowOnly(union(GLOBAL, "stream", "from", "group", "count", "timeout", "format"));
        ConsumerConfig config = consumerConfig(args);
        long count = args.has("count") ? Units.positive(args.get("count", ""), "--count") : Long.MAX_VALUE;
        long deadline = args.has("timeout") ? System.nanoTime() + Units.duration(args.get("timeout", ""), "--timeout").toNanos() : Long.MAX_VALUE;
        Format.RecordFormat format = Format.RecordFormat.parse(args.get("format", "text"));
        long printed = 0;
        try (MemoryStreamerClient client = connect(args, env); Consumer consumer = client.consumer(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(out::flush, "ms-cli-flush"));
            while (printed < count) {
                if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
                    out.flush();
                    err.println("memorystreamer: timed out after " + printed + " of " + count + " messages");
                    return FAILED;
                }
                for (ConsumerRecord record : consumer.poll(Duration.ofMillis(200))) {
                    out.println(Format.record(record, format));
                    if (++printed == count) {
                        break;
                    }
                }
                out.flush();
            }
            if (config.group() != null) {
                consumer.commit();
            }
        }
        return OK;
    }

    static ConsumerConfig consumerConfig(Args args) {
        String topic = words(args.positional(), 2, "consume <topic> [options]");
        String stream = args.get("stream", null);
        String group = args.get("group", null);
        ConsumerConfig.Builder b;
        if (group != null) {
            if (stream != null) {
                throw new Args.UsageException("--group reads the group's share of the whole topic: no --stream with it");
            }
            b = ConsumerConfig.group(group, topic);
        } else if (stream == null) {
            b = ConsumerConfig.topic(topic);
        } else if (stream.contains("*")) {
            b = ConsumerConfig.pattern(topic, stream);
        } else {
            b = ConsumerConfig.stream(topic, stream);
        }
        if (args.has("from")) {
            b.startAt(Units.startPosition(args.get("from", "")));
        }
        if (args.has("count")) {
            long count = Units.positive(args.get("count", ""), "--count");
            b.maxPollRecords((int) Math.min(count, 500));
        }
        return b.build();
    }

    // ---------------------------------------------------------------------------------- bench

    private static int bench(Args args, PrintStream out, PrintStream err, Map<String, String> env) {
        List<String> words = args.positional();
        String sub = words.size() < 2 ? "" : words.get(1);
        if (args.has("help") || sub.isEmpty()) {
            (args.has("help") ? out : err).print(BENCH_HELP);
            return args.has("help") ? OK : USAGE;
        }
        words(words, 2, "bench " + sub + " [options]");
        switch (sub) {
            case "latency": {
                args.allowOnly(union(GLOBAL, "rate", "seconds", "size", "durability", "warmup"));
                Bench.LatencySettings settings = new Bench.LatencySettings(
                        (int) Math.min(Integer.MAX_VALUE, Units.positive(args.get("rate", "10000"), "--rate")),
                        (int) Math.min(3600, Units.positive(args.get("seconds", "10"), "--seconds")),
                        benchSize(args),
                        Units.durability(args.get("durability", "none")),
                        args.get("warmup", "1").equals("0") ? 0 : (int) Math.min(3600, Units.positive(args.get("warmup", "1"), "--warmup")));
                return Bench.latency(() -> connect(args, env), settings, out);
            }
            case "throughput": {
                args.allowOnly(union(GLOBAL, "producers", "seconds", "size", "durability"));
                int producers = (int) Math.min(64, Units.positive(args.get("producers", "1"), "--producers"));
                int seconds = (int) Math.min(3600, Units.positive(args.get("seconds", "10"), "--seconds"));
                return Bench.throughput(() -> connect(args, env), producers, seconds, benchSize(args),
                        Units.durability(args.get("durability", "none")), out);
            }
            default:
                throw new Args.UsageException("unknown bench '" + sub + "' (latency, throughput)");
        }
    }

    private static int benchSize(Args args) {
        long size = Units.size(args.get("size", "100"), "--size");
        if (size < Bench.MIN_SIZE || size > 1 << 20) {
            throw new Args.UsageException("--size: " + Bench.MIN_SIZE + " bytes to 1MB, not " + args.get("size", ""));
        }
        return (int) size;
    }

    // ----------------------------------------------------------------------------- connection

    static MemoryStreamerClient connect(Args args, Map<String, String> env) {
        return MemoryStreamerClient.connect(clientConfig(args, env));
    }

    static ClientConfig clientConfig(Args args, Map<String, String> env) {
        ClientConfig.Builder b = ClientConfig.builder().clientId("memorystreamer-cli");
        String broker = args.get("broker", null);
        if (broker == null) {
            broker = defaultBroker(env);
        }
        HostPort address = hostPort(broker);
        b.bootstrap(address.host(), address.port());
        if (args.has("token-file")) {
            b.authToken(firstLine(Path.of(args.get("token-file", "")), "--token-file"));
        }
        if (args.has("trust-store")) {
            String password = args.get("trust-store-password", null);
            b.tlsTrustStore(Path.of(args.get("trust-store", "")), password == null ? null : password.toCharArray());
        } else if (args.has("trust-store-password")) {
            throw new Args.UsageException("--trust-store-password without --trust-store");
        }
        if (args.has("tls")) {
            b.tls();
        }
        return b.build();
    }

    /** @return 127.0.0.1 with the port of $MS_HOME/data/transport.port when there is one, else 127.0.0.1:9510 */
    static String defaultBroker(Map<String, String> env) {
        String home = env.get("MS_HOME");
        if (home != null && !home.isEmpty()) {
            Path file = Path.of(home, "data", "transport.port");
            try {
                String port = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (port.matches("\\d{1,5}")) {
                    return ClientConfig.DEFAULT_HOST + ":" + port;
                }
            } catch (IOException e) {
                // not running or not readable: the default
            }
        }
        return ClientConfig.DEFAULT_HOST + ":" + ClientConfig.DEFAULT_PORT;
    }

    /** A broker's address. */
    record HostPort(String host, int port) {
    }

    static HostPort hostPort(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new Args.UsageException("--broker: not host:port: '" + text + "'");
            }
            host = t.substring(1, close);
            port = t.length() > close + 1 && t.charAt(close + 1) == ':' ? t.substring(close + 2) : "";
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') != colon) {
                host = t; // a bare IPv6 address
                port = "";
            } else {
                host = colon < 0 ? t : t.substring(0, colon);
                port = colon < 0 ? "" : t.substring(colon + 1);
            }
        }
        if (host.isEmpty()) {
            throw new Args.UsageException("--broker: no host in '" + text + "'");
        }
        if (port.isEmpty()) {
            return new HostPort(host, ClientConfig.DEFAULT_PORT);
        }
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return new HostPort(host, p);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Args.UsageException("--broker: the port is 1 to 65535, not '" + port + "'");
    }

    private static String firstLine(Path file, String what) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String first = lines.isEmpty() ? "" : lines.get(0).trim();
            if (first.isEmpty()) {
                throw new Args.UsageException(what + ": " + file + " is empty");
            }
            return first;
        } catch (NoSuchFileException e) {
            throw new Args.UsageException(what + ": no file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------- words

    /** @return the last word, after checking there are exactly {@code count} words */
    private static String words(List<String> words, int count, String usage) {
        if (words.size() != count) {
            throw new Args.UsageException("usage: memorystreamer " + usage);
        }
        return words.get(count - 1);
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
