import { createDataFrame, FieldType, type AnnotationQuery, type DataFrame } from '@grafana/data';
import type { ShopmonQuery } from '../../kpi/datasourceQuery';
import { ANNOTATION_QUERY_TYPE, isAnnotationQuery, type KpiAnnotation, type ShopmonAnnotationQuery } from '../types';

/**
 * Dashboard annotations from the KPI service (deploys, incidents, campaigns). Grafana runs an
 * annotation through the datasource's query(); the datasource answers annotation targets itself
 * from the `annotations` resource, and Grafana's standard processing reads the frame's
 * time, timeEnd, title, text and tags fields.
 */

export const ANNOTATION_REF_ID = 'Anno';

export function toAnnotationQuery(target?: Partial<ShopmonQuery>): ShopmonAnnotationQuery {
  const tags = target && isAnnotationQuery(target as ShopmonQuery) ? (target as ShopmonAnnotationQuery).tags : undefined;
  return { refId: target?.refId ?? ANNOTATION_REF_ID, queryType: ANNOTATION_QUERY_TYPE, ...(tags ? { tags } : {}) };
}

/** Dashboards may hold an annotation saved without a target (or with an old one): give it ours. */
export function prepareAnnotation(json: AnnotationQuery<ShopmonQuery>): AnnotationQuery<ShopmonQuery> {
  return { ...json, target: toAnnotationQuery(json.target) };
}

export function splitTags(tags?: string): string[] {
  return (tags ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

export function annotationsFrame(refId: string, annotations: KpiAnnotation[]): DataFrame {
  return createDataFrame({
    refId,
    name: 'annotations',
    fields: [
      { name: 'time', type: FieldType.time, values: annotations.map((a) => a.time) },
      { name: 'timeEnd', type: FieldType.time, values: annotations.map((a) => a.time_end) },
      { name: 'title', type: FieldType.string, values: annotations.map((a) => a.title) },
      { name: 'text', type: FieldType.string, values: annotations.map((a) => a.text) },
      { name: 'tags', type: FieldType.other, values: annotations.map((a) => a.tags) },
    ],
  });
}
