package io.memorystreamer.client.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.System.Logger.Level;

/**
 * Picks Netty's transport: the native epoll transport when asked for, on the class path (the
 * {@code netty-transport-native-epoll} jar for the platform) and working, else NIO. Epoll is found
 * by reflection, so the client has no compile-time or OSGi wiring to it (the bundle imports its
 * package dynamically).
 *
 * @param name "epoll" or "nio"
 * @param ioHandlerFactory the event loop's I/O handler
 * @param channelClass the socket channel class
 */
public record Transports(String name, IoHandlerFactory ioHandlerFactory, Class<? extends SocketChannel> channelClass) {
    private static final System.Logger LOG = System.getLogger(Transports.class.getName());

    /**
     * @param preferNative whether to try epoll first
     * @return the transport to use
     */
    public static Transports pick(boolean preferNative) {
        if (preferNative) {
            try {
                ClassLoader loader = Transports.class.getClassLoader();
                Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll", true, loader);
                if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                    IoHandlerFactory factory = (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler", true, loader)
                            .getMethod("newFactory").invoke(null);
                    Class<? extends SocketChannel> channel = Class.forName("io.netty.channel.epoll.EpollSocketChannel", true, loader)
                            .asSubclass(SocketChannel.class);
                    return new Transports("epoll", factory, channel);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // Not on the class path: NIO it is.
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.DEBUG, "the epoll transport is on the class path but unusable; using NIO", e);
            }
        }
        return nio();
    }

    /** @return the NIO transport, available everywhere */
    public static Transports nio() {
        return new Transports("nio", NioIoHandler.newFactory(), NioSocketChannel.class);
    }
}
