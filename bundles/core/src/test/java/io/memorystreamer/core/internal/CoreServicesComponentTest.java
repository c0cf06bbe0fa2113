package io.memorystreamer.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.core.counters.CounterRegistry;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.HealthState;
import io.memorystreamer.core.testing.Eventually;
import io.memorystreamer.core.work.SubmitResult;
import io.memorystreamer.core.work.Tier;
import io.memorystreamer.core.work.WorkerPools;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Tests of the DS component without a framework: a fake {@link BundleContext} records the services
 * it registers, so activation, configuration changes and deactivation can be checked directly.
 */
class CoreServicesComponentTest {
    /** Services registered through the fake context, by class. */
    private final Map<Class<?>, Object> registered = new LinkedHashMap<>();
    private final AtomicLong registrations = new AtomicLong();

    private BundleContext fakeContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] instanceof Class) {
                        Class<?> type = (Class<?>) args[0];
                        assertTrue(type.isInstance(args[1]));
                        assertTrue(args[2] == null || args[2] instanceof Dictionary);
                        registered.put(type, args[1]);
                        registrations.incrementAndGet();
                        return registration(type, args[1]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private ServiceRegistration<?> registration(Class<?> type, Object service) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unregister")) {
                        if (registered.get(type) != service) {
                            throw new IllegalStateException("already unregistered");
                        }
                        registered.remove(type);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void registersTheThreeServicesAndStopsThemCleanly() {
        CoreServicesComponent component = new CoreServicesComponent();
        component.activate(fakeContext(), Map.of("delivery.threads", "2", "stall.threshold.ms", 100));
        assertEquals(3, registered.size());
        CounterRegistry counters = (CounterRegistry) registered.get(CounterRegistry.class);
        HealthMonitor health = (HealthMonitor) registered.get(HealthMonitor.class);
        WorkerPools pools = (WorkerPools) registered.get(WorkerPools.class);
        assertTrue(health.isCheckerRunning());
        assertEquals(Duration.ofMillis(100), health.stallThreshold());
        assertEquals(2, pools.threads(Tier.DELIVERY));
        assertEquals(5, health.snapshot().components().size());
        assertEquals(HealthState.UP, health.snapshot().overall());

        AtomicLong ran = new AtomicLong();
        assertEquals(SubmitResult.ACCEPTED, pools.submit(Tier.MESSAGE_PATH, ran::incrementAndGet));
        Eventually.until("task ran", () -> ran.get() == 1);
        assertEquals(1, counters.find("workers.messagePath.completed").orElseThrow().get());

        component.deactivate();
        assertTrue(registered.isEmpty(), "every service unregistered");
        assertTrue(pools.isClosed());
        assertEquals(SubmitResult.CLOSED, pools.submit(Tier.MESSAGE_PATH, ran::incrementAndGet));
        assertFalse(health.isCheckerRunning());
        assertEquals(0, health.snapshot().components().size());
    }

    @Test
    void anInvalidConfigurationFailsActivationNamingTheKey() {
        CoreServicesComponent component = new CoreServicesComponent();
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> component.activate(fakeContext(), Map.of("queue.capacity", 1000)));
        assertTrue(e.getMessage().contains("'queue.capacity'"), e.getMessage());
        assertTrue(registered.isEmpty());
    }

    @Test
    void anInvalidChangeIsRejectedAndAValidOneReplacesThePools() {
        CoreServicesComponent component = new CoreServicesComponent();
        component.activate(fakeContext(), Map.of());
        CounterRegistry counters = (CounterRegistry) registered.get(CounterRegistry.class);
        HealthMonitor health = (HealthMonitor) registered.get(HealthMonitor.class);
        WorkerPools first = (WorkerPools) registered.get(WorkerPools.class);
        try {
            component.modified(Map.of("delivery.threads", "zero"));
            assertSame(first, registered.get(WorkerPools.class), "the running pools stay");
            assertFalse(first.isClosed());

            component.modified(Map.of("stall.threshold.ms", "250"));
            assertSame(first, registered.get(WorkerPools.class), "a threshold change keeps the pools");
            assertEquals(Duration.ofMillis(250), health.stallThreshold());
            assertTrue(health.isCheckerRunning());

            component.modified(Map.of("stall.threshold.ms", "250", "delivery.threads", 3));
            WorkerPools second = (WorkerPools) registered.get(WorkerPools.class);
            assertNotSame(first, second);
            assertTrue(first.isClosed());
            assertEquals(3, second.threads(Tier.DELIVERY));
            assertSame(counters, registered.get(CounterRegistry.class), "counters survive");
            assertSame(health, registered.get(HealthMonitor.class), "the monitor survives");
            assertEquals(6, health.snapshot().components().size());
        } finally {
            component.deactivate();
        }
        assertTrue(registered.isEmpty());
    }

    @Test
    void theCheckIntervalIsAQuarterOfTheThresholdWithinBounds() {
        assertEquals(Duration.ofMillis(10), CoreServicesComponent.checkInterval(Duration.ofMillis(5)));
        assertEquals(Duration.ofMillis(250), CoreServicesComponent.checkInterval(Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), CoreServicesComponent.checkInterval(Duration.ofMinutes(1)));
    }
}
