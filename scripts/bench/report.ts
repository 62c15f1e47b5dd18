/**
 * Turns the rounds' samples into the report: per target the median req/s and p99, the ratio to
 * bare Express of the same round (median and min–max over rounds), the server's memory, and the
 * issue's goal beside the figure it is about.
 */
import type { Sample } from './measure.js';
import type { BenchOptions } from './options.js';
import type { Target } from './targets.js';

export interface RunInfo {
  started: string;
  machine: { cores: number; model: string; node: string; loadBefore: number; loadAfter: number };
  options: BenchOptions;
  /** bcrypt reference hash: cost, median ms over the rounds, pool size */
  hash: { cost: number; ms: number | undefined; pool: number };
}

export interface ProcessReport {
  name: string;
  pid: number;
  gatehouse: boolean;
  idleMb: number | undefined;
  peakMb: number | undefined;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface TargetReport {
  id: string;
  label: string;
  rps: number;
  p99: number;
  rssMb: number | undefined;
  vsExpress: Spread | undefined;
  goal: string;
  measured: string;
  met: boolean | undefined;
  /** why the target has no figure: a wrong answer in some round */
  failed: string | undefined;
  rounds: Sample[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const spread = (xs: number[]): Spread | undefined => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : undefined);
const fix = (n: number, digits = 2) => n.toFixed(digits);
const rate = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
/** Ratios far below 1 (a login against a bare handler) keep two significant digits instead of reading 0.00. */
const ratio = (n: number, digits = 2) => (n >= 0.1 || n === 0 ? fix(n, digits) : n.toPrecision(2));
const range = (s: Spread, digits = 2) => (s.min === s.max ? '' : ` (${ratio(s.min, digits)}–${ratio(s.max, digits)})`);

/** Per-round ratios of `a` to `b`, pairing samples of the same round. */
function perRound(a: Sample[], b: Sample[] | undefined, pick: (s: Sample) => number): number[] {
  return a.flatMap((s) => {
    const other = b?.find((o) => o.round === s.round);
    return other && pick(other) > 0 ? [pick(s) / pick(other)] : [];
  });
}

function judge(target: Target, samples: Map<string, Sample[]>, info: RunInfo, rps: number, vsExpress: Spread | undefined): Pick<TargetReport, 'goal' | 'measured' | 'met'> {
  const goal = target.goal;
  switch (goal.kind) {
    case 'none':
      return { goal: '—', measured: '', met: undefined };
    case 'reference':
      return { goal: 'reference', measured: '', met: undefined };
    case 'vs-express':
      return { goal: `≥ ${fix(goal.min, 1)}× Express`, measured: vsExpress ? `${ratio(vsExpress.median)}×` : 'no Express figure', met: vsExpress ? vsExpress.median >= goal.min : undefined };
    case 'logins': {
      const { ms, pool } = info.hash;
      if (!ms) return { goal: `≥ ${goal.share} × pool / hash time`, measured: 'no hash time', met: undefined };
      const wanted = (goal.share * pool * 1000) / ms;
      const ceiling = (info.machine.cores * 1000) / ms;
      return { goal: `≥ ${goal.share} × ${pool} / ${fix(ms, 0)} ms = ${rate(wanted)}/s`, measured: `${rate(rps)}/s = ${fix(rps / ceiling)} × cores/hash (${rate(ceiling)}/s)`, met: rps >= wanted };
    }
    case 'storm': {
      const mine = samples.get(target.id) ?? [];
      const alone = spread(perRound(mine, samples.get(goal.alone), (s) => s.rps));
      const p99 = spread(perRound(mine, samples.get(goal.alone), (s) => s.p99));
      const stormRate = median(mine.map((s) => s.storm?.rps ?? 0));
      const text = `≥ ${goal.ratio}× alone, p99 ≤ ${goal.p99}× alone`;
      if (!alone || !p99) return { goal: text, measured: 'no figure alone', met: undefined };
      return {
        goal: text,
        measured: `${fix(alone.median)}×${range(alone)}, p99 ${fix(p99.median, 1)}×${range(p99, 1)}; storm ${rate(stormRate)} logins/s`,
        met: alone.median >= goal.ratio && p99.median <= goal.p99,
      };
    }
  }
}

export function summarize(targets: Target[], samples: Map<string, Sample[]>, failures: Map<string, string>, info: RunInfo): TargetReport[] {
  const express = samples.get('express');
  return targets.map((target) => {
    const failed = failures.get(target.id);
    const rounds = samples.get(target.id) ?? [];
    if (failed || !rounds.length) {
      const { goal } = judge(target, samples, info, NaN, undefined);
      return { id: target.id, label: target.label, rps: NaN, p99: NaN, rssMb: undefined, vsExpress: undefined, goal, measured: '', met: false, failed: failed ?? 'not measured', rounds };
    }
    const rps = median(rounds.map((s) => s.rps));
    const vsExpress = spread(perRound(rounds, express, (s) => s.rps));
    const rss = rounds.flatMap((s) => (s.rssMb === undefined ? [] : [s.rssMb]));
    const judged = judge(target, samples, info, rps, vsExpress);
    const starved = rounds.filter((s) => s.starved).length;
    const measured = starved ? `${judged.measured}${judged.measured ? '; ' : ''}nothing completed in ${starved} round(s), p99 is a lower bound` : judged.measured;
    return { id: target.id, label: target.label, rps, p99: median(rounds.map((s) => s.p99)), rssMb: rss.length ? Math.max(...rss) : undefined, vsExpress, ...judged, measured, failed: undefined, rounds };
  });
}

const IDLE_GOAL_MB = 120;
const PEAK_GOAL_MB = 250;

export function processGoal(p: ProcessReport): { goal: string; met: boolean | undefined } {
  if (!p.gatehouse) return { goal: '—', met: undefined };
  const met = p.idleMb === undefined || p.peakMb === undefined ? undefined : p.idleMb <= IDLE_GOAL_MB && p.peakMb <= PEAK_GOAL_MB;
  return { goal: `idle ≤ ${IDLE_GOAL_MB}, peak ≤ ${PEAK_GOAL_MB}`, met };
}

function table(head: string[], rows: string[][], leftColumns: number[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => leftColumns.includes(i);
  const line = (cells: string[]) => `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (left(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

const oneLine = (text: string) => (text.length > 90 ? `${text.slice(0, 89)}…` : text).replace(/\|/g, '\\|');
const mb = (n: number | undefined) => (n === undefined ? 'n/a' : n.toFixed(0));
const yesNo = (met: boolean | undefined) => (met === undefined ? '' : met ? 'yes' : 'NO');

export function markdown(info: RunInfo, reports: TargetReport[], processes: ProcessReport[]): string {
  const o = info.options;
  const m = info.machine;
  const header = [
    `Gatehouse bench, ${info.started}: ${m.cores} × ${m.model}, Node ${m.node}, load average ${fix(m.loadBefore)} before and ${fix(m.loadAfter)} after the run.`,
    `${o.rounds} interleaved round(s) × ${o.duration} s per target after ${o.warmup} s of warm-up, ${o.connections} connections${o.sessions ? `, ${o.sessions} sessions in the table` : ''}${reports.some((r) => r.id.includes('-storm:')) ? `; storms: ${o.stormConnections} concurrent wrong-password logins` : ''}.`,
    `bcrypt cost ${info.hash.cost}: ${info.hash.ms === undefined ? 'not measured' : `${fix(info.hash.ms, 0)} ms a hash`}; hashing pool ${info.hash.pool}. Ratios are to bare Express in the same round: median (min–max over rounds).`,
  ].join('\n');
  const targets = table(
    ['target', 'req/s', 'p99 ms', '× Express', 'RSS MB', 'goal', 'measured', 'met'],
    reports.map((r) =>
      r.failed
        ? [r.label, 'failed', '', '', '', r.goal, oneLine(r.failed), 'NO']
        : [r.label, rate(r.rps), fix(r.p99, 1), r.vsExpress ? `${ratio(r.vsExpress.median)}${range(r.vsExpress)}` : '', mb(r.rssMb), r.goal, r.measured, yesNo(r.met)],
    ),
    [0, 5, 6],
  );
  const memory = table(
    ['process', 'pid', 'idle RSS MB', 'peak RSS MB', 'goal', 'met'],
    processes.map((p) => {
      const g = processGoal(p);
      return [p.name, String(p.pid), mb(p.idleMb), mb(p.peakMb), g.goal, yesNo(g.met)];
    }),
    [0, 4],
  );
  return `${header}\n\n${targets}\n\n${memory}\n`;
}
