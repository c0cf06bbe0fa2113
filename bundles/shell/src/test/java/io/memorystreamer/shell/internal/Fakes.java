package io.memorystreamer.shell.internal;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Function;

/**
 * Test doubles for the broker's interfaces, made with {@link Proxy} so that methods added to an
 * interface later do not break the tests: each fake answers the methods it is given and fails on
 * any other.
 */
final class Fakes {
    private Fakes() {
    }

    /**
     * @param type the interface
     * @param answers method name to answer (given the arguments, an empty array for none)
     * @return a fake that answers those methods and throws UnsupportedOperationException for others
     */
    static <T> T fake(Class<T> type, Map<String, Function<Object[], Object>> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "fake " + type.getSimpleName();
                };
            }
            Function<Object[], Object> answer = answers.get(method.getName());
            if (answer == null) {
                throw new UnsupportedOperationException("the fake " + type.getSimpleName() + " has no " + method.getName());
            }
            return answer.apply(args == null ? new Object[0] : args);
        }));
    }
}
