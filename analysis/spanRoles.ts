// What a span is, read from the standard tags only (OpenTracing and OpenTelemetry conventions): a call out, a read, its input, its peer.
import type { JaegerSpan } from '../model/jaegerJson.ts';
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
const NOT_INPUT = /^(span\.kind|component|error|otel\.|sampler\.|internal\.|thread\.|http\.status_code|http\.response|net\.peer\.port|peer\.port|server\.port|cache\.hit|pool\.|jaeger\.|hostname|ip$)/;
const INPUT_LIKE = /^(param|arg|query|key|request)|(\b|_|\.)(id|key|keys|ids|params?)$/i;

const READ_VERBS = /^(select|get|mget|hget|hgetall|exists|find|findone|count|read|fetch|load|lookup|list|search|query|head|scan)$/i;
const READ_OPERATION = /^(get|head|read|fetch|find|load|select|query|lookup|list|search)(?![a-z])/i;

/** Wait words in a span's name, tags or logs: supporting evidence only, never enough on their own. */
const WAIT_WORDS = /\b(wait(s|ed|ing)?|queue[ds]?|queueing|queuing|lock(s|ed|ing)?|mutex|semaphore|contention|contended|acquir(e|ed|es|ing)|blocked|behind)\b/i;
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
  /** The span or something below it was served from a cache (cache.hit=true). */
  servedFromCache(i: number): boolean;
  /** First text of the span (name, tag or log) with a wait word, if any. */
  waitText(i: number): string | undefined;
  /** First text of the span (tag or log) with a retry word, if any. */
  retryText(i: number): string | undefined;
}

function statementOf(s: JaegerSpan): string | undefined {
  return tagString(s, 'db.statement') ?? tagString(s, 'db.query.text');
}

/** The statement's first keyword, past leading SQL comments. */
export function statementVerb(statement: string): string | undefined {
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

function fieldTexts(s: JaegerSpan): string[] {
  const out: string[] = [];
  for (const t of tagsOf(s)) if (t && typeof t.value === 'string' && !NOT_INPUT.test(t.key)) out.push(`${t.key}=${t.value}`);
  for (const log of Array.isArray(s.logs) ? s.logs : []) {
    const fields = Array.isArray(log?.fields) ? log.fields : [];
    const text = fields
      .filter((f) => f && f.key !== 'stack')
      .map((f) => String(f.value))
      .join(' ');
    if (text) out.push(text);
  }
  return out;
}

export function spanRoles(ix: TraceIndex): SpanRoles {
  const { spans, service } = ix;
  const crossChild = new Uint8Array(ix.n);
  for (let i = 0; i < ix.n; i++) {
    const p = ix.parent[i]!;
    if (p >= 0 && service[p] !== service[i]) crossChild[p] = 1;
  }
  // Bottom-up: a cache hit anywhere below means this call was already cached.
  const cacheBelow = new Uint8Array(ix.n);
  for (let k = ix.n - 1; k >= 0; k--) {
    const i = ix.topo[k]!;
    const v = spans[i]!.tags ? tagString(spans[i]!, 'cache.hit') : undefined;
    if (v === 'true') cacheBelow[i] = 1;
    const p = ix.parent[i]!;
    if (p >= 0 && cacheBelow[i]) cacheBelow[p] = 1;
  }
  const inputCache = new Map<number, string | undefined>();

  const isCall = (i: number): boolean => {
    const s = spans[i]!;
    const kind = tagString(s, 'span.kind');
    if (kind === 'server' || kind === 'consumer') return false;
    if (kind === 'client' || kind === 'producer' || crossChild[i]) return true;
    for (const t of tagsOf(s)) if (t && CALL_TAGS.has(t.key)) return true;
    return false;
  };

  const verb = (i: number): string | undefined => {
    const s = spans[i]!;
    const st = statementOf(s);
    if (st) return statementVerb(st);
    const method = tagString(s, 'http.method') ?? tagString(s, 'http.request.method');
    if (method) return method.toUpperCase();
    const m = /^([A-Z]+)\s+\//.exec(s.operationName ?? '');
    return m ? m[1] : undefined;
  };

  return {
    isCall,
    isRead(i) {
      const s = spans[i]!;
      const v = verb(i);
      if (v) return READ_VERBS.test(v);
      return READ_OPERATION.test(s.operationName ?? '');
    },
    inputKey(i) {
      if (inputCache.has(i)) return inputCache.get(i);
      const s = spans[i]!;
      let key = statementOf(s) ?? tagString(s, 'http.url') ?? tagString(s, 'url.full') ?? tagString(s, 'http.target');
      if (key === undefined) {
        const parts: string[] = [];
        for (const t of tagsOf(s)) if (t && !NOT_INPUT.test(t.key) && INPUT_LIKE.test(t.key)) parts.push(`${t.key}=${String(t.value)}`);
        if (parts.length > 0) key = parts.sort().join('&');
      }
      inputCache.set(i, key);
      return key;
    },
    peerOf(i) {
      const s = spans[i]!;
      const tagged = tagString(s, 'peer.service') ?? tagString(s, 'db.instance') ?? tagString(s, 'db.name') ?? tagString(s, 'db.namespace');
      if (tagged) return tagged;
      let callee: string | undefined;
      forEachChild(ix, i, (c) => {
        if (callee === undefined && service[c] !== service[i]) callee = service[c];
      });
      if (callee) return callee;
      const url = tagString(s, 'http.url') ?? tagString(s, 'url.full');
      return (url && hostOf(url)) ?? tagString(s, 'net.peer.name') ?? tagString(s, 'server.address') ?? tagString(s, 'db.system');
    },
    verb,
    servedFromCache: (i) => cacheBelow[i] === 1,
    waitText(i) {
      const s = spans[i]!;
      if (WAIT_WORDS.test(s.operationName ?? '')) return s.operationName;
      for (const t of tagsOf(s)) if (t && WAIT_WORDS.test(words(t.key)) && typeof t.value !== 'boolean') return `${t.key}=${String(t.value)}`;
      return fieldTexts(s).find((x) => WAIT_WORDS.test(x));
    },
    retryText(i) {
      const s = spans[i]!;
      for (const t of tagsOf(s)) if (t && RETRY_WORDS.test(words(t.key))) return `${t.key}=${String(t.value)}`;
      return fieldTexts(s).find((x) => RETRY_WORDS.test(x));
    },
  };
}
