package dev.squeeze.cachegen.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Jedis's socket factory, with every reply read through a {@link RespReplyGuard}. */
final class GuardedSocketFactory implements JedisSocketFactory {
    private final DefaultJedisSocketFactory plain;
    private final long maxValueBytes;
    private final String server;

    GuardedSocketFactory(HostAndPort at, JedisClientConfig config, long maxValueBytes, String server) {
        this.plain = new DefaultJedisSocketFactory(at, config);
        this.maxValueBytes = maxValueBytes;
        this.server = server;
    }

    @Override
    public Socket createSocket() throws JedisConnectionException {
        return new GuardedSocket(plain.createSocket(), maxValueBytes, server);
    }

    /** Delegates what Jedis's Connection calls on its socket; the input stream is guarded. */
    private static final class GuardedSocket extends Socket {
        private final Socket s;
        private final InputStream in;

        GuardedSocket(Socket s, long maxValueBytes, String server) throws JedisConnectionException {
            this.s = s;
            try {
                this.in = new RespReplyGuard(s.getInputStream(), maxValueBytes, server);
            } catch (IOException e) {
                throw new JedisConnectionException(e);
            }
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return s.getOutputStream();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            s.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return s.getSoTimeout();
        }

        @Override
        public void setKeepAlive(boolean on) throws SocketException {
            s.setKeepAlive(on);
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            s.setTcpNoDelay(on);
        }

        @Override
        public void setSoLinger(boolean on, int linger) throws SocketException {
            s.setSoLinger(on, linger);
        }

        @Override
        public boolean isConnected() {
            return s.isConnected();
        }

        @Override
        public boolean isBound() {
            return s.isBound();
        }

        @Override
        public boolean isClosed() {
            return s.isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return s.isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return s.isOutputShutdown();
        }

        @Override
        public void shutdownInput() throws IOException {
            s.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            s.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            s.close();
        }

        @Override
        public String toString() {
            return s.toString();
        }
    }
}
