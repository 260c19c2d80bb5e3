import { describe, expect, it } from 'vitest';
import { moneyCompact, moneyFigure } from '@/components/dashboard/format';

describe('money on the dashboard', () => {
  it('shows a key figure exactly below €10,000', () => {
    expect(moneyFigure(8464)).toBe('€84.64');
    expect(moneyFigure(8460)).toBe('€84.60');
    expect(moneyFigure(0)).toBe('€0.00');
    expect(moneyFigure(999_999)).toBe('€9,999.99');
    expect(moneyFigure(-8464)).toBe('-€84.64');
  });

  it('shows a key figure compactly from €10,000', () => {
    // CLDR's English abbreviations are "K" or "k" depending on the ICU version.
    expect(moneyFigure(1_000_000)).toMatch(/^€10K$/i);
    expect(moneyFigure(5_684_321)).toMatch(/^€56\.8K$/i);
    expect(moneyFigure(-5_684_321)).toMatch(/^-€56\.8K$/i);
    expect(moneyFigure(123_456_789_00)).toMatch(/^€123\.5M$/i);
  });

  it('keeps axis labels compact', () => {
    expect(moneyCompact(5000)).toBe('€50');
    expect(moneyCompact(120_000)).toMatch(/^€1\.2K$/i);
  });
});
