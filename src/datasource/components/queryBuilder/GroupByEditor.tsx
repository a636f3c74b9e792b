import type { SelectableValue } from '@grafana/data';
import { InlineField, MultiSelect } from '@grafana/ui';
import React from 'react';
import { labels } from '../../labels';
import { selectors } from '../../selectors';

interface Props {
  groupBy: string[];
  dimensions: Array<SelectableValue<string>>;
  variables: string[];
  onChange: (groupBy: string[]) => void;
}

export function GroupByEditor({ groupBy, dimensions, variables, onChange }: Props) {
  const { label, tooltip, placeholder } = labels.query.groupBy;
  const options = [...dimensions, ...variables.map((v) => ({ label: `$${v}`, value: `$${v}` }))];
  return (
    <InlineField label={label} tooltip={tooltip} labelWidth={12}>
      <MultiSelect
        data-testid={selectors.queryEditor.builder.groupBy}
        width={40}
        options={options}
        value={groupBy}
        placeholder={placeholder}
        allowCustomValue
        onChange={(selected) => onChange(selected.map((s) => s.value).filter((v): v is string => typeof v === 'string'))}
      />
    </InlineField>
  );
}
