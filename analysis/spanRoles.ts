// What a span is, read from the standard tags only (OpenTracing and OpenTelemetry conventions): a call out, a read, its input, its peer.
import type { JaegerSpan } from '../model/index.ts';
import { forEachChild, tagString, tagsOf, type TraceIndex } from './traceIndex.ts';

const CALL_TAGS = new Set([
  'peer.service',
  'db.statement',
  'db.system',
  'db.type',
  'db.query.text',
  'http.url',
  'url.full',
  'rpc.service',
  'rpc.system',
  'messaging.system',
  'net.peer.name',
  'server.address',
]);

/** Keys that say nothing about a call's input, so they never make two calls look different. */
const NOT_INPUT =
  /^(span\.kind|component|error|otel\.|sampler\.|internal\.|thread\.|http\.status_code|http\.response|net\.peer\.port|peer\.port|server\.port|cache\.hit|pool\.|jaeger\.|hostname|ip$)/;
const INPUT_LIKE = /^(param|arg|query|key|request)|(\b|_|\.)(id|key|keys|ids|params?)$/i;

const READ_VERBS = /^(select|get|mget|hget|hgetall|exists|find|findone|count|read|fetch|load|lookup|list|search|query|head|scan)$/i;
const READ_OPERATION = /^(get|head|read|fetch|find|load|select|query|lookup|list|search)(?![a-z])/i;

/** Wait words in a span's name, tags or logs: supporting evidence only, never enough on their own. */
const WAIT_WORDS =
  /\b(wait(s|ed|ing)?|queue[ds]?|queueing|queuing|lock(s|ed|ing)?|mutex|semaphore|contention|contended|acquir(e|ed|es|ing)|blocked|behind)\b/i;
const RETRY_WORDS = /\b(retr(y|ies|ied|ying)|attempts?|timed? ?out|timeout|backoff)\b/i;

export interface SpanRoles {
  /** The span calls something outside its own code: another service, a database, a queue. */
  isCall(i: number): boolean;
  /** A call that only reads (SELECT, GET…): safe to cache, batch or run alongside others. */
  isRead(i: number): boolean;
  /** Text that identifies the call's input (statement, URL, id-like tags), or undefined when the span does not show one. */
  inputKey(i: number): string | undefined;
  /** Who is called: peer.service, the database, the callee's service, or the URL's host. */
  peerOf(i: number): string | undefined;
  /** A short noun for one call, e.g. "SELECT" or "call to inventory". */
  verb(i: number): string | undefined;
  /** The span's component tag (the library or kind of worker that made it). */
  component(i: number): string | undefined;
  /** The database statement it ran (db.statement or db.query.text), if any. */
  statement(i: number): string | undefined;
  /** A child of `p` starting within [from, to] µs is a cache lookup that missed (cache.hit=false). */
  cacheMissBetween(p: number, from: number, to: number): boolean;
  /** The span or something below it was served from a cache (cache.hit=true). */
  servedFromCache(i: number): boolean;
  /** First text of the span (name, tag or log) with a wait word, if any. */
  waitText(i: number): string | undefined;
  /** First text of the span (tag or log) with a retry word, if any. */
  retryText(i: number): string | undefined;
}

