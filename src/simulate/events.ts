/** A time-ordered event queue (binary heap); events at the same time run in the order they were scheduled. */

interface Event {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** Min-heap of events by (time, scheduling order). */
export class EventQueue {
  private readonly heap: Event[] = [];
  private seq = 0;

  /** Schedules `run` at `time`; returns a function that cancels it. */
  at(time: number, run: () => void): () => void {
    const heap = this.heap;
    const event: Event = { time, seq: this.seq++, run, cancelled: false };
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
    return () => {
      event.cancelled = true;
    };
  }

  /** Time of the next event that is not cancelled (Infinity when there is none). */
  nextTime(): number {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0].time : Infinity;
  }

  /** Removes and runs the next event (call after {@link nextTime} returned a finite time). */
  runNext(): void {
    this.pop().run();
  }

  private pop(): Event {
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
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
