import { ReducerID, StandardEditorProps } from '@grafana/data';
import { StatsPicker } from '@grafana/ui';

/** The standard reducer picker (last, lastNotNull, mean, sum, max...), one calculation. */
export function ReducerEditor({ value, onChange, id }: StandardEditorProps<string>) {
  return (
    <StatsPicker
      inputId={id}
      stats={[value || ReducerID.lastNotNull]}
      allowMultiple={false}
      defaultStat={ReducerID.lastNotNull}
      onChange={(stats) => onChange(stats[0] ?? ReducerID.lastNotNull)}
    />
  );
}
