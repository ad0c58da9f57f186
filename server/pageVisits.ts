// Which devices loaded one of our pages lately: presence counts a device only if it behaved like a page first.
import type { RequestHandler } from 'express';
import { addressOf } from '../pkg/index.ts';

/** A page stays open for the length of a talk; a device that loaded one this long ago still counts. */
const REMEMBER_MS = 3 * 3600_000;
/** Bounded whatever the crowd: the oldest visit is forgotten first. */
const MAX_DEVICES = 20_000;

export class PageVisits {
  private readonly lastVisit = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  note(address: string): void {
    this.lastVisit.delete(address);
    this.lastVisit.set(address, this.clock());
    if (this.lastVisit.size > MAX_DEVICES) this.lastVisit.delete(this.lastVisit.keys().next().value!);
  }

  loadedPage = (address: string): boolean => {
    const at = this.lastVisit.get(address);
    return at !== undefined && this.clock() - at < REMEMBER_MS;
  };

  /** Notes the device on every page GET (/join, the deck, the viewer), then passes on. */
  readonly middleware: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' && /^\/(join|viewer)?(\.html)?$|^\/index\.html$/.test(req.path)) this.note(addressOf(req.socket));
    next();
  };
}
