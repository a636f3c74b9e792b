import { useMemo } from 'react';

import { LoadingState, PanelData, PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { useFunnel } from '../../hooks/useFunnel';
import { useScorecards } from '../../hooks/useScorecards';
import { labels } from '../../labels';
import { normalizeOptions } from '../../migration';
import { selectors } from '../../selectors';
import { ShopmonPanelOptions } from '../../types';
import { Funnel } from '../Funnel';
import { PanelStatus } from '../PanelStatus';
import { Scorecards } from '../Scorecards';
import { getStyles } from './ShopmonPanel.styles';

type Props = PanelProps<ShopmonPanelOptions>;

/**
 * Why there is nothing to draw: a failed query says so in the panel body (at 3 a.m. "No data"
 * reads as "orders are zero"); otherwise the view model's own status.
 */
function NotReady({ data, status, message }: { data: PanelData; status: 'nodata' | 'unsupported'; message: string }) {
  const error = data.errors?.[0] ?? data.error;
  if (status === 'nodata' && (data.state === LoadingState.Error || error)) {
    return <PanelStatus status="error" message={error?.message ? `${labels.queryFailed}: ${error.message}` : labels.queryFailed} />;
  }
  return <PanelStatus status={status} message={message} />;
}

function ScorecardsView({ data, options, replaceVariables, timeZone, width, height }: Props) {
  const model = useScorecards(data.series, options, replaceVariables, timeZone);
  if (model.status !== 'ready') return <NotReady data={data} status={model.status} message={model.message} />;
  return <Scorecards cards={model.cards} options={options} width={width} height={height} />;
}

function FunnelView({ data, options, replaceVariables, timeZone, width, height }: Props) {
  const model = useFunnel(data.series, options, replaceVariables, timeZone);
  if (model.status !== 'ready') return <NotReady data={data} status={model.status} message={model.message} />;
  return <Funnel funnels={model.funnels} options={options.funnel} width={width} height={height} />;
}

/** The panel: picks the mode; each view asks its data hook for a view model and only draws. */
export function ShopmonPanel(props: Props) {
  const styles = useStyles2(getStyles);
  // Hand-edited or older dashboard JSON may lack options: the views always get a complete set.
  const options = useMemo(() => normalizeOptions(props.options), [props.options]);
  const view = { ...props, options };
  return (
    <div className={styles.root} style={{ width: props.width, height: props.height }} data-testid={selectors.panel}>
      {options.mode === 'funnel' ? <FunnelView {...view} /> : <ScorecardsView {...view} />}
    </div>
  );
}
