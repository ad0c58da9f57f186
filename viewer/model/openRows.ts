// Which rows of the span tree are open: the tree's collapse state and the keyboard cursor, kept without a DOM.
import type { TraceModel } from './traceModel.ts';

/** The parts of a trace's index the open rows need (display order and subtree sizes). */
export type TreeShape = Pick<TraceModel, 'count' | 'order' | 'orderPos' | 'subtreeSize' | 'childCount' | 'depth' | 'parent'>;

/** What a key does in the tree, as in a WAI-ARIA tree view: move the cursor to a row, open or shut its row, choose it or drop the choice. */
export type TreeKeyAction = { readonly moveTo: number } | 'expand' | 'collapse' | 'choose' | 'unchoose';

const NO_SPANS = new Int32Array(0);
const NO_TREE: TreeShape = {
  count: 0,
  order: NO_SPANS,
  orderPos: NO_SPANS,
  subtreeSize: NO_SPANS,
  childCount: NO_SPANS,
  depth: NO_SPANS,
  parent: NO_SPANS,
};

/**
 * The open rows are the spans on show, in display order: `span(row)` for row 0 … length − 1.
 * They keep display order, so a span's row is found by binary search, and collapsing or expanding
 * costs the rows it hides or shows (plus one block move of the tail), not the span count.
 */
export class OpenRows {
  private rows: Int32Array;
  private len: number;
  private readonly shut: Uint8Array;
  private shutCount = 0;
  /** The keyboard's row: it stays on its span while rows above it open or close. */
  cursor = 0;

  constructor(private readonly tree: TreeShape) {
    this.rows = tree.order.slice();
    this.len = tree.count;
    this.shut = new Uint8Array(tree.count);
  }

  /** No trace: no rows. */
  static none(): OpenRows {
    return new OpenRows(NO_TREE);
  }

  get length(): number {
    return this.len;
  }

  span(row: number): number {
    return this.rows[row]!;
  }

  isCollapsed(span: number): boolean {
    return this.shut[span] === 1;
  }

  hasChildren(span: number): boolean {
    return this.tree.childCount[span]! > 0;
  }

  /** The row showing `span`, or −1 when it sits under a collapsed span. */
  rowOf(span: number): number {
    const pos = this.tree.orderPos;
    const key = pos[span]!;
    let lo = 0;
    let hi = this.len - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = pos[this.rows[mid]!]!;
      if (v === key) return mid;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Hides the open rows under `row`; false when there was nothing to hide. */
  collapseAt(row: number): boolean {
    const { orderPos, subtreeSize } = this.tree;
    const span = this.rows[row]!;
    if (this.shut[span] || !this.hasChildren(span)) return false;
    this.shut[span] = 1;
    this.shutCount++;
    // The rows under `span` are the run after it whose display positions stay inside its subtree.
    const endPos = orderPos[span]! + subtreeSize[span]!;
    let lo = row + 1;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (orderPos[this.rows[mid]!]! < endPos) lo = mid + 1;
      else hi = mid;
    }
    const hidden = lo - row - 1;
    this.rows.copyWithin(row + 1, lo, this.len);
    this.len -= hidden;
    if (this.cursor > row) this.cursor = this.cursor >= lo ? this.cursor - hidden : row;
    return true;
  }

  /** Shows the subtree under `row`, skipping what stays collapsed inside it; false when it was open. */
  expandAt(row: number): boolean {
    const { order, orderPos, subtreeSize } = this.tree;
    const span = this.rows[row]!;
    if (!this.shut[span]) return false;
    this.shut[span] = 0;
    this.shutCount--;
    const from = orderPos[span]! + 1;
    const endPos = orderPos[span]! + subtreeSize[span]!;
    let added: Int32Array;
    let count: number;
    if (this.shutCount === 0) {
      // Nothing else is shut: the subtree opens as one block copy of the display order.
      added = order.subarray(from, endPos);
      count = added.length;
    } else {
      added = new Int32Array(endPos - from);
      count = 0;
      for (let p = from; p < endPos; ) {
        const s = order[p]!;
        added[count++] = s;
        p += this.shut[s] ? subtreeSize[s]! : 1;
      }
    }
    this.rows.copyWithin(row + 1 + count, row + 1, this.len);
    this.rows.set(added.subarray(0, count), row + 1);
    this.len += count;
    if (this.cursor > row) this.cursor += count;
    return true;
  }

