import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, Stack } from '@grafana/ui';
import React, { useEffect, useMemo, useState } from 'react';
import { migrateQuery, QUERY_MODEL_VERSION, type EditorMode, type QueryKind, type ShopmonQuery } from '../../kpi/datasourceQuery';
import { ExpressionEditor } from '../components/ExpressionEditor';
import { EditorHeader } from '../components/queryBuilder/EditorHeader';
import { FiltersEditor } from '../components/queryBuilder/FiltersEditor';
import { FunnelEditor } from '../components/queryBuilder/FunnelEditor';
import { GroupByEditor } from '../components/queryBuilder/GroupByEditor';
import { MetricSelect } from '../components/queryBuilder/MetricSelect';
import { QueryOptionsEditor } from '../components/queryBuilder/QueryOptionsEditor';
import { builderToCode, codeToBuilder } from '../data/editorMode';
import type { ShopmonDataSource } from '../datasource';
import { useCatalog } from '../hooks/useCatalog';
import { labels } from '../labels';
import { selectors } from '../selectors';
import type { CatalogResponse, ShopmonOptions } from '../types';

export type ShopmonQueryEditorProps = QueryEditorProps<ShopmonDataSource, ShopmonQuery, ShopmonOptions>;

/** Dimensions a metric accepts (all of them when the metric is unknown, e.g. a variable). */
function dimensionOptions(catalog: CatalogResponse | undefined, metric: string | undefined): Array<SelectableValue<string>> {
  const all = catalog?.dimensions ?? [];
  const allowed = catalog?.metrics.find((m) => m.name === metric)?.dimensions;
  return all.filter((d) => !allowed || allowed.includes(d.name)).map((d) => ({ label: d.title, value: d.name, description: d.name }));
}

/**
 * The query editor: KPI queries in builder or code mode (switching converts where the two
 * meet), and funnel queries in the builder. Choices run the query at once; text runs on blur.
 */
export function QueryEditor({ datasource, query: saved, onChange, onRunQuery, range }: ShopmonQueryEditorProps) {
  const query = useMemo(() => migrateQuery(saved), [saved]);
  const { catalog, error } = useCatalog(datasource);
  const variables = useMemo(() => datasource.getVariableNames(), [datasource]);
  const [message, setMessage] = useState<string | undefined>();
  const kind: QueryKind = query.queryKind ?? 'kpi';
  const mode: EditorMode = kind === 'funnel' ? 'builder' : (query.editorMode ?? 'builder');

  useEffect(() => {
    if (saved.modelVersion !== QUERY_MODEL_VERSION) onChange(query);
    // Only on mount: an old saved query is written back once in the current model.
  }, []);

  const change = (patch: Partial<ShopmonQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) onRunQuery();
  };

  const switchMode = (next: EditorMode) => {
    if (next === mode) return;
    const converted = next === 'code' ? builderToCode(query) : codeToBuilder(query);
    if (!converted.ok) {
      setMessage(converted.message);
      return;
    }
    setMessage(undefined);
    onChange(converted.query);
    onRunQuery();
  };

  const dimensions = dimensionOptions(catalog, kind === 'funnel' ? undefined : query.metric);
  const filtersAndGroups = (
    <>
      <FiltersEditor filters={query.filters ?? []} dimensions={dimensions} datasource={datasource} variables={variables} range={range} onChange={(filters) => change({ filters })} />
      <GroupByEditor groupBy={query.groupBy ?? []} dimensions={dimensions} variables={variables} onChange={(groupBy) => change({ groupBy })} />
    </>
  );

  return (
    <div data-testid={selectors.queryEditor.root}>
      <Stack direction="column" gap={1}>
        <EditorHeader
          kind={kind}
          mode={mode}
          message={message}
          onKindChange={(queryKind) => {
            setMessage(undefined);
            change({ queryKind });
          }}
          onModeChange={switchMode}
        />
        {error && (
          <div data-testid={selectors.queryEditor.catalogError}>
            <Alert severity="error" title={labels.query.catalogError}>
              {error}
            </Alert>
          </div>
        )}
        {kind === 'funnel' && (
          <>
            <FunnelEditor steps={query.funnelSteps} window={query.funnelWindow} variables={variables} onChange={(patch) => change(patch)} />
            {filtersAndGroups}
          </>
        )}
        {kind === 'kpi' && mode === 'code' && (
          <ExpressionEditor
            expr={query.expr ?? ''}
            catalog={catalog}
            datasource={datasource}
            variables={variables}
            range={range}
            onChange={(expr) => change({ expr }, false)}
            onRunQuery={onRunQuery}
          />
        )}
        {kind === 'kpi' && mode === 'builder' && (
          <>
            <MetricSelect catalog={catalog} value={query.metric} variables={variables} onChange={(metric) => change({ metric })} />
            {filtersAndGroups}
          </>
        )}
        {kind === 'kpi' && <QueryOptionsEditor query={query} onChange={change} />}
      </Stack>
    </div>
  );
}
