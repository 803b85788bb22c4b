package dev.squeeze.cachegen.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A local directory: one file per key. Writes go to a temporary file in the same directory, are forced to
 * disk, then renamed over the key with {@link StandardCopyOption#ATOMIC_MOVE}, so a reader (another process
 * included) sees either no value or a whole one, never a partial write.
 */
public final class DirectoryKvStore implements KvStore {
    private final Path dir;
    private final long maxValueBytes;

    public DirectoryKvStore(Path dir) throws IOException {
        this(dir, DEFAULT_MAX_VALUE_BYTES);
    }

    /** @param maxValueBytes largest value written or read; a larger file under a key is a failed read */
    public DirectoryKvStore(Path dir, long maxValueBytes) throws IOException {
        this.maxValueBytes = KvStore.checkMaxValueBytes(maxValueBytes);
        this.dir = Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void put(String key, byte[] value) throws IOException {
        Path target = dir.resolve(KvStore.checkKey(key));
        KvStore.checkValueSize(this, key, value.length, maxValueBytes);
        Path tmp = Files.createTempFile(dir, ".tmp-" + key.substring(0, Math.min(16, key.length())) + "-", ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(value);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        Path file = dir.resolve(KvStore.checkKey(key));
        try {
            KvStore.checkValueSize(
                    this, key, Files.size(file), maxValueBytes); // before reading: a 3 GiB file is not read
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        return "dir " + dir;
    }

    @Override
    public void close() {}
}
