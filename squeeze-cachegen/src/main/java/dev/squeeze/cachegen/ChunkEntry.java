package dev.squeeze.cachegen;

/**
 * One entry of a stream's chunk index.
 *
 * @param offset     byte offset of the chunk payload in the file
 * @param length     payload bytes
 * @param firstToken index of the chunk's first token in the stream
 * @param tokenCount tokens in the chunk
 * @param level      id of the level it was coded at
 * @param crc32c     CRC32C of the payload
 */
public record ChunkEntry(long offset, int length, int firstToken, int tokenCount, int level, int crc32c) {
    /** Bytes of one index entry: u64 offset, u32 length, u32 first token, u32 token count, u8 level, u32 CRC32C. */
    public static final int BYTES = 25;
}