/** A statement with its literals taken out, so "WHERE id = 3" and "WHERE id = 8" read as one query. */
export function statementShape(statement: string): string {
  return statement
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The statement's first keyword, past leading SQL comments. */
function statementVerb(statement: string): string | undefined {
  const m = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*([A-Za-z]+)/.exec(statement);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** Tag keys join words with dots and underscores; word boundaries need spaces. */
function words(key: string): string {
  return key.replace(/[._-]+/g, ' ');
}

function hostOf(url: string): string | undefined {
  const m = /^[a-z]+:\/\/([^/:?#]+)/i.exec(url);
  return m ? m[1] : undefined;
}

/** Log lines first (they say most), then string tags. */
function fieldTexts(s: JaegerSpan): string[] {
  const out: string[] = [];
  for (const log of Array.isArray(s.logs) ? s.logs : []) {
    const fields = (Array.isArray(log?.fields) ? log.fields : []).filter((f) => f && f.key !== 'stack');
    // The message says most; without one, every field as key=value.
    const said = fields.find((f) => f.key === 'message' || f.key === 'msg') ?? fields.find((f) => f.key === 'event');
    const text = said ? String(said.value) : fields.map((f) => `${f.key}=${String(f.value)}`).join(' ');
    if (text) out.push(text);
  }
  for (const t of tagsOf(s)) if (t && typeof t.value === 'string' && !NOT_INPUT.test(t.key)) out.push(`${t.key}=${t.value}`);
  return out;
}

/** The tags every detector asks about, read in one pass over each span's tags. */
interface SpanFacts {
  kind: (string | undefined)[];
  callTag: Uint8Array;
  peer: (string | undefined)[];
  statement: (string | undefined)[];
  url: (string | undefined)[];
  method: (string | undefined)[];
  component: (string | undefined)[];
  /** 1 = cache.hit true, 2 = cache.hit false. */
  cacheHit: Uint8Array;
}

function readFacts(ix: TraceIndex): SpanFacts {
  const n = ix.n;
  const f: SpanFacts = {
    kind: new Array<string | undefined>(n),
    callTag: new Uint8Array(n),
    peer: new Array<string | undefined>(n),
    statement: new Array<string | undefined>(n),
    url: new Array<string | undefined>(n),
    method: new Array<string | undefined>(n),
    component: new Array<string | undefined>(n),
    cacheHit: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    let peerRank = 9;
    for (const t of tagsOf(ix.spans[i]!)) {
      if (!t) continue;
      const k = t.key;
      if (CALL_TAGS.has(k)) f.callTag[i] = 1;
      switch (k) {
        case 'span.kind':
          f.kind[i] = String(t.value);
          break;
        case 'peer.service':
        case 'db.instance':
        case 'db.name':
        case 'db.namespace': {
          const rank = PEER_KEYS.indexOf(k);
          if (rank < peerRank) {
            peerRank = rank;
            f.peer[i] = String(t.value);
          }
          break;
        }
        case 'db.statement':
        case 'db.query.text':
          f.statement[i] ??= String(t.value);
          break;
        case 'http.url':
        case 'url.full':
        case 'http.target':
          if (f.url[i] === undefined || k !== 'http.target') f.url[i] = String(t.value);
          break;
        case 'http.method':
        case 'http.request.method':
          f.method[i] = String(t.value).toUpperCase();
          break;
        case 'component':
          f.component[i] = String(t.value);
          break;
        case 'cache.hit':
          if (t.value === true || t.value === 'true') f.cacheHit[i] = 1;
          else if (t.value === false || t.value === 'false') f.cacheHit[i] = 2;
          break;
      }
    }
  }
  return f;
}

const PEER_KEYS = ['peer.service', 'db.instance', 'db.name', 'db.namespace'];

export function spanRoles(ix: TraceIndex): SpanRoles {
  const { spans, service } = ix;
  const f = readFacts(ix);
  const crossChild = new Uint8Array(ix.n);
  for (let i = 0; i < ix.n; i++) {
    const p = ix.parent[i]!;
    if (p >= 0 && service[p] !== service[i]) crossChild[p] = 1;
  }
  // Bottom-up: a cache hit anywhere below means this call was already cached.
  const cacheBelow = Uint8Array.from(f.cacheHit, (v) => (v === 1 ? 1 : 0));
  for (let k = ix.n - 1; k >= 0; k--) {
    const i = ix.topo[k]!;
    const p = ix.parent[i]!;
    if (p >= 0 && cacheBelow[i]) cacheBelow[p] = 1;
  }
  const inputs = new Array<string | undefined | null>(ix.n).fill(null);
  const peers = new Array<string | undefined | null>(ix.n).fill(null);

  const isCall = (i: number): boolean => {
    const kind = f.kind[i];
    if (kind === 'server' || kind === 'consumer') return false;
    return kind === 'client' || kind === 'producer' || crossChild[i] === 1 || f.callTag[i] === 1;
  };

  const verbs = new Array<string | undefined | null>(ix.n).fill(null);
  const verb = (i: number): string | undefined => {
    const known = verbs[i];
    if (known !== null) return known;
    const st = f.statement[i];
    let v: string | undefined;
    if (st) v = statementVerb(st);
    else if (f.method[i]) v = f.method[i];
    else v = /^([A-Z]+)\s+\//.exec(spans[i]!.operationName ?? '')?.[1];
    verbs[i] = v;
    return v;
  };

  /** Who a span without peer tags calls: the callee's service, the URL's host, the address or database system. */
  const findPeer = (i: number): string | undefined => {
    let callee: string | undefined;
    forEachChild(ix, i, (c) => {
      if (callee === undefined && service[c] !== service[i]) callee = service[c];
    });
    if (callee) return callee;
    const url = f.url[i];
    const s = spans[i]!;
    return (url && hostOf(url)) ?? tagString(s, 'net.peer.name') ?? tagString(s, 'server.address') ?? tagString(s, 'db.system');
  };

  return {
    isCall,
    isRead(i) {
      const v = verb(i);
      if (v) return READ_VERBS.test(v);
      return READ_OPERATION.test(spans[i]!.operationName ?? '');
    },
    inputKey(i) {
      const known = inputs[i];
      if (known !== null) return known;
      let key = f.statement[i] ?? f.url[i];
      if (key === undefined) {
        const parts: string[] = [];
        for (const t of tagsOf(spans[i]!))
          if (t && !NOT_INPUT.test(t.key) && INPUT_LIKE.test(t.key)) parts.push(`${t.key}=${String(t.value)}`);
        if (parts.length > 0) key = parts.sort().join('&');
      }
      inputs[i] = key;
      return key;
    },
    peerOf(i) {
      if (f.peer[i]) return f.peer[i];
      const known = peers[i];
      if (known !== null) return known;
      const found = findPeer(i);
      peers[i] = found;
      return found;
    },

    component: (i) => f.component[i],
    statement: (i) => f.statement[i],
    verb,
    servedFromCache: (i) => cacheBelow[i] === 1,
    cacheMissBetween(p, from, to) {
      // Children are by start: walk those starting inside the window.
      for (let k = ix.childOffset[p]!; k < ix.childOffset[p + 1]!; k++) {
        const c = ix.childList[k]!;
        if (c < 0) continue;
        if (ix.start[c]! > to) break;
        if (ix.start[c]! >= from && f.cacheHit[c] === 2) return true;
      }
      return false;
    },
    waitText(i) {
      const s = spans[i]!;
      // A count or time of waiting stated as zero says there was no wait, whatever else the words say.
      for (const t of tagsOf(s)) if (t && typeof t.value === 'number' && t.value === 0 && WAIT_WORDS.test(words(t.key))) return undefined;
      // Most telling first: what the span logged, then a counted wait, then its name.
      const logged = fieldTexts(s).find((x) => WAIT_WORDS.test(x));
      if (logged) return logged;
      for (const t of tagsOf(s))
        if (t && WAIT_WORDS.test(words(t.key)) && typeof t.value === 'number') return `${t.key}=${String(t.value)}`;
      return WAIT_WORDS.test(s.operationName ?? '') ? s.operationName : undefined;
    },
    retryText(i) {
      const s = spans[i]!;
      for (const t of tagsOf(s)) if (t && RETRY_WORDS.test(words(t.key))) return `${t.key}=${String(t.value)}`;
      return fieldTexts(s).find((x) => RETRY_WORDS.test(x));
    },
  };
}
