package io.memorystreamer.transport.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Which Netty transport the server runs on: native epoll when its classes and native library load
 * (Linux, with the {@code netty-transport-native-epoll} fragment), NIO otherwise.
 *
 * @param name "epoll" or "nio", for logs
 * @param ioHandlerFactory the event loops' I/O handler
 * @param serverChannel the listening channel's class
 * @param whyNotEpoll why epoll is not used, or null when it is
 */
record IoTransport(String name, IoHandlerFactory ioHandlerFactory, Class<? extends ServerChannel> serverChannel, String whyNotEpoll) {
    /**
     * @param preferEpoll whether to use epoll when it is available
     * @return epoll when preferred and available, else NIO
     */
    static IoTransport pick(boolean preferEpoll) {
        String why = "disabled";
        if (preferEpoll) {
            try {
                return EpollTransport.probe();
            } catch (LinkageError | UnsupportedOperationException e) {
                why = e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }
        return new IoTransport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, why);
    }

    /** Kept apart so that the epoll classes load only when probed (they are an optional import). */
    private static final class EpollTransport {
        static IoTransport probe() {
            if (!io.netty.channel.epoll.Epoll.isAvailable()) {
                Throwable cause = io.netty.channel.epoll.Epoll.unavailabilityCause();
                throw new UnsupportedOperationException(cause == null ? "epoll is not available" : cause.toString());
            }
            return new IoTransport("epoll", io.netty.channel.epoll.EpollIoHandler.newFactory(),
                    io.netty.channel.epoll.EpollServerSocketChannel.class, null);
        }
    }
}
