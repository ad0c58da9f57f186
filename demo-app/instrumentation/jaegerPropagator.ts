// jaeger-client's header format (uber-trace-id, uberctx-* baggage) as an OpenTelemetry propagator: the bridge that lets an OTel service sit between jaeger-client ones.
//
// OpenTelemetry JS dropped its own @opentelemetry/propagator-jaeger in SDK 3.0 (the format is deprecated in the
// spec in favour of W3C trace context), so the mesh, mid-migration, keeps this small one: jaeger-client is frozen
// and reads nothing else.
import {
  TraceFlags,
  isSpanContextValid,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';

/** `{trace-id}:{span-id}:{parent-span-id}:{flags}`, hex, the trace id 64 or 128 bits. */
export const uberTraceIdHeader = 'uber-trace-id';
/** One header per baggage item; jaeger-client URL-encodes the values. */
export const uberBaggagePrefix = 'uberctx-';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export class JaegerPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(context);
    if (sc && isSpanContextValid(sc)) {
      // A trace jaeger-client started has a 64-bit id: write it back as jaeger-client wrote it.
      const traceId = sc.traceId.startsWith('0000000000000000') ? sc.traceId.slice(16) : sc.traceId;
      const flags = (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '1' : '0';
      setter.set(carrier, uberTraceIdHeader, `${traceId}:${sc.spanId}:0:${flags}`);
    }
    const baggage = propagation.getBaggage(context);
    for (const [key, entry] of baggage?.getAllEntries() ?? []) setter.set(carrier, `${uberBaggagePrefix}${key}`, encodeURIComponent(entry.value));
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let out = context;
    const header = first(getter.get(carrier, uberTraceIdHeader));
    const parts = header ? decode(header).split(':') : [];
    if (parts.length === 4 && parts.every((p) => /^[0-9a-f]{1,32}$/i.test(p))) {
      const sc = {
        traceId: parts[0]!.toLowerCase().padStart(32, '0'),
        spanId: parts[1]!.toLowerCase().padStart(16, '0'),
        traceFlags: parseInt(parts[3]!, 16) & TraceFlags.SAMPLED,
        isRemote: true,
      };
      if (isSpanContextValid(sc)) out = trace.setSpanContext(out, sc);
    }
    const items: [string, { value: string }][] = [];
    for (const key of getter.keys(carrier)) {
      if (!key.toLowerCase().startsWith(uberBaggagePrefix)) continue;
      const value = first(getter.get(carrier, key));
      if (value !== undefined) items.push([key.slice(uberBaggagePrefix.length).toLowerCase(), { value: decode(value) }]);
    }
    if (items.length === 0) return out;
    // Merged into whatever W3C baggage the request also carried.
    const existing = propagation.getBaggage(out) ?? propagation.createBaggage();
    return propagation.setBaggage(out, items.reduce((b, [k, v]) => b.setEntry(k, v), existing));
  }

  fields(): string[] {
    return [uberTraceIdHeader];
  }
}
