/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for the tests. The one parser on
 * npm (parse-prometheus-text-format 1.1) merges every series of a labelled histogram into one and
 * drops their labels, which is exactly what these tests look at; so a small one here, which throws
 * on anything the format does not allow.
 */
export interface Sample {
  /** the sample's own name: `x`, or `x_bucket` / `x_sum` / `x_count` of a histogram `x` */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const SUFFIXES: Record<MetricFamily['type'], string[]> = { counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

export function parseExposition(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const declared = new Set<string>();
  const familyOf = (name: string) => [...families.values()].find((f) => SUFFIXES[f.type].some((s) => `${f.name}${s}` === name));
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (declared.has(`${kind} ${name}`)) throw new Error(`second ${kind} for ${name}`);
      declared.add(`${kind} ${name}`);
      const family = families.get(name) ?? { name, type: 'untyped' as const, help: '', samples: [] };
      if (family.samples.length) throw new Error(`${kind} after the samples of ${name}`);
      if (kind === 'HELP') family.help = rest;
      else if (rest in SUFFIXES) family.type = rest as MetricFamily['type'];
      else throw new Error(`unknown type in: ${line}`);
      families.set(name, family);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText = '', rawValue] = match as unknown as [string, string, string | undefined, string];
    // Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : /^nan$/i.test(rawValue) ? NaN : Number(rawValue);
    if (Number.isNaN(value) && !/^nan$/i.test(rawValue)) throw new Error(`bad value in: ${line}`);
    const family = familyOf(name);
    if (!family) throw new Error(`sample without a declared family: ${line}`);
    family.samples.push({ name, labels: parseLabels(labelText, line), value });
  }
  return [...families.values()];
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels in: ${line}`);
    if (m[1]! in labels) throw new Error(`repeated label in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** GET /metrics, checked to be the text format 0.0.4, parsed. */
export async function scrape(baseUrl: string): Promise<MetricFamily[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain') || !type.includes('version=0.0.4')) throw new Error(`/metrics content type ${type}`);
  return parseExposition(await response.text());
}

export function family(families: readonly MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((f) => f.name === name);
}

const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

/** A counter's or gauge's value, or a histogram's observation count, for the series with these labels; 0 when it does not exist yet. */
export function valueOf(families: readonly MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const f = family(families, name);
  const sampleName = f?.type === 'histogram' || f?.type === 'summary' ? `${name}_count` : name;
  return f?.samples.find((s) => s.name === sampleName && matches(s, labels))?.value ?? 0;
}

/** The bucket bounds (le) of one histogram series, ascending. */
export function bucketBounds(families: readonly MetricFamily[], name: string, labels: Record<string, string>): number[] {
  const bounds = family(families, name)?.samples.filter((s) => s.name === `${name}_bucket` && matches(s, labels)).map((s) => (s.labels.le === '+Inf' ? Infinity : Number(s.labels.le)));
  return (bounds ?? []).sort((a, b) => a - b);
}

/** The label sets of a family's series (of its sample named like the family, or its _count). */
export function seriesLabels(families: readonly MetricFamily[], name: string): Record<string, string>[] {
  const f = family(families, name);
  const sampleName = f?.type === 'histogram' || f?.type === 'summary' ? `${name}_count` : name;
  return (f?.samples ?? []).filter((s) => s.name === sampleName).map((s) => s.labels);
}
