import { cx } from '@emotion/css';

import { useStyles2 } from '@grafana/ui';

import { CardModel } from '../../hooks/viewModel.types';
import { selectors } from '../../selectors';
import { ShopmonPanelOptions } from '../../types';
import { gridLayout } from './layout';
import { Scorecard } from './Scorecard';
import { getStyles } from './Scorecards.styles';

interface Props {
  cards: CardModel[];
  options: ShopmonPanelOptions;
  width: number;
  height: number;
}

/** The cards in an auto grid that reflows with the panel size. */
export function Scorecards({ cards, options, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const grid = gridLayout(cards.length, width, height, { minCardWidth: options.minCardWidth, orientation: options.orientation });
  return (
    <div
      role="list"
      className={cx(styles.grid, grid.scroll && styles.scroll)}
      style={{ gridTemplateColumns: `repeat(${grid.columns}, minmax(0, 1fr))` }}
      data-testid={selectors.scorecards.container}
    >
      {cards.map((card) => (
        <div role="listitem" key={card.key} className={styles.item}>
          <Scorecard
            card={card}
            width={grid.cardWidth}
            height={grid.cardHeight}
            colorMode={options.colorMode}
            showSparkline={options.showSparkline}
          />
        </div>
      ))}
    </div>
  );
}
