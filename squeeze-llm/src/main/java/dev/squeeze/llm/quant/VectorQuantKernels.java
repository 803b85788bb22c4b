package dev.squeeze.llm.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Vector API quantised dots. Each 16-byte group of quants is loaded once as a 128-bit byte vector and
 * widened to floats in {@code 16 / L} parts (L = float lanes, 8 or 16); the per-block sum is accumulated
 * in vector registers and scaled by the block's fp16 d with one FMA.
 */
final class VectorQuantKernels implements QuantKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final int L = F.length();
    private static final int PARTS = 16 / Math.max(1, L);

    static QuantKernels create() {
        return (L == 8 || L == 16) ? new VectorQuantKernels() : null;
    }

    @Override
    public String name() { return "vector-" + F.vectorBitSize(); }

    @Override
    public float dotQ8_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            int xb = xOff + 32 * b;
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, bo + 18, ByteOrder.LITTLE_ENDIAN);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < PARTS; p++) {
                FloatVector f0 = (FloatVector) q0.convertShape(VectorOperators.B2F, F, p);
                FloatVector f1 = (FloatVector) q1.convertShape(VectorOperators.B2F, F, p);
                s = f0.fma(FloatVector.fromArray(F, x, xb + p * L), s);
                s = f1.fma(FloatVector.fromArray(F, x, xb + 16 + p * L), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Blocks.f16(seg, bo)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dotQ4_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 18L * b;
            int xb = xOff + 32 * b;
            ByteVector q = ByteVector.fromMemorySegment(B, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < PARTS; p++) {
                FloatVector f0 = (FloatVector) lo.convertShape(VectorOperators.B2F, F, p);
                FloatVector f1 = (FloatVector) hi.convertShape(VectorOperators.B2F, F, p);
                s = f0.fma(FloatVector.fromArray(F, x, xb + p * L), s);
                s = f1.fma(FloatVector.fromArray(F, x, xb + 16 + p * L), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Blocks.f16(seg, bo)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantQ8_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 34L * b;
            int o = outOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(seg, bo));
            ByteVector q0 = ByteVector.fromMemorySegment(B, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector q1 = ByteVector.fromMemorySegment(B, seg, bo + 18, ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < PARTS; p++) {
                ((FloatVector) q0.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(out, o + p * L);
                ((FloatVector) q1.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(out, o + 16 + p * L);
            }
        }
    }

    @Override
    public void dequantQ4_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            int o = outOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(seg, bo));
            ByteVector q = ByteVector.fromMemorySegment(B, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            for (int p = 0; p < PARTS; p++) {
                ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(out, o + p * L);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p)).mul(d).intoArray(out, o + 16 + p * L);
            }
        }
    }
}
