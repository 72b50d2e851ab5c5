/** Wording shared by messages and reports. */

/** `1 finding`, `3 findings`: a count with its noun, plural when the count is not 1. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
