/** Input that cannot be used at all (unreadable file, invalid YAML, object without kind): exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
