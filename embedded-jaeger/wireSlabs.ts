// Where the store keeps its batches' wire bytes: fixed-size slabs that evicted batches hand back for reuse at once, so RSS follows the byte bound.
import type { SpanRecord, WireBytes } from './spanModel.ts';
import { rightSized } from './storeBytes.ts';

/*
 * Why slabs: a Buffer per batch is freed only when the garbage collector finds it, and then into malloc, which
 * keeps it: a 200k-span fill bounded to 64 MiB grew RSS by ×1.9 of what the store counted (young generation
 * aside; test/jaeger/storeBytes.test.ts). A slab is reused as soon as the last batch in it is evicted, so the
 * memory the store holds is the memory it counts (×1.1 there).
 */

const SLAB_BYTES = 1 << 20;
/** A batch bigger than this gets a buffer of its own rather than wasting a slab's tail. */
const OWN_BUFFER_ABOVE = SLAB_BYTES / 4;
/** Empty slabs kept for the next batches; more are let go. */
const SPARE_SLABS = 4;

interface Slab {
  readonly mem: Buffer;
  readonly owner: WireSlabs;
  /** Bytes handed out since the slab was last (re)started. */
  used: number;
  /** Batches in it that something still reads. */
  batches: number;
  /** Bumped each time the slab starts over: bytes handed out before are gone. */
  generation: number;
}

/** A batch's bytes as the store keeps them. */
interface StoredWire extends WireBytes {
  /** Null for a batch with a buffer of its own. */
  readonly slab: Slab | null;
  readonly generation: number;
  /** Stored spans (and holds) reading these bytes. */
  users: number;
  readonly owner: WireSlabs;
}

const isStored = (w: WireBytes): w is StoredWire => 'users' in w;

/**
 * Whether the bytes a span read its tags from were reused after its trace was evicted. Only a reader that kept
 * an evicted span past its eviction (a sliced answer that started before it) can see this; it reads no tags.
 */
export function wireGone(w: WireBytes): boolean {
  return isStored(w) && w.slab !== null && w.slab.generation !== w.generation;
}

/** Keeps a span's bytes from reuse while it waits outside the store (the OTLP forwarder's queue); release once done. */
export function holdWire(s: SpanRecord): void {
  if (!s.inline && isStored(s.wire)) s.wire.owner.retain(s.wire);
}

export function releaseWire(s: SpanRecord): void {
  if (!s.inline && isStored(s.wire)) s.wire.owner.release(s.wire);
}

export class WireSlabs {
  /** Bytes of slabs something reads, plus buffers of their own: what the store counts for wire bytes. */
  held = 0;
  private current: Slab | null = null;
  private readonly spare: Slab[] = [];

  /** The batch's bytes copied into the store's memory; nothing reads them until `retain`. */
  keep(wire: WireBytes): WireBytes {
    const n = wire.buf.byteLength;
    if (n > OWN_BUFFER_ABOVE) {
      const own: StoredWire = { buf: rightSized(wire).buf, compact: wire.compact, slab: null, generation: 0, users: 0, owner: this };
      return own;
    }
    let slab = this.current;
    if (!slab || slab.used + n > SLAB_BYTES) slab = this.startSlab();
    const at = slab.used;
    wire.buf.copy(slab.mem, at);
    slab.used += n;
    const kept: StoredWire = {
      buf: slab.mem.subarray(at, at + n),
      compact: wire.compact,
      slab,
      generation: slab.generation,
      users: 0,
      owner: this,
    };
    return kept;
  }

  /** `readers` more spans (or holds) read these bytes. */
  retain(w: WireBytes, readers = 1): void {
    const s = w as StoredWire;
    // Bytes already retired are not held again.
    if (readers === 0 || wireGone(s)) return;
    s.users += readers;
    if (s.users > readers) return;
    if (!s.slab) this.held += s.buf.buffer.byteLength;
    else if (s.slab.batches++ === 0 && s.slab !== this.current) this.held += SLAB_BYTES;
  }

  release(w: WireBytes, readers = 1): void {
    const s = w as StoredWire;
    if (wireGone(s)) return;
    s.users -= readers;
    if (s.users > 0) return;
    if (!s.slab) this.held -= s.buf.buffer.byteLength;
    else if (--s.slab.batches === 0 && s.slab !== this.current) {
      this.held -= SLAB_BYTES;
      if (this.spare.length < SPARE_SLABS) {
        // Retired now, not at reuse: nothing can hold these bytes again (retain sees them gone).
        s.slab.generation++;
        this.spare.push(s.slab);
      }
    }
  }

  /** The slab new batches go to: the current one again if nothing reads it any more, else a spare, else a new one. */
  private startSlab(): Slab {
    const old = this.current;
    if (old && old.batches === 0) {
      old.used = 0;
      old.generation++;
      return old;
    }
    // The old current slab stays counted while a batch in it is read (release lets it go).
    const slab = this.spare.pop() ?? { mem: Buffer.allocUnsafeSlow(SLAB_BYTES), owner: this, used: 0, batches: 0, generation: 0 };
    slab.used = 0;
    slab.generation++;
    this.current = slab;
    // The current slab is counted whole while it fills: its memory is the store's from the first batch on.
    this.held += SLAB_BYTES;
    return slab;
  }
}
