// The shared server kit: log, port errors, presenter auth, client addresses, the token bucket. The parts import it; it imports no part.
export * from './clientAddress.ts';
export * from './log.ts';
export * from './portErrors.ts';
export * from './presenterAuth.ts';
export * from './tokenBucket.ts';
