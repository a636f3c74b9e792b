import type { SelectableValue } from '@grafana/data';
import { InlineField, Select, Stack, Text } from '@grafana/ui';
import React from 'react';
import { labels } from '../../labels';
import { selectors } from '../../selectors';
import type { CatalogMetric, CatalogResponse } from '../../types';

interface Props {
  catalog?: CatalogResponse;
  value?: string;
  variables: string[];
  onChange: (metric: string) => void;
}

const AREA_ORDER = Object.keys(labels.areas);

/** Catalog metrics grouped by area, in the order of DESIGN.md. */
export function metricOptions(catalog: CatalogResponse | undefined, variables: string[]): Array<SelectableValue<string>> {
  const metrics = catalog?.metrics ?? [];
  const areas = [...new Set([...AREA_ORDER, ...metrics.map((m) => m.area)])];
  const groups: Array<SelectableValue<string>> = areas
    .map((area) => ({
      label: labels.areas[area] ?? area,
      options: metrics.filter((m) => m.area === area).map((m) => ({ label: m.title, value: m.name, description: `${m.name} (${m.unit}): ${m.description}` })),
    }))
    .filter((g) => g.options.length > 0);
  if (variables.length > 0) groups.push({ label: labels.query.variablesGroup, options: variables.map((v) => ({ label: `$${v}`, value: `$${v}` })) });
  return groups;
}

function MetricInfo({ metric }: { metric: CatalogMetric }) {
  return (
    <div data-testid={selectors.queryEditor.builder.metricInfo}>
      <Text color="secondary" variant="bodySmall">
        {metric.description} {labels.query.unit}: {metric.unit}. {labels.query.dimensions}: {metric.dimensions.join(', ')}.
      </Text>
    </div>
  );
}

export function MetricSelect({ catalog, value, variables, onChange }: Props) {
  const { label, tooltip, placeholder } = labels.query.metric;
  const metric = catalog?.metrics.find((m) => m.name === value);
  const options = metricOptions(catalog, variables);
  const selected = value ? { label: metric?.title ?? value, value } : null;
  return (
    <Stack direction="column" gap={0.5}>
      <InlineField label={label} tooltip={tooltip} labelWidth={12}>
        <Select
          data-testid={selectors.queryEditor.builder.metric}
          width={40}
          options={options}
          value={selected}
          placeholder={placeholder}
          allowCustomValue
          isLoading={!catalog}
          onChange={(v) => v?.value && onChange(v.value)}
        />
      </InlineField>
      {metric && <MetricInfo metric={metric} />}
    </Stack>
  );
}
