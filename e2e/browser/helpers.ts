import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import type { PlainFrame } from '../host/app/runQuery';
import { harnessIds } from '../host/app/testIds';

/** What the browser specs share: @grafana/ui select handling, polling, and frames vs KPI answers. */

/** Picks an option of a @grafana/ui Select (its input is `<data-testid>-input`) by typing and clicking. */
export async function choose(page: Page, testId: string, text: string, option: string | RegExp = text): Promise<void> {
  const input = page.getByTestId(`${testId}-input`);
  await input.click();
  await input.fill(text);
  const options = page.getByTestId(harnessIds.selectOption);
  const match = typeof option === 'string' ? options.filter({ hasText: new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }) : options.filter({ hasText: option });
  await match.first().click();
}

/** Polls until `check` returns a value (not undefined); the test timeout bounds it. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A loopback port nothing listens on (taken and released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === 'object' && address ? address.port : 1;
}

export interface KpiSeries {
  labels: Record<string, string>;
  points?: Array<[number, number | null]>;
  total?: number | null;
}

export interface KpiAnswer {
  interval: string;
  unit?: string;
  series: KpiSeries[];
  compare?: { offset_ms: number; series: KpiSeries[] };
}

interface Comparable {
  labels: Record<string, string>;
  points: Array<[number, number | null]>;
}

const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
const sorted = (items: Comparable[]) => [...items].sort((a, b) => key(a.labels).localeCompare(key(b.labels)));

/** Time series frames (time + value with labels) as comparable series; comparison frames keep their compare label. */
export function framesAsSeries(frames: PlainFrame[]): Comparable[] {
  return sorted(
    frames
      .filter((f) => f.fields.length > 0)
      .map((f) => {
        const time = f.fields.find((x) => x.type === 'time');
        const value = f.fields.find((x) => x.type === 'number')!;
        const times = (time?.values ?? [0]) as number[];
        return { labels: value.labels ?? {}, points: times.map((t, i): [number, number | null] => [t, (value.values[i] as number | null) ?? null]) };
      }),
  );
}

/** A /v1/query answer as the same series: comparison series labelled compare=<compare>. */
export function answerAsSeries(answer: KpiAnswer, compare = 'none', format = 'timeseries'): Comparable[] {
  const asPoints = (s: KpiSeries): Array<[number, number | null]> => (format === 'total' ? [[0, s.total ?? null]] : (s.points ?? []));
  return sorted([
    ...answer.series.map((s) => ({ labels: s.labels, points: asPoints(s) })),
    ...(answer.compare?.series ?? []).map((s) => ({ labels: { ...s.labels, compare }, points: asPoints(s) })),
  ]);
}

/** The KPI request the plugin reported in the first frame's meta.executedQueryString. */
export function executed(frames: PlainFrame[]): Record<string, unknown> {
  const text = frames.find((f) => f.meta?.executedQueryString)?.meta?.executedQueryString;
  return text ? (JSON.parse(String(text)) as Record<string, unknown>) : {};
}
