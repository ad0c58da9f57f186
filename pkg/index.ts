// The shared server kit: log, port errors, presenter auth, client addresses, the token bucket, event streams. The parts import it; it imports no part.
export * from './clientAddress.ts';
export * from './eventStream.ts';
export * from './log.ts';
export * from './portErrors.ts';
export * from './presenterAuth.ts';
export * from './tokenBucket.ts';
