package dev.squeeze.vision.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch zip checkpoint ({@code torch.save(state_dict)}, format of torch >= 1.6) without Python:
 * {@code <root>/data.pkl} is parsed by the safe {@link TorchPickle} reader, and each tensor's storage is the
 * raw little-endian float32 file {@code <root>/data/<key>}. Only contiguous float32 tensors are accepted.
 *
 * <p>Every entry is read against the size its directory entry declares and its CRC-32 checked (Java's ZipFile checks
 * neither for an entry it hands out); data.pkl may declare at most {@value #MAX_PICKLE_BYTES} bytes and a storage
 * exactly 4 x the numel its pickle names, within half the heap, so a damaged or inflating (zip bomb) archive is
 * refused before anything is allocated for it.
 */
final class TorchCheckpoint {
    /** data.pkl of a state dict takes a few hundred bytes per tensor (cct-cifar10: 9.4 KB for 56 tensors). */
    static final int MAX_PICKLE_BYTES = 64 << 20;

    private TorchCheckpoint() {}

    /**
     * All tensors of the checkpoint by state-dict name, in file order.
     *
     * @throws IOException when the file cannot be read or is not a zip archive
     * @throws IllegalArgumentException when the archive is not a float32 state-dict checkpoint, naming the file and what was expected
     */
    public static Map<String, TorchTensor> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException(file + ": no such checkpoint file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String pkl = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String name = en.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    pkl = name;
                    break;
                }
            }
            if (pkl == null) {
                throw new IllegalArgumentException(
                        file + ": not a PyTorch zip checkpoint (expected an entry <root>/data.pkl)");
            }
            String root = pkl.substring(0, pkl.length() - "data.pkl".length());
            byte[] pickle = readEntry(zip, zip.getEntry(pkl), file, MAX_PICKLE_BYTES);
            Map<String, TorchPickle.TensorRef> refs = TorchPickle.readStateDict(file.toString(), pickle);
            Map<String, float[]> storages = new LinkedHashMap<>();
            Map<String, TorchTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, TorchPickle.TensorRef> e : refs.entrySet()) {
                TorchPickle.TensorRef t = e.getValue();
                float[] storage = storages.get(t.storage().key());
                if (storage == null) {
                    storage = readStorage(
                            zip, root + "data/" + t.storage().key(), t.storage().numel(), file);
                    storages.put(t.storage().key(), storage);
                }
                out.put(e.getKey(), view(file, e.getKey(), t, storage));
            }
            return out;
        } catch (ZipException e) {
            throw new IOException(
                    file + ": not a readable PyTorch zip checkpoint (expected a zip archive with data.pkl): "
                            + e.getMessage(),
                    e);
        }
    }

    private static TorchTensor view(Path file, String name, TorchPickle.TensorRef t, float[] storage) {
        int[] shape = t.shape();
        long numel = 1;
        long expectStride = 1;
        if (t.stride().length != shape.length) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has " + t.stride().length
                    + " strides for " + shape.length + " dimensions");
        }
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && t.stride()[i] != expectStride) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' is not contiguous (stride "
                        + java.util.Arrays.toString(t.stride()) + " for shape " + java.util.Arrays.toString(shape)
                        + ")");
            }
            expectStride *= shape[i];
            numel *= shape[i];
            if (numel > storage.length) break; // bounded before it can overflow: too large for the storage anyway
        }
        if (t.offset() < 0 || t.offset() + numel > storage.length) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' reads [" + t.offset() + ", "
                    + (t.offset() + numel) + ") of a storage holding " + storage.length + " floats");
        }
        float[] data = java.util.Arrays.copyOfRange(storage, t.offset(), (int) (t.offset() + numel));
        return new TorchTensor(name, shape.clone(), data);
    }

    private static float[] readStorage(ZipFile zip, String entry, int numel, Path file) throws IOException {
        ZipEntry ze = zip.getEntry(entry);
        if (ze == null)
            throw new IllegalArgumentException(file + ": storage entry '" + entry + "' named in data.pkl is missing");
        long want = (long) numel * 4;
        if (ze.getSize() != want) { // checked before anything is allocated for numel
            throw new IllegalArgumentException(file + ": storage '" + entry + "' holds " + ze.getSize()
                    + " bytes, expected " + numel + " float32 values = " + want + " bytes");
        }
        long heap = Runtime.getRuntime().maxMemory() / 2;
        if (want > heap) {
            throw new IllegalArgumentException(file + ": storage '" + entry + "' of " + want
                    + " bytes needs more than half the heap (" + heap + " bytes); raise -Xmx");
        }
        byte[] b = readEntry(zip, ze, file, want);
        float[] f = new float[numel];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /**
     * The bytes of an entry that declares at most {@code limit} bytes: at most its declared size + 1 are inflated (one
     * more proves it inflates past what it declares), and its CRC-32 must match.
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file, long limit) throws IOException {
        long declared = e.getSize();
        if (declared < 0 || declared > limit) {
            throw new IllegalArgumentException(
                    file + ": entry '" + e.getName() + "' declares " + declared + " bytes, outside [0, " + limit + "]");
        }
        byte[] b;
        try (InputStream is = zip.getInputStream(e)) {
            b = is.readNBytes((int) declared + 1);
        } catch (ZipException ex) {
            throw new IOException(file + ": entry '" + e.getName() + "' is corrupt: " + ex.getMessage(), ex);
        }
        if (b.length > declared) {
            throw new IllegalArgumentException(file + ": entry '" + e.getName() + "' inflates past the " + declared
                    + " bytes it declares (a zip bomb or a damaged archive)");
        }
        if (b.length < declared) {
            throw new IOException(file + ": entry '" + e.getName() + "' ends after " + b.length + " of its " + declared
                    + " bytes (truncated)");
        }
        CRC32 crc = new CRC32();
        crc.update(b);
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
            throw new IOException(
                    file + ": entry '" + e.getName() + "' fails its CRC-32 (stored 0x" + Long.toHexString(e.getCrc())
                            + ", computed 0x" + Long.toHexString(crc.getValue()) + "): the checkpoint is damaged");
        }
        return b;
    }
}
