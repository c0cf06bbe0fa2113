package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.Broker;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The broker's Gogo commands against the real broker: create a topic, publish, tail, list streams,
 * consume with a group and look at its lag, change and delete the topic, and bad input.
 */
@ExtendWith(ServiceExtension.class)
class BrokerShellTest {
    @InjectService(timeout = 20_000)
    CommandProcessor processor;

    @InjectService(timeout = 20_000)
    Broker broker;

    @Test
    void aTopicsLifeThroughTheShell() throws Exception {
        String topic = "shell-" + Long.toString(System.nanoTime(), 36);
        try (Gogo gogo = new Gogo(processor)) {
            String created = gogo.print("ms:topic-create " + topic + " --shards 2 --durability sync --retention-age 7d --max-message-size 64KB");
            System.out.println("---- ms:topic-create\n" + created);
            assertTrue(created.contains("created topic " + topic), created);

            String topics = gogo.print("ms:topics");
            System.out.println("---- ms:topics\n" + topics);
            assertTrue(topics.contains(topic) && topics.contains("SYNC"), topics);

            String published = gogo.print("ms:publish " + topic + " orders/42 hello --header trace=abc");
            System.out.println("---- ms:publish\n" + published);
            assertTrue(published.contains("offset 0"), published);
            assertTrue(gogo.print("ms:publish " + topic + " orders/42 again").contains("offset 1"));
            assertTrue(gogo.print("ms:publish " + topic + " orders/7 other").contains("offset 0"));

            String tail = gogo.print("ms:tail " + topic + " 'orders/*' --from earliest --count 3 --timeout 10");
            System.out.println("---- ms:tail\n" + tail);
            assertTrue(tail.contains("hello") && tail.contains("again") && tail.contains("other"), tail);
            assertTrue(tail.contains("trace"), "headers are shown: " + tail);

            String fromOffset = gogo.print("ms:tail " + topic + " orders/42 --from 1 --count 5 --timeout 1");
            assertTrue(fromOffset.contains("again") && !fromOffset.contains("hello"), fromOffset);

            String streams = gogo.print("ms:streams " + topic);
            System.out.println("---- ms:streams\n" + streams);
            assertTrue(streams.contains("orders/42") && streams.contains("orders/7"), streams);

            String changed = gogo.print("ms:topic-config " + topic + " --max-message-size 128KB");
            System.out.println("---- ms:topic-config\n" + changed);
            assertEquals(128 * 1024, broker.topic(topic).orElseThrow().settings().maxMessageSize());

            Exception unsupported = assertThrows(Exception.class, () -> gogo.execute("ms:topic-config " + topic + " --shards 5"));
            assertTrue(unsupported.getMessage().contains("shard"), unsupported.getMessage());
            Exception exists = assertThrows(Exception.class, () -> gogo.execute("ms:topic-create " + topic));
            assertTrue(exists.getMessage().contains("exists"), exists.getMessage());
            Exception invalid = assertThrows(Exception.class, () -> gogo.execute("ms:topic-create bad-" + topic + " --durability sometimes"));
            assertTrue(invalid.getMessage().contains("durability"), invalid.getMessage());
            assertTrue(broker.topic("bad-" + topic).isEmpty(), "an invalid topic is not created");
            Exception unknown = assertThrows(Exception.class, () -> gogo.execute("ms:publish no-such-" + topic + " k v"));
            assertTrue(unknown.getMessage().contains("does not exist"), unknown.getMessage());
            Exception badKey = assertThrows(Exception.class, () -> gogo.execute("ms:publish " + topic + " a//b v"));
            assertTrue(badKey.getMessage().contains("key"), badKey.getMessage());

            String group = "g-" + topic;
            try (io.memorystreamer.broker.GroupMember member = broker.joinGroup(io.memorystreamer.broker.GroupRequest.of(group, topic),
                    message -> { })) {
                Awaits.until(() -> broker.group(group).orElseThrow().totalLag(), lag -> lag == 3, "the group sees 3 uncommitted messages");
                String groups = gogo.print("ms:groups");
                System.out.println("---- ms:groups\n" + groups);
                assertTrue(groups.contains(group), groups);
                member.commit();
                String described = gogo.print("ms:group " + group);
                System.out.println("---- ms:group\n" + described);
                assertTrue(described.contains(member.memberId()) && described.contains("orders/42"), described);
            }

            String deleted = gogo.print("ms:topic-delete " + topic);
            assertTrue(deleted.contains("deleted topic " + topic), deleted);
            assertTrue(gogo.print("ms:topic-delete " + topic).contains("did not exist"));
        }
    }
}
