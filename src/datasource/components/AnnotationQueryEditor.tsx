import type { QueryEditorProps } from '@grafana/data';
import { InlineField, Input } from '@grafana/ui';
import React, { useState } from 'react';
import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import { toAnnotationQuery } from '../data/annotations';
import type { ShopmonDataSource } from '../datasource';
import { labels } from '../labels';
import { selectors } from '../selectors';
import type { ShopmonAnnotationQuery, ShopmonOptions } from '../types';

/** Annotations from the KPI service, optionally narrowed by tags. */
export function AnnotationQueryEditor({ query, onChange }: QueryEditorProps<ShopmonDataSource, ShopmonQuery, ShopmonOptions>) {
  const current = toAnnotationQuery(query);
  const [tags, setTags] = useState(current.tags ?? '');
  const { label, tooltip, placeholder } = labels.annotations.tags;
  return (
    <InlineField label={label} tooltip={tooltip} labelWidth={14}>
      <Input
        data-testid={selectors.annotationEditor.tags}
        width={40}
        value={tags}
        placeholder={placeholder}
        onChange={(e) => setTags(e.currentTarget.value)}
        onBlur={() => {
          const next: ShopmonAnnotationQuery = { ...current, tags: tags.trim() };
          onChange(next);
        }}
      />
    </InlineField>
  );
}
