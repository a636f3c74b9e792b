import type { DataSourcePluginOptionsEditorProps, SelectableValue } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Select } from '@grafana/ui';
import React, { useState } from 'react';
import { isValidTimeZone } from '../../kpi/time';
import { labels } from '../labels';
import { selectors } from '../selectors';
import { DEFAULT_TIMEOUT_SECONDS, EXAMPLE_SERVICE_URL, MAX_TIMEOUT_SECONDS, type ShopmonOptions, type ShopmonSecureJsonData } from '../types';

export type ConfigEditorProps = DataSourcePluginOptionsEditorProps<ShopmonOptions, ShopmonSecureJsonData>;

export const COMMON_TIME_ZONES = [
  'UTC',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Australia/Sydney',
];

export function isValidServiceUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseTimeout(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= MAX_TIMEOUT_SECONDS ? n : null;
}

/**
 * Connection settings. Every field lives where provisioning YAML puts it (jsonData.url,
 * jsonData.timezone, jsonData.timeoutSeconds, secureJsonData.queryKey), so a provisioned
 * datasource shows the same values.
 */
export function ConfigEditor({ options, onOptionsChange }: ConfigEditorProps) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as ShopmonSecureJsonData;
  const disabled = Boolean(options.readOnly);
  const [timeoutText, setTimeoutText] = useState(jsonData.timeoutSeconds === undefined ? '' : String(jsonData.timeoutSeconds));
  const c = labels.config;

  const setJson = (patch: Partial<ShopmonOptions>) => {
    // An emptied field is removed, so the backend applies its default.
    const next = Object.fromEntries(Object.entries({ ...jsonData, ...patch }).filter(([, v]) => v !== undefined && v !== '')) as ShopmonOptions;
    onOptionsChange({ ...options, jsonData: next });
  };

  // The backend falls back to the settings' own url (a provisioning file may set `url:`).
  const url = jsonData.url ?? options.url ?? '';
  const urlInvalid = url !== '' && !isValidServiceUrl(url);
  const timezone = jsonData.timezone ?? '';
  const timezoneInvalid = timezone !== '' && !isValidTimeZone(timezone);
  const timeoutInvalid = parseTimeout(timeoutText) === null;
  const zoneOptions: Array<SelectableValue<string>> = [...new Set([...COMMON_TIME_ZONES, ...(timezone ? [timezone] : [])])].map((z) => ({ label: z, value: z }));

  return (
    <>
      <FieldSet label={c.connection}>
        <Field label={c.url.label} description={c.url.tooltip} invalid={urlInvalid} error={c.urlInvalid} disabled={disabled}>
          <Input
            data-testid={selectors.configEditor.url}
            width={50}
            value={url}
            placeholder={EXAMPLE_SERVICE_URL}
            onChange={(e) => setJson({ url: e.currentTarget.value.trim() })}
          />
        </Field>
        <Field label={c.queryKey.label} description={c.queryKey.tooltip} disabled={disabled}>
          <SecretInput
            data-testid={selectors.configEditor.queryKey}
            width={50}
            isConfigured={Boolean(secureJsonFields?.queryKey)}
            value={secureJsonData.queryKey ?? ''}
            placeholder={c.queryKey.placeholder}
            onChange={(e) => onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, queryKey: e.currentTarget.value } })}
            onReset={() =>
              onOptionsChange({
                ...options,
                secureJsonFields: { ...secureJsonFields, queryKey: false },
                secureJsonData: { ...secureJsonData, queryKey: '' },
              })
            }
          />
        </Field>
      </FieldSet>
      <FieldSet label={c.defaults}>
        <Field label={c.timezone.label} description={c.timezone.tooltip} invalid={timezoneInvalid} error={c.timezoneInvalid(timezone)} disabled={disabled}>
          <Select
            data-testid={selectors.configEditor.timezone}
            width={50}
            options={zoneOptions}
            value={timezone || null}
            allowCustomValue
            isClearable
            disabled={disabled}
            placeholder={c.timezone.placeholder}
            onChange={(v) => setJson({ timezone: v?.value ?? undefined })}
            onCreateOption={(v) => setJson({ timezone: v.trim() })}
          />
        </Field>
        <Field label={c.timeout.label} description={c.timeout.tooltip} invalid={timeoutInvalid} error={c.timeoutInvalid} disabled={disabled}>
          <Input
            data-testid={selectors.configEditor.timeout}
            width={20}
            type="number"
            min={1}
            max={MAX_TIMEOUT_SECONDS}
            value={timeoutText}
            placeholder={String(DEFAULT_TIMEOUT_SECONDS)}
            suffix="s"
            onChange={(e) => {
              const text = e.currentTarget.value;
              setTimeoutText(text);
              const parsed = parseTimeout(text);
              if (parsed !== null) setJson({ timeoutSeconds: parsed });
            }}
          />
        </Field>
      </FieldSet>
    </>
  );
}
