// Who an attendee is: the anonymous id and optional nickname their page sends, checked and made header-safe.

/** The page keeps this id in localStorage; the server only checks its shape. */
export const ATTENDEE_ID_HEADER = 'x-attendee-id';
/** Optional nickname; the page folds it to NICKNAME_CHARSET before sending. */
export const ATTENDEE_NAME_HEADER = 'x-attendee-name';

export const NICKNAME_MAX = 24;
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/**
 * Nicknames travel as baggage in `uberctx-*` headers through every service and end up as
 * span tags. Plain ASCII letters, digits, spaces and `.'_-` survive any header encoder and
 * read the same on the projector, so that is all a nickname may hold.
 */
const NICKNAME_CHARSET = /^[A-Za-z0-9 ._'-]*$/;

export interface Attendee {
  id: string;
  /** Undefined when the attendee gave no nickname. */
  name: string | undefined;
}

export function isAttendeeId(id: string | undefined): id is string {
  return id !== undefined && ID_PATTERN.test(id);
}

export type IdentityResult = { ok: true; attendee: Attendee } | { ok: false; reason: string };

/**
 * Folds a typed nickname toward the allowed charset ("Zoë  O’Neil " → "Zoe O'Neil"):
 * accents dropped, curly quotes straightened, runs of spaces collapsed, ends trimmed.
 * The page applies it as the attendee types, the server before checking.
 */
export function foldNickname(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[\u2018\u2019\u02BC]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the page sends: the folded nickname with anything outside the charset dropped, cut to length. */
export function cleanNickname(raw: string): string {
  return foldNickname(raw)
    .replace(/[^A-Za-z0-9 ._'-]+/g, '')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, NICKNAME_MAX)
    .trim();
}

export function parseAttendee(idHeader: string | undefined, nameHeader: string | undefined, fallbackId?: string): IdentityResult {
  if (idHeader === undefined || idHeader === '') {
    if (fallbackId === undefined) return { ok: false, reason: `missing ${ATTENDEE_ID_HEADER} header (open /join to take part)` };
    idHeader = fallbackId;
  }
  if (!ID_PATTERN.test(idHeader)) {
    return { ok: false, reason: `${ATTENDEE_ID_HEADER} must be 8 to 64 characters of A-Z, a-z, 0-9, "_" or "-"` };
  }
  if (nameHeader === undefined) return { ok: true, attendee: { id: idHeader, name: undefined } };
  const name = foldNickname(nameHeader);
  if (name.length > NICKNAME_MAX) {
    return { ok: false, reason: `nickname is longer than ${NICKNAME_MAX} characters` };
  }
  if (!NICKNAME_CHARSET.test(name)) {
    return { ok: false, reason: `nickname may hold only letters A-Z, digits, spaces and . ' _ -` };
  }
  return { ok: true, attendee: { id: idHeader, name: name === '' ? undefined : name } };
}

/**
 * Baggage for the mesh: every value already header-safe (checked above), keys as the span tags show them.
 * Spans are public (the query API), and the id is what spends an attendee's allowance, so the
 * baggage carries `publicTag` (a keyed hash the server makes, see attendeeGate.ts), never the id.
 */
export function attendeeBaggage(attendee: Attendee, publicTag: string): Record<string, string> {
  const baggage: Record<string, string> = { 'attendee-id': publicTag };
  if (attendee.name !== undefined) baggage['attendee-name'] = attendee.name;
  return baggage;
}
