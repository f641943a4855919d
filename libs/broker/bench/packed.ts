/**
 * Pre-serialised record values back to back in one buffer. A million values as separate objects
 * would keep hundreds of MB live on the heap during the timed run, and every major GC would
 * walk them: a cost no real producer has, and not the same for every variant.
 */
export class PackedValues {
  private constructor(
    private readonly bytes: Buffer,
    private readonly offsets: Uint32Array,
  ) {}

  /** Serialises values 0…count−1 before any clock starts. */
  static of(count: number, serialise: (i: number) => Buffer): PackedValues {
    let bytes = Buffer.allocUnsafe(Math.max(1024, count * 256));
    const offsets = new Uint32Array(count + 1);
    let end = 0;
    for (let i = 0; i < count; i++) {
      const value = serialise(i);
      if (end + value.length > bytes.length) {
        const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, end + value.length));
        bytes.copy(grown, 0, 0, end);
        bytes = grown;
      }
      value.copy(bytes, end);
      end += value.length;
      offsets[i + 1] = end;
    }
    return new PackedValues(bytes, offsets);
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  /** The i-th value: a view, not a copy. */
  at(i: number): Buffer {
    return this.bytes.subarray(this.offsets[i], this.offsets[i + 1]);
  }
}
