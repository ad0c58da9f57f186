// Query-parameter rules shared by the v1 and v3 query routes, as Jaeger's query service applies them (ids, booleans, prettyPrint, limits).
import type { Request, Response } from 'express';
import { parseTraceId } from './traceStore.ts';

export class BadQuery extends Error {}

/** First value of a query parameter, '' counting as absent (Go's url.Values.Get). */
export function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/** Go's strconv.ParseBool: the only spellings Jaeger takes for raw=, rawTraces=… */
const BOOLS: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

export function boolParam(req: Request, name: string): boolean {
  return parseBool(name, one(req, name));
}

/** The same rule for a value already read (v3 reads a parameter under either of two names); absent = false. */
export function parseBool(name: string, s: string | undefined): boolean {
  if (s === undefined) return false;
  const b = BOOLS[s];
  if (b === undefined)
    throw new BadQuery(`unable to parse param '${name}': not a boolean (true/false/1/0): ${JSON.stringify(s.slice(0, 40))}`);
  return b;
}

const INT32_MAX = 2_147_483_647;

/** A decimal integer that fits in a Go int32 (Jaeger parses limit= with strconv.ParseInt(s, 10, 32)). */
export function int32Param(req: Request, name: string): number | undefined {
  const s = one(req, name);
  if (s === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(s)) throw new BadQuery(`unable to parse param '${name}': not an integer: ${JSON.stringify(s.slice(0, 40))}`);
  const n = Number(s);
  if (n > INT32_MAX || n < -INT32_MAX - 1)
    throw new BadQuery(`unable to parse param '${name}': ${JSON.stringify(s.slice(0, 40))} is out of range (at most ${INT32_MAX})`);
  return n;
}

/** The trace id as Jaeger prints it in errors: 16 hex digits, or 32 when the high half is set. */
export function paddedTraceId(key: string): string {
  return key.padStart(key.length > 16 ? 32 : 16, '0');
}

/**
 * A trace id in a path: hex (1–32 digits, no spaces), or — as Jaeger v2 accepts — the 16 bytes
 * in standard or URL-safe base64, padded or not. Returns the store's key.
 */
export function traceIdFromPath(text: string): string | undefined {
  const hex = parseTraceId(text);
  if (hex !== undefined) return hex;
  if (text.length > 24 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 16) return undefined;
  return parseTraceId(bytes.toString('hex'));
}

/** Jaeger's prettyPrint=: any value but "false" indents the answer with four spaces ('' = compact). */
export function prettyIndent(req: Request): string {
  const pretty = one(req, 'prettyPrint');
  return pretty !== undefined && pretty !== 'false' ? '    ' : '';
}

export function sendJson(req: Request, res: Response, body: unknown, status = 200): void {
  const indent = prettyIndent(req);
  if (indent)
    res
      .status(status)
      .type('application/json')
      .send(JSON.stringify(body, null, indent));
  else res.status(status).json(body);
}
