import { css } from '@emotion/css';
import type { DataQuery, DataSourceApi, GrafanaTheme2, PanelData } from '@grafana/data';
import { Alert, Stack, Text, useStyles2 } from '@grafana/ui';
import React, { useRef, useState } from 'react';
import { makeRange, runQuery, toPlain, type PlainResult } from './runQuery';
import { harnessIds } from './testIds';

/**
 * Stands in for one query row of Grafana's panel editor: the plugin's QueryEditor with the
 * props Grafana passes (datasource, query, onChange, onRunQuery, range, data, app), the query
 * run through the datasource on onRunQuery with the latest onChange'd query, the row's error
 * shown under the editor, and a small table of the frames (sorted by name) instead of a
 * visualization.
 */

export interface QueryPageState {
  query: DataQuery;
  runs: number;
  result: PlainResult | null;
}

interface Props {
  ds: DataSourceApi;
  initial: DataQuery;
  range: { from: number; to: number };
  maxDataPoints: number;
  state: QueryPageState;
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'td, th': { border: `1px solid ${theme.colors.border.weak}`, padding: theme.spacing(0.5, 1), textAlign: 'left' },
  }),
});

function lastNumber(values: unknown[]): string {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number') return String(Math.round(v * 100) / 100);
  }
  return '-';
}

export function QueryPage({ ds, initial, range, maxDataPoints, state }: Props) {
  const styles = useStyles2(getStyles);
  const latest = useRef<DataQuery>(initial);
  const [query, setQuery] = useState<DataQuery>(initial);
  const [data, setData] = useState<PanelData | undefined>();
  const QueryEditor = ds.components?.QueryEditor;
  if (!QueryEditor) return <Alert title="The datasource plugin has no QueryEditor" severity="error" />;

  const onChange = (q: DataQuery) => {
    latest.current = q;
    state.query = q;
    setQuery(q);
  };
  const onRunQuery = () => {
    runQuery({ uid: ds.uid, targets: [latest.current], range, maxDataPoints }).then((d) => {
      state.runs++;
      state.result = toPlain(d);
      setData(d);
    });
  };
  const result = data ? toPlain(data) : null;
  const error = data?.errors?.find((e) => e.refId === query.refId) ?? data?.error;
  return (
    <Stack direction="column" gap={2}>
      <QueryEditor datasource={ds} query={query} onChange={onChange} onRunQuery={onRunQuery} range={makeRange(range)} data={data} app={'panel-editor' as never} queries={[query]} />
      {error && (
        <div data-testid={harnessIds.queryError}>
          <Alert severity="error" title={error.message ?? 'Query error'} />
        </div>
      )}
      {result && (
        <div data-testid={harnessIds.queryResult}>
          <Text variant="bodySmall" color="secondary">
            {result.frames.length} frame(s)
          </Text>
          <table className={styles.table}>
            <tbody>
              {result.frames
                .flatMap((f) => f.fields.filter((field) => field.type === 'number').map((field) => ({ frame: f.name || f.refId || '', field })))
                // Sorted by name so the page looks the same whatever order the series come in.
                .sort((x, y) => x.frame.localeCompare(y.frame))
                .map(({ frame, field }) => (
                  <tr key={`${frame}/${field.name}`} data-testid={harnessIds.queryResultFrame}>
                    <td>{frame}</td>
                    <td>{field.labels ? Object.entries(field.labels).map(([k, v]) => `${k}=${v}`).join(', ') : ''}</td>
                    <td>{field.values.length} values</td>
                    <td>last {lastNumber(field.values)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </Stack>
  );
}
