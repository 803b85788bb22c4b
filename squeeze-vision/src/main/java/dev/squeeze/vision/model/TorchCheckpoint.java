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
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch zip checkpoint ({@code torch.save(state_dict)}, format of torch >= 1.6) without Python:
 * {@code <root>/data.pkl} is parsed by the safe {@link TorchPickle} reader, and each tensor's storage is the
 * raw little-endian float32 file {@code <root>/data/<key>}. Only contiguous float32 tensors are accepted.
 */
final class TorchCheckpoint {
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
                throw new IllegalArgumentException(file + ": not a PyTorch zip checkpoint (expected an entry <root>/data.pkl)");
            }
            String root = pkl.substring(0, pkl.length() - "data.pkl".length());
            byte[] pickle = readEntry(zip, zip.getEntry(pkl), file);
            Map<String, TorchPickle.TensorRef> refs = TorchPickle.readStateDict(file.toString(), pickle);
            Map<String, float[]> storages = new LinkedHashMap<>();
            Map<String, TorchTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, TorchPickle.TensorRef> e : refs.entrySet()) {
                TorchPickle.TensorRef t = e.getValue();
                float[] storage = storages.get(t.storage().key());
                if (storage == null) {
                    storage = readStorage(zip, root + "data/" + t.storage().key(), t.storage().numel(), file);
                    storages.put(t.storage().key(), storage);
                }
                out.put(e.getKey(), view(file, e.getKey(), t, storage));
            }
            return out;
        } catch (ZipException e) {
            throw new IOException(file + ": not a readable PyTorch zip checkpoint (expected a zip archive with data.pkl): " + e.getMessage(), e);
        }
    }

    private static TorchTensor view(Path file, String name, TorchPickle.TensorRef t, float[] storage) {
        int[] shape = t.shape();
        long numel = 1;
        long expectStride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && t.stride()[i] != expectStride) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' is not contiguous (stride "
                        + java.util.Arrays.toString(t.stride()) + " for shape " + java.util.Arrays.toString(shape) + ")");
            }
            expectStride *= shape[i];
            numel *= shape[i];
        }
        if (t.stride().length != shape.length) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' has " + t.stride().length + " strides for " + shape.length + " dimensions");
        }
        if (t.offset() < 0 || t.offset() + numel > storage.length) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' reads [" + t.offset() + ", " + (t.offset() + numel)
                    + ") of a storage holding " + storage.length + " floats");
        }
        float[] data = java.util.Arrays.copyOfRange(storage, t.offset(), (int) (t.offset() + numel));
        return new TorchTensor(name, shape.clone(), data);
    }

    private static float[] readStorage(ZipFile zip, String entry, int numel, Path file) throws IOException {
        ZipEntry ze = zip.getEntry(entry);
        if (ze == null) throw new IllegalArgumentException(file + ": storage entry '" + entry + "' named in data.pkl is missing");
        byte[] b = readEntry(zip, ze, file);
        if (b.length != (long) numel * 4) {
            throw new IllegalArgumentException(file + ": storage '" + entry + "' holds " + b.length + " bytes, expected "
                    + numel + " float32 values = " + ((long) numel * 4) + " bytes");
        }
        float[] f = new float[numel];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file) throws IOException {
        if (e.getSize() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": entry '" + e.getName() + "' is too large");
        try (InputStream is = zip.getInputStream(e)) {
            return is.readAllBytes();
        } catch (ZipException ex) {
            throw new IOException(file + ": entry '" + e.getName() + "' is corrupt: " + ex.getMessage(), ex);
        }
    }
}