  /** What `key` does at the cursor; `page` rows make a PageUp/PageDown; undefined for a key the tree leaves alone. */
  keyAction(key: string, page: number): TreeKeyAction | undefined {
    const at = this.cursor;
    const span = this.rows[at]!;
    const kids = this.hasChildren(span);
    const parent = this.tree.parent[span]!;
    switch (key) {
      case 'ArrowDown':
        return { moveTo: at + 1 };
      case 'ArrowUp':
        return { moveTo: at - 1 };
      case 'PageDown':
        return { moveTo: at + page };
      case 'PageUp':
        return { moveTo: at - page };
      case 'Home':
        return { moveTo: 0 };
      case 'End':
        return { moveTo: this.len - 1 };
      // Right opens a closed row, else steps to its first child; left shuts an open row, else steps to its parent.
      case 'ArrowRight':
        return kids && this.shut[span] ? 'expand' : { moveTo: kids ? at + 1 : at };
      case 'ArrowLeft':
        return kids && !this.shut[span] ? 'collapse' : { moveTo: parent >= 0 ? this.rowOf(parent) : at };
      case 'Enter':
      case ' ':
        return 'choose';
      case 'Escape':
        return 'unchoose';
      default:
        return undefined;
    }
  }

  /** Collapses a span, on show or not (a span under a collapsed one stays collapsed when that opens). */
  collapse(span: number): boolean {
    const row = this.rowOf(span);
    if (row >= 0) return this.collapseAt(row);
    if (!this.shut[span] && this.hasChildren(span)) {
      this.shut[span] = 1;
      this.shutCount++;
    }
    return false;
  }

  expand(span: number): boolean {
    const row = this.rowOf(span);
    if (row >= 0) return this.expandAt(row);
    if (this.shut[span]) {
      this.shut[span] = 0;
      this.shutCount--;
    }
    return false;
  }

  toggle(span: number): boolean {
    return this.shut[span] ? this.expand(span) : this.collapse(span);
  }

  /** Opens every collapsed ancestor of `span`, outermost first, so it gets a row; true if any opened. */
  openAncestors(span: number): boolean {
    const chain: number[] = [];
    for (let p = this.tree.parent[span]!; p >= 0; p = this.tree.parent[p]!) chain.push(p);
    let opened = false;
    for (let k = chain.length - 1; k >= 0; k--) if (this.shut[chain[k]!]) opened = this.expand(chain[k]!) || opened;
    return opened;
  }

  /** Collapses every span with children: only the roots stay open. */
  collapseAll(): void {
    const { childCount, count } = this.tree;
    let shut = 0;
    for (let i = 0; i < count; i++) shut += this.shut[i] = childCount[i]! > 0 ? 1 : 0;
    this.shutCount = shut;
    this.rebuild();
  }

  expandAll(): void {
    this.shut.fill(0);
    this.shutCount = 0;
    this.rows.set(this.tree.order);
    this.len = this.tree.count;
  }

  /** Opens (+1) or shuts (−1) one more level, counted from the deepest level on show; false when nothing changes. */
  stepLevel(delta: 1 | -1): boolean {
    if (delta > 0 && this.shutCount === 0) return false;
    const { depth, childCount, count } = this.tree;
    let deepest = 0;
    for (let r = 0; r < this.len; r++) if (depth[this.rows[r]!]! > deepest) deepest = depth[this.rows[r]!]!;
    const keep = delta > 0 ? deepest + 1 : Math.max(0, deepest - 1);
    let shut = 0;
    for (let i = 0; i < count; i++) shut += this.shut[i] = childCount[i]! > 0 && depth[i]! >= keep ? 1 : 0;
    this.shutCount = shut;
    this.rebuild();
    return true;
  }

  /** The collapsed spans, to carry over to a newer copy of the trace. */
  collapsedSpans(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.shut.length; i++) if (this.shut[i]) out.push(i);
    return out;
  }

  /** Collapses these spans (indices out of range are skipped), outermost first: each while still on show, the cheap path. */
  collapseSpans(spans: readonly number[]): void {
    const { count, orderPos } = this.tree;
    const inRange = spans.filter((i) => i >= 0 && i < count).sort((a, b) => orderPos[a]! - orderPos[b]!);
    for (const i of inRange) this.collapse(i);
  }

  /** Rebuilds the rows from the collapse state in one pass over the display order. */
  private rebuild(): void {
    const { order, subtreeSize, count } = this.tree;
    let len = 0;
    for (let p = 0; p < count; ) {
      const s = order[p]!;
      this.rows[len++] = s;
      p += this.shut[s] ? subtreeSize[s]! : 1;
    }
    this.len = len;
    this.cursor = Math.min(this.cursor, Math.max(0, len - 1));
  }
}
