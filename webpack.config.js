/**
 * Builds both Grafana plugins as AMD modules, the way Grafana loads them:
 * dist/shopmon-kpi-datasource/module.js and dist/shopmon-kpi-panel/module.js, each with its
 * plugin.json, README and logo. Grafana provides the externals at run time.
 */
const path = require('path');
const CopyPlugin = require('copy-webpack-plugin');
const pkg = require('./package.json');

const externals = ['react', 'react-dom', 'react/jsx-runtime', '@grafana/data', '@grafana/ui', '@grafana/runtime', 'rxjs', 'rxjs/operators', '@emotion/css', '@emotion/react', 'lodash', 'moment'];

const plugins = [
  { id: 'shopmon-kpi-datasource', dir: 'src/datasource' },
  { id: 'shopmon-kpi-panel', dir: 'src/panel' },
];

function pluginJsonWithVersion(content) {
  const json = JSON.parse(content.toString());
  json.info = { ...json.info, version: pkg.version, updated: new Date().toISOString().slice(0, 10) };
  return JSON.stringify(json, null, 2);
}

module.exports = (env, argv) =>
  plugins.map(({ id, dir }) => ({
    name: id,
    mode: argv.mode || 'production',
    context: __dirname,
    entry: { module: `./${dir}/module.ts` },
    devtool: argv.mode === 'development' ? 'eval-source-map' : 'source-map',
    output: {
      path: path.resolve(__dirname, 'dist', id),
      filename: '[name].js',
      library: { type: 'amd' },
      publicPath: `public/plugins/${id}/`,
      // The backend build writes gpx_* executables and proto/ into the same folder: keep them.
      clean: { keep: /^(gpx_|proto)/ },
      uniqueName: id,
    },
    externals,
    resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx'] },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
            },
          },
        },
      ],
    },
    plugins: [
      new CopyPlugin({
        patterns: [
          { from: `${dir}/plugin.json`, to: '.', transform: pluginJsonWithVersion },
          { from: `${dir}/README.md`, to: '.', noErrorOnMissing: true },
          { from: `${dir}/img`, to: 'img', noErrorOnMissing: true },
          { from: 'LICENSE', to: '.', noErrorOnMissing: true },
        ],
      }),
    ],
    performance: { hints: false },
  }));
