/** Wording shared by messages and reports. */

/** What a failed file operation says in a message: its code (`ENOENT`, `EACCES`), else its message. */
export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** `1 finding`, `3 findings`: a count with its noun, plural when the count is not 1. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
