import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { machine, percentile } from '../lib';
import { OVERVIEW } from '../overview';
import { same, type Difference, type PairSummary } from './agree';
import type { Answer, LoadInfo, RangeCtx } from './types';

/** The markdown report of bench/compare.ts. */

export interface ExtraResult {
  name: string;
  like: string;
  note: string;
  times: Map<string, number[]>;
  answers: Map<string, Answer>;
}

export interface EngineResult {
  name: string;
  method: string[];
  load?: LoadInfo;
  error?: string;
  /** `${range}|${query}` -> wall times of the timed runs, ms. */
  times: Map<string, number[]>;
  /** range -> wall times of the whole dashboard (all queries at once), ms. */
  dashboard: Map<string, number[]>;
  /** `${range}|${query}` -> the answer of the warm-up run. */
  answers: Map<string, Answer>;
  extras: ExtraResult[];
  /** While the timed queries ran: wall time, and shares (0-1) of the machine's CPU time used by us and by other work. */
  cpu?: { wallMs: number; ours: number; others: number };
}

export interface ReportInput {
  events: number;
  runs: number;
  ranges: RangeCtx[];
  results: EngineResult[];
  summaries: PairSummary[];
  differences: Difference[];
  startedAt: Date;
  wallMs: number;
}

export const key = (range: string, query: string) => `${range}|${query}`;

const ms = (v: number) => (Number.isNaN(v) ? '–' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const p = (values: number[] | undefined, q: number) => (values?.length ? percentile(values, q) : Number.NaN);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}x` : '–');

function value(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Headline values to show side by side: [label, query, how to read it from the answer]. */
const HEADLINE: Array<[string, string, (a: Answer) => number | null | undefined]> = [
  ['orders', 'orders vs previous period', (a) => a.series[0]?.total],
  ['GMV', 'GMV', (a) => a.series[0]?.total],
  ['AOV', 'AOV', (a) => a.series[0]?.total],
  ['visitors (distinct over range)', 'visitors total', (a) => a.series[0]?.total],
  ['conversion rate %', 'conversion rate', (a) => a.series[0]?.total],
  ['payment failure rate %', 'payment failure rate', (a) => a.series[0]?.total],
  ['zero-result rate %', 'zero-result rate', (a) => a.series[0]?.total],
  ['TTI p75 ms', 'TTI p75', (a) => a.series[0]?.total],
  ['funnel: visit', 'funnel', (a) => a.series[0]?.total],
  ['funnel: payment_succeeded', 'funnel', (a) => a.series[a.series.length - 1]?.total],
];

export function buildReport(input: ReportInput): string {
  const ok = input.results.filter((r) => !r.error);
  const names = ok.map((r) => r.name);
  const shopmon = ok.find((r) => r.name === 'shopmon');
  const out: string[] = [];
  out.push(`# ${names.join(' vs ')}: the overview dashboard

