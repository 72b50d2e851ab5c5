/** A time-ordered event queue (binary heap); events at the same time run in the order they were scheduled. */

interface Event {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
}

/** Min-heap of events by (time, scheduling order). */
export class EventQueue {
  private readonly heap: Event[] = [];
  private seq = 0;

  /** Schedules `run` at `time`. */
  at(time: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ time, seq: this.seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  /** Time of the next event (Infinity when empty). */
  nextTime(): number {
    return this.heap.length > 0 ? this.heap[0].time : Infinity;
  }

  /** Removes and runs the next event. */
  runNext(): void {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let smallest = i;
        if (l < heap.length && before(heap[l], heap[smallest])) smallest = l;
        if (r < heap.length && before(heap[r], heap[smallest])) smallest = r;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    top.run();
  }
}

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
