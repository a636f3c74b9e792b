import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

/**
 * Readers for the files of `docker compose up` (docker-compose.yml, docker/, provisioning/), for
 * the tests that check them here, where no Docker engine runs. YAML is read by the `yaml`
 * package (YAML 1.2, with the `<<` merge keys compose files use).
 */

export const ROOT = resolve(__dirname, '..', '..', '..');

export const rootPath = (...parts: string[]) => join(ROOT, ...parts);
export const readText = (...parts: string[]) => readFileSync(rootPath(...parts), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed configuration of any shape; tests check it
export type Doc = any;

export function readYaml(...parts: string[]): Doc {
  return YAML.parse(readText(...parts), { merge: true });
}

export function readJson(...parts: string[]): Doc {
  return JSON.parse(readText(...parts));
}

export function dashboardFiles(): string[] {
  return readdirSync(rootPath('provisioning/dashboards/json'))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** Every panel of a dashboard, rows' nested panels included. */
export function allPanels(dashboard: Doc): Doc[] {
  return (dashboard.panels ?? []).flatMap((p: Doc) => [p, ...(p.panels ?? [])]);
}

/** `${NAME}`, `${NAME:-default}` and `${NAME:?msg}` references of a compose file (not `$$`). */
export function composeVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]!);
  return names;
}

/** NAME=value lines of an env file. */
export function envFileNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(l.trim())?.[1])
      .filter((n): n is string => n !== undefined),
  );
}

/** Metric names a PromQL expression refers to: bare names and `__name__=~"(prefix_)?name"` patterns, expanded. */
export function promMetricNames(expr: string): string[] {
  const names = new Set<string>();
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(m.index + m[0].length).trimStart();
    if (rest.startsWith('(') || keywords.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  for (const m of expr.matchAll(/__name__=~"([^"]+)"/g)) {
    const opt = /^\(([a-z_]+)\)\?([a-z0-9_:]+)$/.exec(m[1]!);
    if (!opt) throw new Error(`unexpected __name__ pattern ${m[1]}: use "(prefix_)?name"`);
    names.add(opt[2]!);
    names.add(opt[1]! + opt[2]!);
  }
  return [...names];
}
