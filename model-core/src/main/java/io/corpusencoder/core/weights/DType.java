package io.corpusencoder.core.weights;

import java.nio.ByteBuffer;

/** Storage types a checkpoint may use; all convert to fp32 once, at load. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }

  /** Parses a safetensors dtype string, or returns null when it is not a float type we read. */
  public static DType fromSafetensors(String s) {
    return switch (s) {
      case "F32" -> F32;
      case "F16" -> F16;
      case "BF16" -> BF16;
      default -> null;
    };
  }

  /** Reads {@code n} values from a little-endian buffer at its position into fp32. */
  public void decode(ByteBuffer buf, float[] out, int n) {
    decode(buf, out, 0, n);
  }

  /** Reads {@code n} values from a little-endian buffer at its position into out[off, off + n). */
  public void decode(ByteBuffer buf, float[] out, int off, int n) {
    int p = buf.position();
    switch (this) {
      case F32 -> buf.asFloatBuffer().get(out, off, n);
      case F16 -> {
        for (int i = 0; i < n; i++) out[off + i] = halfToFloat(buf.getShort(p + 2 * i));
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          out[off + i] = Float.intBitsToFloat((buf.getShort(p + 2 * i) & 0xFFFF) << 16);
        }
      }
    }
  }

  /** IEEE 754 binary16 to binary32, exact (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // inf, NaN
    if (exp == 0) {
      if (mant == 0) return Float.intBitsToFloat(sign); // signed zero
      float v = mant * 0x1p-24f; // subnormal: mant · 2^-24, exact in fp32
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
