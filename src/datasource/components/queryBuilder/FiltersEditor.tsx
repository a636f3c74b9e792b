import type { SelectableValue, TimeRange } from '@grafana/data';
import { Button, InlineField, Stack } from '@grafana/ui';
import React from 'react';
import type { Filter } from '../../../kpi/query';
import type { ShopmonDataSource } from '../../datasource';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import { FilterRow } from './FilterRow';

interface Props {
  filters: Filter[];
  /** Dimensions the chosen metric accepts. */
  dimensions: Array<SelectableValue<string>>;
  datasource: ShopmonDataSource;
  variables: string[];
  range?: TimeRange;
  onChange: (filters: Filter[]) => void;
}

export function FiltersEditor({ filters, dimensions, datasource, variables, range, onChange }: Props) {
  const replace = (i: number, f?: Filter) => onChange(filters.flatMap((old, j) => (j !== i ? [old] : f ? [f] : [])));
  return (
    <InlineField label={labels.query.filters.label} labelWidth={12}>
      <div data-testid={selectors.queryEditor.builder.filters}>
        <Stack direction="column" gap={0.5}>
          {filters.map((f, i) => (
            <FilterRow
              key={i}
              filter={f}
              dimensions={dimensions}
              datasource={datasource}
              variables={variables}
              range={range}
              onChange={(next) => replace(i, next)}
              onRemove={() => replace(i)}
            />
          ))}
          <div>
            <Button
              data-testid={selectors.queryEditor.builder.addFilter}
              variant="secondary"
              size="sm"
              icon="plus"
              onClick={() => onChange([...filters, { dimension: String(dimensions[0]?.value ?? ''), op: 'eq', values: [] }])}
            >
              {labels.query.filters.add}
            </Button>
          </div>
        </Stack>
      </div>
    </InlineField>
  );
}
