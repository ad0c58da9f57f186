// Turns "address in use" into a one-line error that names the port and the variable to change.
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly envName: string,
    readonly what: string,
  ) {
    super(`${what}: port ${port} is already in use — set ${envName} to another port (0 picks any free one)`);
    this.name = 'PortInUseError';
  }
}

export function asPortError(err: unknown, port: number, envName: string, what: string): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') return new PortInUseError(port, envName, what);
  return err instanceof Error ? err : new Error(String(err));
}
