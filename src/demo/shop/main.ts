import { readFileSync } from 'node:fs';
import { startShop } from './app';
import { ConfigError, loadShopConfig } from './config';

/**
 * `node --import tsx src/demo/shop/main.ts`: the demo storefront with virtual shoppers sending
 * their business events to the KPI service. Settings are in config.ts and README.md.
 * SIGTERM / SIGINT: stop new visits, finish the requests in flight, send the last events, exit 0.
 */

const log = (line: string) => process.stderr.write(`demo-shop: ${line}\n`);

async function main(): Promise<void> {
  const config = loadShopConfig(process.env);
  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (config.tls) {
    try {
      tls = { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
    } catch (e) {
      throw new ConfigError(`cannot read the TLS certificate or key: ${(e as Error).message}`);
    }
  }
  const shop = await startShop({ config, tls, log });
  console.log(`demo shop listening on ${shop.url}${shop.tlsUrl ? ` and ${shop.tlsUrl}` : ''}`);
  console.log(`  metrics: ${shop.url}/metrics   health: ${shop.url}/healthz`);
  if (config.rate > 0) console.log(`  virtual shoppers: about ${config.rate} business events/s on average (SHOP_RATE)`);
  if (shop.sink.sending) console.log(`  sending events to ${config.kpiUrl}/v1/events`);
  else log('no ingest key (SHOPMON_INGEST_KEY or SHOPMON_INGEST_KEYS): the shop serves and browses but sends no events');

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(130);
    log(`${signal}: stopping shoppers, answering requests in flight, sending the last events`);
    shop.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  log(e instanceof ConfigError ? e.message : `cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
