// The attendee's anonymous id and nickname, kept in localStorage so a reload is the same attendee.
import { isAttendeeId } from '../attendeeIdentity.ts';

const ID_KEY = 'pph.attendee-id';
const NAME_KEY = 'pph.attendee-name';

/** localStorage throws in some private modes; the page then works for this visit only. */
function store(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** 16 random bytes, base64url: getRandomValues works on plain http too (randomUUID needs a secure context). */
function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function attendeeId(): string {
  const s = store();
  const known = s?.getItem(ID_KEY) ?? undefined;
  if (isAttendeeId(known)) return known;
  const id = newId();
  try {
    s?.setItem(ID_KEY, id);
  } catch {
    // Quota or private mode: an id for this visit only.
  }
  return id;
}

export function savedNickname(): string {
  return store()?.getItem(NAME_KEY) ?? '';
}

export function saveNickname(name: string): void {
  try {
    if (name) store()?.setItem(NAME_KEY, name);
    else store()?.removeItem(NAME_KEY);
  } catch {
    // Not remembered; still sent with this visit's requests.
  }
}
