import { cx } from '@emotion/css';
import { CSSProperties, KeyboardEvent, MouseEvent, ReactNode } from 'react';

import { LinkModel } from '@grafana/data';
import { DataLinksContextMenu, useStyles2 } from '@grafana/ui';

import { selectors } from '../../selectors';
import { getStyles } from './Scorecards.styles';

interface Props {
  links: LinkModel[];
  ariaLabel: string;
  style: CSSProperties;
  children: ReactNode;
}

/**
 * The card's outer element. With one data link it is a real link (focusable, Enter follows
 * it); with several it is a button opening Grafana's data links menu; without links a plain group.
 */
export function CardShell({ links, ariaLabel, style, children }: Props) {
  const styles = useStyles2(getStyles);
  const common = { 'data-testid': selectors.scorecards.card, 'aria-label': ariaLabel, style };
  if (links.length === 1) {
    const link = links[0]!;
    const onClick = link.onClick
      ? (e: MouseEvent<HTMLAnchorElement>) => {
          e.preventDefault();
          link.onClick!(e);
        }
      : undefined;
    return (
      <a {...common} className={cx(styles.card, styles.interactive)} href={link.href} target={link.target} title={link.title} onClick={onClick}>
        {children}
      </a>
    );
  }
  if (links.length > 1) {
    return (
      <DataLinksContextMenu links={() => links}>
        {({ openMenu }) => {
          const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
            if (e.key !== 'Enter' && e.key !== ' ') return;
            e.preventDefault();
            const rect = e.currentTarget.getBoundingClientRect();
            // The menu opens at a pointer position; from the keyboard, use the card's corner.
            openMenu?.({ pageX: rect.left + window.scrollX, pageY: rect.bottom + window.scrollY } as unknown as MouseEvent<HTMLDivElement>);
          };
          return (
            <div {...common} className={cx(styles.card, styles.interactive)} role="button" tabIndex={0} aria-haspopup="menu" onClick={openMenu} onKeyDown={onKeyDown}>
              {children}
            </div>
          );
        }}
      </DataLinksContextMenu>
    );
  }
  return (
    <div {...common} className={styles.card} role="group">
      {children}
    </div>
  );
}