\`node --import tsx bench/compare.ts\` (\`npm run bench:compare\`) — ${machine()}; run started ${input.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, took ${(input.wallMs / 60_000).toFixed(0)} min.

Data: the deterministic demo data set, ${input.events.toLocaleString('en-US')} events over 30 days (seed 1, bench/cache/events-${input.events}-30d-seed1.ndjson),
the same file loaded into every engine. The ${OVERVIEW.length} queries of the overview dashboard (bench/overview.ts) over the last 24 h, 7 d and 30 d of the
data (ending ${new Date(input.ranges[0]!.to).toISOString()}), Asia/Seoul, max 1000 points: ${input.ranges.map((r) => `${r.name} → ${r.interval.text} buckets`).join(', ')}.
Each query: one warm-up run (its answer is the one compared below), then ${input.runs} timed runs one after another; p50/p95 over those.
Whole dashboard: all ${OVERVIEW.length} queries sent at once (as Grafana refreshes the dashboard), ${input.runs} times; p50/p95 of the time until the last answer.
All servers are up for the whole run but only one is queried at any moment: the runs are interleaved (run i of a query goes to every engine in turn,
the order rotated each run; the same for the dashboard), so background load on the shared machine falls on all engines alike.
The benchmark client runs on the same machine.
`);
  for (const r of input.results) if (r.error) out.push(`**${r.name} failed:** ${r.error}\n`);

  out.push('## Method\n');
  for (const r of ok) out.push(`- **${r.name}**: ${r.method.join(' ')}`);
  out.push(`- Timing: client wall time per request (send → last byte of the answer), the way a Grafana datasource experiences it; for the SQL engines this is the
  round trip of one SQL statement over an open connection (PostgreSQL: our minimal wire-protocol client, no psql process per query; ClickHouse: HTTP keep-alive).
  Server-side times (EXPLAIN ANALYZE, ClickHouse's statistics.elapsed) are a few ms lower and are not used.
- Semantics: the SQL follows DESIGN.md "Metrics" exactly: buckets aligned in Asia/Seoul, exact distinct visitors (count(DISTINCT)/uniqExact, never HLL),
  orders and GMV over the first order event of each order_id (over all time, an anti-join / argMin), percentile_cont-style linear interpolation,
  the ordered funnel with "equal timestamps count as in order" and the window from the visitor's first step; totals of distinct counts,
  ratios and percentiles computed over the whole range (not from the buckets). Empty buckets are filled (0 for counts and sums, null for ratios and percentiles)
  when the rows are turned into the answer; that is not timed.
`);

  out.push('## Load and size\n');
  out.push('| engine | events stored | load time | how | size on disk | bytes/event | data dir (du) |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of ok) {
    const l = r.load!;
    out.push(`| ${r.name} | ${l.rows.toLocaleString('en-US')} | ${l.loadMs === null ? 'n/a' : `${(l.loadMs / 1000).toFixed(0)} s`} | ${l.loadNote} | ${mib(l.bytes)} (${l.sizeNote}) | ${(l.bytes / l.rows).toFixed(1)} | ${mib(l.dirBytes)} |`);
  }
  out.push('');

  out.push('## The machine while each engine was measured\n');
  out.push(`The ${cpus().length} cores are shared with other work. CPU time from /proc (whole machine minus this benchmark's own processes and servers), as a share of all CPU time during each engine's queries:\n`);
  out.push('| engine | its queries took (sum) | CPU used by the benchmark + servers | CPU used by other work |');
  out.push('| --- | --- | --- | --- |');
  for (const r of ok) {
    if (r.cpu) out.push(`| ${r.name} | ${(r.cpu.wallMs / 60_000).toFixed(1)} min | ${(r.cpu.ours * 100).toFixed(0)} % | ${(r.cpu.others * 100).toFixed(0)} % |`);
  }
  out.push('');

  out.push('## Whole dashboard (all queries at once)\n');
  if (shopmon && ok.length > 2) out.push('Ratios: each engine\'s p50 divided by shopmon\'s (DuckDB store); above 1x is slower than shopmon.\n');
  const head = names.map((n) => `${n} p50 / p95 ms`);
  const vs = shopmon ? names.filter((n) => n !== 'shopmon').map((n) => `${n} ÷ shopmon (p50)`) : [];
  out.push(`| range | ${[...head, ...vs].join(' | ')} |`);
  out.push(`| --- | ${[...head, ...vs].map(() => '---').join(' | ')} |`);
  for (const range of input.ranges) {
    const cells = ok.map((r) => `${ms(p(r.dashboard.get(range.name), 0.5))} / ${ms(p(r.dashboard.get(range.name), 0.95))}`);
    const ratios = shopmon ? ok.filter((r) => r !== shopmon).map((r) => ratio(p(r.dashboard.get(range.name), 0.5), p(shopmon.dashboard.get(range.name), 0.5))) : [];
    out.push(`| ${range.name} | ${[...cells, ...ratios].join(' | ')} |`);
  }
  out.push('');

  out.push('## Every query (p50 / p95 ms)\n');
  out.push(`| range | query | ${names.join(' | ')} | fastest |`);
  out.push(`| --- | --- | ${names.map(() => '---').join(' | ')} | --- |`);
  for (const range of input.ranges) {
    for (const q of OVERVIEW) {
      const k = key(range.name, q.name);
      const p50s = ok.map((r) => p(r.times.get(k), 0.5));
      const best = Math.min(...p50s.filter((x) => !Number.isNaN(x)));
      const cells = ok.map((r, i) => {
        const text = `${ms(p50s[i]!)} / ${ms(p(r.times.get(k), 0.95))}`;
        return p50s[i] === best ? `**${text}**` : text;
      });
      out.push(`| ${range.name} | ${q.name} | ${cells.join(' | ')} | ${ok[p50s.indexOf(best)]?.name ?? ''} |`);
    }
  }
  out.push('');
  const extras = ok.flatMap((r) => r.extras.map((x) => ({ engine: r.name, x })));
  if (extras.length) {
    out.push('Engine-specific variants (not part of the dashboard timing):\n');
    out.push('| range | engine | query | p50 / p95 ms | answer vs the exact query |');
    out.push('| --- | --- | --- | --- | --- |');
    for (const range of input.ranges) {
      for (const { engine, x } of extras) {
        const t = x.times.get(range.name);
        const mine = x.answers.get(range.name);
        const exact = ok.find((r) => r.name === engine)?.answers.get(key(range.name, x.like));
        const cmp = mine && exact ? mine.series.map((s, i) => (same(s.total, exact.series[i]?.total) ? value(s.total) : `${value(s.total)} (exact ${value(exact.series[i]?.total)})`)).join(', ') : '–';
        out.push(`| ${range.name} | ${engine} | ${x.name} | ${ms(p(t, 0.5))} / ${ms(p(t, 0.95))} | ${cmp} |`);
      }
    }
    out.push('');
  }

  out.push('## Do the numbers agree?\n');
  out.push(`| range | KPI | ${names.join(' | ')} |`);
  out.push(`| --- | --- | ${names.map(() => '---').join(' | ')} |`);
  for (const range of input.ranges) {
    for (const [label, query, read] of HEADLINE) {
      const vals = ok.map((r) => {
        const a = r.answers.get(key(range.name, query));
        return a ? read(a) : undefined;
      });
      const allSame = vals.every((v) => same(v, vals[0]));
      out.push(`| ${range.name} | ${label} | ${vals.map((v) => (allSame ? value(v) : `**${value(v)}**`)).join(' | ')} |`);
    }
  }
  out.push('');
  out.push('Every value of every answer (each series total, every bucket, the previous-period series, the top-10 membership) compared with shopmon\'s, tolerance 1e-9 relative:\n');
  out.push('| engine | compared with | values compared | different |');
  out.push('| --- | --- | --- | --- |');
  for (const s of input.summaries) out.push(`| ${s.engine} | ${s.reference} | ${s.compared.toLocaleString('en-US')} | ${s.different} |`);
  out.push('');
  if (input.differences.length) {
    const byQuery = new Map<string, Difference[]>();
    for (const d of input.differences) {
      const k = `${d.engine}|${d.range}|${d.query}`;
      byQuery.set(k, [...(byQuery.get(k) ?? []), d]);
    }
    out.push('Differences (first 3 per engine, range and query):\n');
    out.push('| engine | range | query | where | engine says | reference says |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const list of byQuery.values()) {
      for (const d of list.slice(0, 3)) {
        out.push(`| ${d.engine} vs ${d.reference} | ${d.range} | ${d.query} | ${d.where} | ${typeof d.mine === 'number' ? value(d.mine) : String(d.mine)} | ${typeof d.theirs === 'number' ? value(d.theirs) : String(d.theirs)} |`);
      }
      if (list.length > 3) out.push(`| | | | … ${list.length - 3} more | | |`);
    }
    out.push('');
  }

  const analysis = join(__dirname, 'analysis.md');
  if (existsSync(analysis)) out.push(readFileSync(analysis, 'utf8').trim(), '');
  return out.join('\n') + '\n';
}
