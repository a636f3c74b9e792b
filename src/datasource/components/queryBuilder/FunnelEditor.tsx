import { InlineField, Input, MultiSelect, Stack } from '@grafana/ui';
import React, { useState } from 'react';
import { parseInterval } from '../../../kpi/time';
import { DEFAULT_FUNNEL_STEPS, FUNNEL_STEPS } from '../../data/queryModel';
import { labels } from '../../labels';
import { selectors } from '../../selectors';

interface Props {
  steps?: string[];
  window?: string;
  variables: string[];
  onChange: (patch: { funnelSteps?: string[]; funnelWindow?: string }) => void;
}

export function FunnelEditor({ steps, window, variables, onChange }: Props) {
  const [windowText, setWindowText] = useState(window ?? '');
  const windowInvalid = windowText.trim() !== '' && !windowText.includes('$') && parseInterval(windowText) === null;
  const options = [...new Set([...(steps ?? []), ...FUNNEL_STEPS, ...variables.map((v) => `$${v}`)])].map((s) => ({ label: s, value: s }));
  return (
    <Stack direction="column" gap={0.5}>
      <InlineField label={labels.query.funnelSteps.label} tooltip={labels.query.funnelSteps.tooltip} labelWidth={12}>
        <MultiSelect
          data-testid={selectors.queryEditor.builder.funnelSteps}
          width={60}
          options={options}
          value={steps ?? []}
          placeholder={`${labels.query.funnelSteps.placeholder}: ${DEFAULT_FUNNEL_STEPS.join(' → ')}`}
          allowCustomValue
          onChange={(selected) => onChange({ funnelSteps: selected.map((s) => s.value).filter((v): v is string => typeof v === 'string') })}
        />
      </InlineField>
      <InlineField label={labels.query.funnelWindow.label} tooltip={labels.query.funnelWindow.tooltip} labelWidth={12} invalid={windowInvalid} error={labels.query.intervalInvalid}>
        <Input
          data-testid={selectors.queryEditor.builder.funnelWindow}
          width={16}
          value={windowText}
          placeholder={labels.query.funnelWindow.placeholder}
          onChange={(e) => setWindowText(e.currentTarget.value)}
          onBlur={() => !windowInvalid && onChange({ funnelWindow: windowText.trim() || undefined })}
        />
      </InlineField>
    </Stack>
  );
}
