// Where the byte reader gives up: the error that carries the byte at which the input stopped making sense.

/** Thrown at the byte where the input stops making sense (or ends): the caller decides whether more bytes would help. */
export class StopAt extends Error {
  constructor(readonly at: number) {
    super(`unexpected input at byte ${at}`);
  }
}

/** Never returns: a reader calls it where a byte is not what the JSON allows there (kept out of line: it runs once per bad input). */
export function stop(at: number): never {
  throw new StopAt(at);
}
