// Builds the backend of the shopmon-kpi-datasource plugin into dist/shopmon-kpi-datasource/:
// CommonJS bundles run by Node, our .proto files next to them (proto/), and the launchers
// Grafana executes (gpx_shopmon-kpi-datasource_linux_amd64 / _linux_arm64, from plugin.json's
// "executable"). Files already in the folder (webpack's frontend build) are left alone.
//
// Two bundles keep the handshake fast: gpx_shopmon-kpi-datasource.js holds only what answers
// the handshake (go-plugin environment, gRPC server); the handlers with Arrow, prom-client and
// the KPI modules are in gpx_shopmon-kpi-datasource-handlers.js, which main.ts loads right after.
//
//   node scripts/build-backend.mjs [--outdir <dir>]
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN_ID = 'shopmon-kpi-datasource';
const EXECUTABLE = `gpx_${PLUGIN_ID}`;
const ARCHES = ['linux_amd64', 'linux_arm64'];

function outdirFromArgs(argv) {
  const i = argv.indexOf('--outdir');
  if (i < 0) return join(ROOT, 'dist', PLUGIN_ID);
  const dir = argv[i + 1];
  if (!dir) throw new Error('--outdir needs a directory');
  return resolve(dir);
}

// Grafana runs this with its own PATH and cwd. SHOPMON_PLUGIN_NODE names a node binary that is
// not on that PATH; without node the plugin cannot start, and Grafana's log should say why.
const launcher = `#!/bin/sh
# Started by Grafana for the ${PLUGIN_ID} backend plugin: runs the bundled plugin with Node.
NODE="\${SHOPMON_PLUGIN_NODE:-node}"
if ! command -v "$NODE" >/dev/null 2>&1; then
  echo "${PLUGIN_ID}: cannot start the backend plugin: Node.js ('$NODE') was not found. Install Node 20 or newer in the Grafana image (the -ubuntu images have the libraries it needs) or set SHOPMON_PLUGIN_NODE to the node binary." >&2
  exit 1
fi
exec "$NODE" "$(dirname "$0")/${EXECUTABLE}.js" "$@"
`;

const HANDLERS = `${EXECUTABLE}-handlers.js`;

// main.ts's `import('./app')` becomes a require of the handlers bundle next to the main one.
const handlersAsSibling = {
  name: 'handlers-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^\.\/app$/ }, (args) => (args.importer.endsWith(join('src', 'backend', 'main.ts')) ? { path: `./${HANDLERS}`, external: true } : undefined));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ES module builds where packages have them: esbuild can drop what the plugin never uses.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

export async function buildBackend(outdir) {
  mkdirSync(join(outdir, 'proto'), { recursive: true });
  const started = Date.now();
  const results = await Promise.all([
    build({ ...common, entryPoints: [join(ROOT, 'src/backend/main.ts')], outfile: join(outdir, `${EXECUTABLE}.js`), plugins: [handlersAsSibling] }),
    build({ ...common, entryPoints: [join(ROOT, 'src/backend/app.ts')], outfile: join(outdir, HANDLERS) }),
  ]);
  const protoSrc = join(ROOT, 'src/backend/proto');
  for (const file of readdirSync(protoSrc).filter((f) => f.endsWith('.proto'))) copyFileSync(join(protoSrc, file), join(outdir, 'proto', file));
  for (const arch of ARCHES) {
    const path = join(outdir, `${EXECUTABLE}_${arch}`);
    writeFileSync(path, launcher);
    chmodSync(path, 0o755);
  }
  const bytes = results.flatMap((r) => Object.values(r.metafile.outputs)).reduce((n, o) => n + o.bytes, 0);
  return { outdir, bytes, ms: Date.now() - started };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildBackend(outdirFromArgs(process.argv.slice(2))).then(
    ({ outdir, bytes, ms }) => process.stdout.write(`backend plugin built into ${outdir} (${(bytes / 1024).toFixed(0)} KiB of bundles, ${ms} ms)\n`),
    (e) => {
      process.stderr.write(`build-backend: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
