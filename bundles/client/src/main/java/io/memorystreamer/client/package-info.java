/**
 * The Java client of MemoryStreamer: connect to a broker, administer topics, publish and consume.
 *
 * <pre>{@code
 * try (MemoryStreamerClient client = MemoryStreamerClient.connect(ClientConfig.builder()
 *         .bootstrap("127.0.0.1", 9510)
 *         .build())) {
 *     client.admin().createTopic("orders", TopicOptions.builder().shards(4).build());
 *
 *     // Publish: asynchronous, batched, idempotent.
 *     Producer producer = client.producer(ProducerConfig.defaults());
 *     producer.send("orders", "customer-42", Map.of("source", "web"), payload)
 *             .thenAccept(ack -> System.out.println("stored at " + ack.streamOffset()));
 *     producer.flush();
 *
 *     // Consume with a listener ...
 *     Consumer live = client.consumer(ConsumerConfig.topic("orders")
 *             .startAt(StartPosition.earliest())
 *             .listener(record -> handle(record))
 *             .build());
 *
 *     // ... or by polling, as a member of a group.
 *     Consumer member = client.consumer(ConsumerConfig.group("billing", "orders").build());
 *     List<ConsumerRecord> records = member.poll(Duration.ofMillis(500));
 *     member.commit();
 * }
 * }</pre>
 *
 * <ul>
 * <li>{@link io.memorystreamer.client.MemoryStreamerClient}: the connection (handshake, TLS, token,
 * correlation, timeouts, reconnection), configured by {@link io.memorystreamer.client.ClientConfig}.</li>
 * <li>{@link io.memorystreamer.client.Admin}: create, describe, list and delete topics; metadata.</li>
 * <li>{@link io.memorystreamer.client.Producer}: batching with linger and size limits, idempotent
 * retries, back-pressure through a bounded buffer.</li>
 * <li>{@link io.memorystreamer.client.Consumer}: topic, stream, pattern or group; listener or poll;
 * credit-based flow control; resumption after a reconnect.</li>
 * <li>{@link io.memorystreamer.client.ClientException}: every failure, with the protocol's stable
 * numeric code.</li>
 * </ul>
 *
 * <p>The jar needs only Netty ({@code netty-buffer}, {@code netty-common}, {@code netty-transport},
 * {@code netty-handler}, {@code netty-codec-base}); in OSGi it is the bundle
 * {@code io.memorystreamer.client} and imports the native epoll transport dynamically, when present.
 * Logging goes through {@link java.lang.System.Logger}. The wire protocol itself is in
 * {@link io.memorystreamer.client.protocol}.
 */
@Export
@Version("0.1.0")
package io.memorystreamer.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
