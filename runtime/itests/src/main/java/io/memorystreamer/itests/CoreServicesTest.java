package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.counters.CounterRegistry;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.HealthState;
import io.memorystreamer.core.work.SubmitResult;
import io.memorystreamer.core.work.Tier;
import io.memorystreamer.core.work.WorkerPools;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The core bundle's services in a real framework, and their configuration through ConfigAdmin. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class CoreServicesTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    CounterRegistry counters;

    @InjectService(timeout = 10_000)
    HealthMonitor health;

    private WorkerPools pools() throws Exception {
        return Awaits.until(() -> {
            ServiceReference<WorkerPools> reference = context.getServiceReference(WorkerPools.class);
            return reference == null ? null : context.getService(reference);
        }, pools -> pools != null && !pools.isClosed(), "no WorkerPools service");
    }

    @Test
    void everyTierRunsSubmittedTasks() throws Exception {
        WorkerPools pools = pools();
        CountDownLatch ran = new CountDownLatch(Tier.values().length);
        for (Tier tier : Tier.values()) {
            assertEquals(SubmitResult.ACCEPTED, pools.submit(tier, ran::countDown), tier.name());
        }
        assertTrue(ran.await(10, TimeUnit.SECONDS), "not every tier ran its task");
        assertEquals(HealthState.UP, health.snapshot().overall());
        assertTrue(health.snapshot().components().size() >= Tier.values().length, "workers report heartbeats");
    }

    @Test
    void countersAreSharedThroughTheRegistry() {
        Counter counter = counters.counter("itest.messages", "messages seen by the integration test");
        counter.increment();
        counter.add(41);
        assertSame(counter, counters.counter("itest.messages", "messages seen by the integration test"));
        assertEquals(42, counters.find("itest.messages").orElseThrow().get());
    }

    @Test
    void invalidChangeKeepsRunningPoolsAndValidChangeApplies() throws Exception {
        WorkerPools before = pools();
        Configuration configuration = configAdmin.getConfiguration("io.memorystreamer.core.workers", "?");
        try {
            Dictionary<String, Object> invalid = new Hashtable<>();
            invalid.put("queue.capacity", "-3");
            configuration.update(invalid);
            Thread.sleep(1_000);
            WorkerPools still = pools();
            assertSame(before, still, "an invalid change must leave the running pools alone");
            CountDownLatch ran = new CountDownLatch(1);
            assertEquals(SubmitResult.ACCEPTED, still.submit(Tier.MESSAGE_PATH, ran::countDown));
            assertTrue(ran.await(10, TimeUnit.SECONDS));

            Dictionary<String, Object> valid = new Hashtable<>();
            valid.put("messagePath.threads", "2");
            configuration.update(valid);
            WorkerPools after = Awaits.until(this::pools, pools -> pools.threads(Tier.MESSAGE_PATH) == 2,
                    "the valid change never applied");
            assertNotNull(after);
        } finally {
            configuration.delete();
        }
        Awaits.until(this::pools, pools -> pools.threads(Tier.MESSAGE_PATH) == 1, "deleting the configuration restores the defaults");
    }
}
