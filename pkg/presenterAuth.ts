// Presenter-only actions: a bearer token compared in constant time; streams may carry it in the query (EventSource sends no headers).
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isPresenter(req: Request, token: string): boolean {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match !== null && sameToken(match[1]!, token);
}

/**
 * For server-sent-event streams only: the browser's EventSource cannot set a header, so the
 * deck sends the token as `?token=` on the stream's own request (never in the page's address).
 */
export function isPresenterStream(req: Request, token: string): boolean {
  if (isPresenter(req, token)) return true;
  const q = req.query.token;
  return typeof q === 'string' && q !== '' && sameToken(q, token);
}
