import type { SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import React from 'react';
import type { EditorMode, QueryKind } from '../../../kpi/datasourceQuery';
import { labels } from '../../labels';
import { selectors } from '../../selectors';

interface Props {
  kind: QueryKind;
  mode: EditorMode;
  /** Why the last mode switch did not happen. */
  message?: string;
  onKindChange: (kind: QueryKind) => void;
  onModeChange: (mode: EditorMode) => void;
}

const kindOptions: Array<SelectableValue<QueryKind>> = [
  { label: labels.query.kind.kpi, value: 'kpi' },
  { label: labels.query.kind.funnel, value: 'funnel' },
];

const modeOptions: Array<SelectableValue<EditorMode>> = [
  { label: labels.query.mode.builder, value: 'builder' },
  { label: labels.query.mode.code, value: 'code' },
];

export function EditorHeader({ kind, mode, message, onKindChange, onModeChange }: Props) {
  return (
    <>
      <InlineFieldRow>
        <div data-testid={selectors.queryEditor.kind}>
          <InlineField label={labels.query.kind.label} labelWidth={12} disabled={mode === 'code'} tooltip={mode === 'code' ? labels.query.kindInCode : undefined}>
            <RadioButtonGroup options={kindOptions} value={kind} onChange={onKindChange} />
          </InlineField>
        </div>
        <div data-testid={selectors.queryEditor.mode}>
          <InlineField label={labels.query.mode.label} tooltip={kind === 'funnel' ? labels.query.funnelNoCode : undefined} disabled={kind === 'funnel'}>
            <RadioButtonGroup options={modeOptions} value={mode} onChange={onModeChange} />
          </InlineField>
        </div>
      </InlineFieldRow>
      {message && (
        <div data-testid={selectors.queryEditor.modeMessage}>
          <Alert severity="warning" title={message} />
        </div>
      )}
    </>
  );
}
