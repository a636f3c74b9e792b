import type { SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Select } from '@grafana/ui';
import React, { useState } from 'react';
import type { ShopmonQuery } from '../../../kpi/datasourceQuery';
import type { Compare, Format } from '../../../kpi/query';
import { COMPARES, FORMATS } from '../../data/queryModel';
import { parseInterval } from '../../../kpi/time';
import { labels } from '../../labels';
import { selectors } from '../../selectors';

type OptionsPatch = Pick<ShopmonQuery, 'interval' | 'compare' | 'format' | 'alias' | 'limit' | 'other' | 'timezone'>;

interface Props {
  query: ShopmonQuery;
  onChange: (patch: Partial<OptionsPatch>, run?: boolean) => void;
}

export const INTERVALS = ['auto', '$__interval', '1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '1w', '1M'];

export function isValidIntervalText(text: string): boolean {
  return text === 'auto' || text.includes('$') || parseInterval(text) !== null;
}

const compareOptions: Array<SelectableValue<Compare>> = COMPARES.map((c) => ({ label: labels.compareOptions[c], value: c }));
const formatOptions: Array<SelectableValue<Format>> = FORMATS.map((f) => ({ label: labels.formatOptions[f], value: f }));

export function QueryOptionsEditor({ query, onChange }: Props) {
  const o = labels.query;
  const interval = query.interval || 'auto';
  const intervalOptions = [...new Set([...INTERVALS, interval])].map((i) => ({ label: i, value: i }));
  // Text inputs keep a draft and commit on blur, so typing does not run a query per key.
  const [alias, setAlias] = useState(query.alias ?? '');
  const [limit, setLimit] = useState(query.limit ? String(query.limit) : '');
  const [timezone, setTimezone] = useState(query.timezone ?? '');
  const limitInvalid = limit !== '' && !(Number.isInteger(Number(limit)) && Number(limit) >= 1 && Number(limit) <= 10_000);
  return (
    <>
      <InlineFieldRow>
        <InlineField label={o.interval.label} tooltip={o.interval.tooltip} labelWidth={12}>
          <Select
            data-testid={selectors.queryEditor.options.interval}
            width={16}
            options={intervalOptions}
            value={interval}
            allowCustomValue
            // "2h" must not pick the listed "12h" that contains it.
            createOptionPosition="first"
            onChange={(v) => v?.value && onChange({ interval: v.value }, true)}
            onCreateOption={(v) => isValidIntervalText(v.trim()) && onChange({ interval: v.trim() }, true)}
          />
        </InlineField>
        <InlineField label={o.compare.label}>
          <Select
            data-testid={selectors.queryEditor.options.compare}
            width={20}
            options={compareOptions}
            value={query.compare ?? 'none'}
            onChange={(v) => v?.value && onChange({ compare: v.value }, true)}
          />
        </InlineField>
        <div data-testid={selectors.queryEditor.options.format}>
          <InlineField label={o.format.label}>
            <RadioButtonGroup options={formatOptions} value={query.format ?? 'timeseries'} onChange={(v) => onChange({ format: v }, true)} />
          </InlineField>
        </div>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label={o.alias.label} tooltip={o.alias.tooltip} labelWidth={12}>
          <Input
            data-testid={selectors.queryEditor.options.alias}
            width={30}
            value={alias}
            placeholder={o.alias.placeholder}
            onChange={(e) => setAlias(e.currentTarget.value)}
            onBlur={() => onChange({ alias: alias || undefined }, true)}
          />
        </InlineField>
        <InlineField label={o.limit.label} tooltip={o.limit.tooltip} invalid={limitInvalid}>
          <Input
            data-testid={selectors.queryEditor.options.limit}
            width={10}
            type="number"
            min={1}
            value={limit}
            placeholder={o.limit.placeholder}
            onChange={(e) => setLimit(e.currentTarget.value)}
            onBlur={() => !limitInvalid && onChange({ limit: limit === '' ? undefined : Number(limit) }, true)}
          />
        </InlineField>
        {/* InlineField hands `disabled` to its child, so it is set here. */}
        <InlineField label={o.other.label} tooltip={o.other.tooltip} disabled={!query.limit}>
          <InlineSwitch
            data-testid={selectors.queryEditor.options.other}
            value={Boolean(query.other)}
            onChange={(e) => onChange({ other: e.currentTarget.checked || undefined }, true)}
          />
        </InlineField>
        <InlineField label={o.timezone.label} tooltip={o.timezone.tooltip}>
          <Input
            data-testid={selectors.queryEditor.options.timezone}
            width={20}
            value={timezone}
            placeholder={o.timezone.placeholder}
            onChange={(e) => setTimezone(e.currentTarget.value)}
            onBlur={() => onChange({ timezone: timezone.trim() || undefined }, true)}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}
