import { cardLayout, gridLayout, MIN_CARD_HEIGHT } from './layout';

const content = { valueText: '1,234', hasDelta: true, hasSparkline: true, hasTarget: true };

describe('scorecard grid', () => {
  it('reflows with the panel width and never goes below the minimum card width', () => {
    const auto = { minCardWidth: 180, orientation: 'auto' as const };
    expect(gridLayout(6, 1200, 200, auto)).toMatchObject({ columns: 6, rows: 1 });
    expect(gridLayout(6, 600, 400, auto).columns).toBeLessThanOrEqual(3);
    expect(gridLayout(6, 600, 400, auto).cardWidth).toBeGreaterThanOrEqual(180);
    expect(gridLayout(6, 150, 900, auto)).toMatchObject({ columns: 1, rows: 6, cardWidth: 150 });
  });

  it('horizontal puts as many cards in a row as fit; vertical stacks them', () => {
    expect(gridLayout(4, 800, 600, { minCardWidth: 100, orientation: 'horizontal' })).toMatchObject({ columns: 4, rows: 1 });
    expect(gridLayout(4, 800, 600, { minCardWidth: 100, orientation: 'vertical' })).toMatchObject({ columns: 1, rows: 4 });
  });

  it('scrolls instead of squeezing cards below their minimum height', () => {
    const g = gridLayout(20, 200, 300, { minCardWidth: 180, orientation: 'vertical' });
    expect(g).toMatchObject({ scroll: true, cardHeight: MIN_CARD_HEIGHT });
  });
});

describe('card content', () => {
  it('shows sparkline and target on roomy cards, with capped font sizes', () => {
    const l = cardLayout(300, 220, content);
    expect(l).toMatchObject({ showDelta: true, showSparkline: true, showTarget: true });
    expect(l.valueSize).toBeLessThanOrEqual(72);
    expect(l.titleSize).toBeLessThanOrEqual(18);
  });

  it('hides sparkline and target on small cards and keeps the value readable', () => {
    const l = cardLayout(120, 70, content);
    expect(l).toMatchObject({ showSparkline: false, showTarget: false, sparklineHeight: 0 });
    expect(l.valueSize).toBeGreaterThanOrEqual(12);
    expect(l.titleSize).toBeGreaterThanOrEqual(11);
  });

  it('puts the delta next to the value on short, wide cards', () => {
    expect(cardLayout(240, 60, content)).toMatchObject({ showDelta: true, inlineDelta: true });
    expect(cardLayout(100, 60, content)).toMatchObject({ showDelta: false });
    expect(cardLayout(240, 160, content)).toMatchObject({ showDelta: true, inlineDelta: false });
  });

  it('fits long values smaller than short ones', () => {
    expect(cardLayout(200, 150, { ...content, valueText: '₩123,456,789,012' }).valueSize).toBeLessThan(cardLayout(200, 150, { ...content, valueText: '12' }).valueSize);
  });
});
