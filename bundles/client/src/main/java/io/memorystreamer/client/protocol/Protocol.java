package io.memorystreamer.client.protocol;

/**
 * The constants of the wire protocol: the frame layout, versions, limits, flags and type codes.
 * {@code docs/protocol.md} is the normative text; this class and it must agree.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |          length (u32): bytes after this field, 20 .. max      |  0
 * +-------------------------------+---------------+---------------+
 * |        magic 0x4D53 "MS"      | version (u8)  |  type (u8)    |  4
 * +-------------------------------+---------------+---------------+
 * |  flags (u16), bit 0: response |        reserved (u16) = 0     |  8
 * +-------------------------------+-------------------------------+
 * |                    correlation id (u64)                       | 12
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                    body (length - 20 bytes) ...               | 20
 * +---------------------------------------------------------------+
 * |        CRC32C (u32) of bytes 4 .. end of body                 |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>All integers are big-endian. Stateless; any thread.
 */
public final class Protocol {
    /** "MS": the first two bytes after the length of every frame. */
    public static final int MAGIC = 0x4D53;
    /** Protocol version 1, the only one so far. */
    public static final int VERSION_1 = 1;
    /** The lowest version this code speaks. */
    public static final int MIN_VERSION = VERSION_1;
    /** The highest version this code speaks. */
    public static final int MAX_VERSION = VERSION_1;

    /** Where the length field starts. */
    public static final int LENGTH_OFFSET = 0;
    /** Size of the length field. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Where the magic starts. */
    public static final int MAGIC_OFFSET = 4;
    /** Where the version byte is. */
    public static final int VERSION_OFFSET = 6;
    /** Where the type byte is. */
    public static final int TYPE_OFFSET = 7;
    /** Where the flags start. */
    public static final int FLAGS_OFFSET = 8;
    /** Where the reserved field starts. */
    public static final int RESERVED_OFFSET = 10;
    /** Where the correlation id starts. */
    public static final int CORRELATION_OFFSET = 12;
    /** Where the body starts; also the header's length, length field included. */
    public static final int BODY_OFFSET = 20;
    /** Size of the header, length field included (the body starts here). */
    public static final int HEADER_BYTES = BODY_OFFSET;
    /** Size of the CRC32C trailer. */
    public static final int CRC_BYTES = 4;
    /** The smallest value of the length field: the 16 header bytes after it and the CRC (an empty body). */
    public static final int MIN_FRAME_LENGTH = HEADER_BYTES - LENGTH_FIELD_BYTES + CRC_BYTES;
    /** The bytes a frame adds around its body: header and CRC. */
    public static final int FRAME_OVERHEAD = HEADER_BYTES + CRC_BYTES;

    /** The default limit on the length field (16 MiB): the server's {@code max.frame.bytes}. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /**
     * The smallest limit a server may advertise (1 MiB). Before HELLO_OK tells it the server's
     * limit, a client keeps its frames (HELLO) within this.
     */
    public static final int MIN_MAX_FRAME_BYTES = 1024 * 1024;
    /** The largest limit a peer may set or advertise (1 GiB). */
    public static final int MAX_MAX_FRAME_BYTES = 1024 * 1024 * 1024;

    /** Flag bit 0: set on every server-to-client frame, clear on every client-to-server frame. */
    public static final int FLAG_RESPONSE = 0x0001;
    /** Every flag bit version 1 defines; a frame with any other bit set is malformed. */
    public static final int KNOWN_FLAGS = FLAG_RESPONSE;

    /** Client to server: opens the session (versions, client id, token). */
    public static final int HELLO = 0x01;
    /** Client to server: asks for the broker's limits and versions (empty body). */
    public static final int METADATA = 0x02;
    /** Client to server: creates a topic. */
    public static final int CREATE_TOPIC = 0x03;
    /** Client to server: describes one topic. */
    public static final int DESCRIBE_TOPIC = 0x04;
    /** Client to server: lists every topic (empty body). */
    public static final int LIST_TOPICS = 0x05;
    /** Client to server: deletes a topic. */
    public static final int DELETE_TOPIC = 0x06;
    /** Client to server: asks for a new idempotent producer id (empty body). */
    public static final int INIT_PRODUCER = 0x07;
    /** Client to server: publishes messages to one topic. */
    public static final int PRODUCE = 0x10;
    /** Client to server: subscribes to a stream, a topic or a pattern. */
    public static final int SUBSCRIBE = 0x20;
    /** Client to server: grants a subscription more messages; answered only when it fails. */
    public static final int CREDIT = 0x21;
    /** Client to server: ends a subscription. */
    public static final int UNSUBSCRIBE = 0x22;
    /** Client to server: joins a consumer group. */
    public static final int JOIN_GROUP = 0x30;
    /** Client to server: proves a group member alive. */
    public static final int HEARTBEAT = 0x31;
    /** Client to server: commits what was delivered to a group member. */
    public static final int COMMIT = 0x32;
    /** Client to server: leaves a consumer group. */
    public static final int LEAVE_GROUP = 0x33;

