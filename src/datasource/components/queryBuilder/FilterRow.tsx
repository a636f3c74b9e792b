import type { SelectableValue, TimeRange } from '@grafana/data';
import { IconButton, MultiSelect, Select, Stack } from '@grafana/ui';
import React, { useState } from 'react';
import type { Filter, FilterOp } from '../../../kpi/query';
import { FILTER_OPS } from '../../data/queryModel';
import type { ShopmonDataSource } from '../../datasource';
import { useDimensionValues } from '../../hooks/useDimensionValues';
import { labels } from '../../labels';
import { selectors } from '../../selectors';

interface Props {
  filter: Filter;
  dimensions: Array<SelectableValue<string>>;
  datasource: ShopmonDataSource;
  variables: string[];
  range?: TimeRange;
  onChange: (filter: Filter) => void;
  onRemove: () => void;
}

const opOptions: Array<SelectableValue<FilterOp>> = FILTER_OPS.map((op) => ({ label: labels.filterOps[op], value: op }));

const asOptions = (values: string[]) => values.map((v) => ({ label: v, value: v }));

/** One filter: dimension, operator, and values suggested from the dimension's values and the dashboard variables. */
export function FilterRow({ filter, dimensions, datasource, variables, range, onChange, onRemove }: Props) {
  const [search, setSearch] = useState('');
  const { values, loading } = useDimensionValues(datasource, filter.dimension, search, range);
  const suggestions = [...new Set([...filter.values, ...variables.map((v) => `$${v}`), ...values])];
  return (
    <div data-testid={selectors.queryEditor.builder.filterRow}>
      <Stack gap={0.5} alignItems="center">
        <Select
          data-testid={selectors.queryEditor.builder.filterDimension}
          width={20}
          options={dimensions}
          value={filter.dimension || null}
          placeholder={labels.query.filters.dimension}
          allowCustomValue
          onChange={(v) => v?.value && onChange({ ...filter, dimension: v.value, values: [] })}
        />
        <Select
          data-testid={selectors.queryEditor.builder.filterOp}
          width={14}
          options={opOptions}
          value={filter.op}
          onChange={(v) => v?.value && onChange({ ...filter, op: v.value })}
        />
        <MultiSelect
          data-testid={selectors.queryEditor.builder.filterValues}
          width={40}
          options={asOptions(suggestions)}
          value={filter.values}
          placeholder={labels.query.filters.values}
          allowCustomValue
          isLoading={loading}
          onInputChange={(text, meta) => {
            if (meta.action === 'input-change') setSearch(text);
          }}
          onChange={(selected) => onChange({ ...filter, values: selected.map((s) => s.value).filter((v): v is string => typeof v === 'string') })}
        />
        <IconButton data-testid={selectors.queryEditor.builder.removeFilter} name="trash-alt" tooltip={labels.query.filters.remove} onClick={onRemove} />
      </Stack>
    </div>
  );
}
