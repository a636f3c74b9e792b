import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type KeyKind = 'ingest' | 'query';

export interface KeySet {
  ingest: string[];
  query: string[];
  /** Keys were generated (and stored) because none were configured. */
  generated: KeyKind[];
}

/** Configured keys win; otherwise keys stored in the data dir, made on first start. */
export function loadKeys(dataDir: string, ingest: string[], query: string[]): KeySet {
  const file = join(dataDir, 'keys.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { ingest?: string; query?: string }) : {};
  const generated: KeyKind[] = [];
  const pick = (kind: KeyKind, configured: string[]): string[] => {
    if (configured.length > 0) return configured;
    if (!stored[kind]) {
      stored[kind] = `${kind === 'ingest' ? 'smi' : 'smq'}_${randomBytes(18).toString('base64url')}`;
      generated.push(kind);
    }
    return [stored[kind]!];
  };
  const keys = { ingest: pick('ingest', ingest), query: pick('query', query), generated };
  if (generated.length > 0) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return keys;
}

// Comparing digests keeps the comparison constant-time whatever the key lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

export function keyMatches(candidate: string, keys: string[]): boolean {
  const d = digest(candidate);
  let found = false;
  for (const k of keys) found = timingSafeEqual(d, digest(k)) || found;
  return found;
}

export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
