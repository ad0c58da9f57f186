// Presenter-only actions: a bearer token compared in constant time.
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export function isPresenter(req: Request, token: string): boolean {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1].trim());
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