    /** Server push: messages for a subscription, within its credit. */
    public static final int MESSAGES = 0x40;
    /** Server push: a group member's lanes changed. */
    public static final int ASSIGNMENT = 0x41;
    /** Server push: the broker ended a subscription (its topic was deleted, the member was removed...). */
    public static final int SUBSCRIPTION_ENDED = 0x42;
    /** Server to client: a request failed, or (correlation 0) the connection is about to close. */
    public static final int ERROR = 0x7F;
    /** Server to client: answers HELLO. */
    public static final int HELLO_OK = 0x81;
    /** Server to client: answers METADATA. */
    public static final int METADATA_OK = 0x82;
    /** Server to client: answers CREATE_TOPIC, DESCRIBE_TOPIC (one topic) and LIST_TOPICS. */
    public static final int TOPICS = 0x83;
    /** Server to client: answers DELETE_TOPIC. */
    public static final int DELETED = 0x86;
    /** Server to client: answers INIT_PRODUCER. */
    public static final int PRODUCER = 0x87;
    /** Server to client: answers PRODUCE once its messages are durable. */
    public static final int PRODUCE_ACK = 0x90;
    /** Server to client: answers SUBSCRIBE. */
    public static final int SUBSCRIBED = 0xA0;
    /** Server to client: answers UNSUBSCRIBE; no MESSAGES for it follow. */
    public static final int UNSUBSCRIBED = 0xA2;
    /** Server to client: answers JOIN_GROUP. */
    public static final int JOINED = 0xB0;
    /** Server to client: answers HEARTBEAT, COMMIT and LEAVE_GROUP (empty body). */
    public static final int OK = 0xB1;

    /** Which way a frame type travels. */
    public enum Direction {
        /** Requests, sent by clients; the response flag is clear. */
        CLIENT_TO_SERVER,
        /** Responses and pushes, sent by servers; the response flag is set. */
        SERVER_TO_CLIENT
    }

    private static final String[] NAMES = new String[256];
    private static final Direction[] DIRECTIONS = new Direction[256];

    static {
        request(HELLO, "HELLO");
        request(METADATA, "METADATA");
        request(CREATE_TOPIC, "CREATE_TOPIC");
        request(DESCRIBE_TOPIC, "DESCRIBE_TOPIC");
        request(LIST_TOPICS, "LIST_TOPICS");
        request(DELETE_TOPIC, "DELETE_TOPIC");
        request(INIT_PRODUCER, "INIT_PRODUCER");
        request(PRODUCE, "PRODUCE");
        request(SUBSCRIBE, "SUBSCRIBE");
        request(CREDIT, "CREDIT");
        request(UNSUBSCRIBE, "UNSUBSCRIBE");
        request(JOIN_GROUP, "JOIN_GROUP");
        request(HEARTBEAT, "HEARTBEAT");
        request(COMMIT, "COMMIT");
        request(LEAVE_GROUP, "LEAVE_GROUP");
        response(MESSAGES, "MESSAGES");
        response(ASSIGNMENT, "ASSIGNMENT");
        response(SUBSCRIPTION_ENDED, "SUBSCRIPTION_ENDED");
        response(ERROR, "ERROR");
        response(HELLO_OK, "HELLO_OK");
        response(METADATA_OK, "METADATA_OK");
        response(TOPICS, "TOPICS");
        response(DELETED, "DELETED");
        response(PRODUCER, "PRODUCER");
        response(PRODUCE_ACK, "PRODUCE_ACK");
        response(SUBSCRIBED, "SUBSCRIBED");
        response(UNSUBSCRIBED, "UNSUBSCRIBED");
        response(JOINED, "JOINED");
        response(OK, "OK");
    }

    private Protocol() {
    }

    private static void request(int type, String name) {
        NAMES[type] = name;
        DIRECTIONS[type] = Direction.CLIENT_TO_SERVER;
    }

    private static void response(int type, String name) {
        NAMES[type] = name;
        DIRECTIONS[type] = Direction.SERVER_TO_CLIENT;
    }

    /**
     * @param type a type code
     * @return whether version 1 defines it
     */
    public static boolean isKnownType(int type) {
        return type >= 0 && type < 256 && NAMES[type] != null;
    }

    /**
     * @param type a known type code
     * @return which way it travels
     * @throws IllegalArgumentException for an unknown type
     */
    public static Direction direction(int type) {
        if (!isKnownType(type)) {
            throw new IllegalArgumentException("unknown frame type " + typeName(type));
        }
        return DIRECTIONS[type];
    }

    /**
     * @param type a known type code
     * @return the flags a frame of that type carries: {@link #FLAG_RESPONSE} from the server, 0 from the client
     * @throws IllegalArgumentException for an unknown type
     */
    public static int flagsFor(int type) {
        return direction(type) == Direction.SERVER_TO_CLIENT ? FLAG_RESPONSE : 0;
    }

    /**
     * @param type a type code
     * @return whether it is a server push (MESSAGES, ASSIGNMENT, SUBSCRIPTION_ENDED): correlation id 0, answers nothing
     */
    public static boolean isPush(int type) {
        return type == MESSAGES || type == ASSIGNMENT || type == SUBSCRIPTION_ENDED;
    }

    /**
     * Whether a correlation id is right for a type: requests carry a non-zero id; responses echo
     * one; pushes carry 0; ERROR carries its request's id, or 0 when it concerns the connection.
     *
     * @param type a known type code
     * @param correlationId a correlation id
     * @return whether the pair is allowed
     */
    public static boolean isValidCorrelation(int type, long correlationId) {
        if (type == ERROR) {
            return true;
        }
        return isPush(type) ? correlationId == 0 : correlationId != 0;
    }

    /**
     * @param type a type code
     * @return whether it is a request the server answers (every request but CREDIT, which is answered
     *     only when it fails); such requests count against {@code maxInFlight}
     */
    public static boolean expectsResponse(int type) {
        return isKnownType(type) && DIRECTIONS[type] == Direction.CLIENT_TO_SERVER && type != CREDIT;
    }

    /**
     * @param type a type code
     * @return its name for people, such as {@code HELLO (0x01)} or {@code 0x55 (unknown)}
     */
    public static String typeName(int type) {
        String hex = String.format("0x%02X", type);
        return isKnownType(type) ? NAMES[type] + " (" + hex + ")" : hex + " (unknown)";
    }
}
