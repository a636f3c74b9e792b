import type { Incident, IncidentName } from '../incidents';
import { startShop, type RunningShop, type ShopOptions } from './app';
import { loadShopConfig, type ShopConfig } from './config';
import type { IncidentSource } from './storefront';

/** A real demo shop on a free loopback port for tests; incidents are switched on and off by hand. */

export class ManualIncidents implements IncidentSource {
  private readonly on = new Set<IncidentName>();

  set(name: IncidentName, active: boolean): void {
    if (active) this.on.add(name);
    else this.on.delete(name);
  }

  isActive(name: IncidentName): boolean {
    return this.on.has(name);
  }

  active(now: number): Incident[] {
    return [...this.on].map((name) => ({ name, start: now - 60_000, end: now + 60_000, description: `test ${name}` }));
  }
}

export async function startTestShop(env: Record<string, string> = {}, opts: Omit<ShopOptions, 'config'> = {}): Promise<RunningShop & { incidents: ManualIncidents; config: ShopConfig }> {
  const config = loadShopConfig({ SHOP_HOST: '127.0.0.1', SHOP_PORT: '0', SHOP_RATE: '0', SHOP_LOG_LEVEL: 'silent', SHOP_INCIDENT_CYCLE: 'off', ...env });
  const incidents = opts.incidents instanceof ManualIncidents ? opts.incidents : new ManualIncidents();
  const shop = await startShop({ log: () => {}, ...opts, config, incidents });
  return { ...shop, incidents, config };
}

/** The value of one sample line of Prometheus text, e.g. `db_pool_connections{state="idle"}`. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
