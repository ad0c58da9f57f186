// Which instrumentation reported a process's spans, and so by which door they came, read from the process tags each SDK sets.
import type { JaegerProcess } from '../../model/index.ts';

const tagOf = (p: JaegerProcess | undefined, key: string): string | undefined => {
  const v = p?.tags?.find((t) => t?.key === key)?.value;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

const SDK_NAMES: Record<string, string> = { opentelemetry: 'OpenTelemetry' };

/**
 * "OTLP · OpenTelemetry (nodejs)" for an OpenTelemetry SDK (its resource's telemetry.sdk.*, sent
 * over OTLP), "Thrift · jaeger-client (Node)" for a Jaeger client (its jaeger.version, sent as
 * Thrift); undefined when the process says neither.
 */
export function reporterOf(p: JaegerProcess | undefined): string | undefined {
  const sdk = tagOf(p, 'telemetry.sdk.name');
  if (sdk) {
    const lang = tagOf(p, 'telemetry.sdk.language');
    return `OTLP · ${SDK_NAMES[sdk] ?? sdk}${lang ? ` (${lang})` : ''}`;
  }
  const jaeger = tagOf(p, 'jaeger.version');
  if (jaeger) {
    // "Node-3.19.0", "Go-2.30.0": the client's language before the dash.
    const lang = /^([A-Za-z]+)-/.exec(jaeger)?.[1];
    return `Thrift · jaeger-client${lang ? ` (${lang})` : ''}`;
  }
  return undefined;
}

/** Per service name, its reporters (several processes of one service may differ), in the order the services are listed. */
export function reportersByService(processes: Record<string, JaegerProcess>, services: readonly string[]): string[][] {
  const by = new Map<string, Set<string>>();
  for (const p of Object.values(processes ?? {})) {
    const r = reporterOf(p);
    if (!r || typeof p?.serviceName !== 'string') continue;
    let set = by.get(p.serviceName);
    if (!set) by.set(p.serviceName, (set = new Set()));
    set.add(r);
  }
  return services.map((s) => [...(by.get(s) ?? [])]);
}
