import { expect } from 'chai';
import { qualityTrend } from '../src/index.js';
import { syntheticWindow } from './support/fixtures.js';

describe('qualityTrend', () => {
  it('fits the slope of a known linear series in points per hour', () => {
    // 90 − 0.1 per minute: −6 points per hour.
    const windows = Array.from({ length: 60 }, (_, index) => syntheticWindow({ index, score: 90 - 0.1 * index }));
    const trend = qualityTrend(windows.reverse()); // order of the input does not matter
    expect(trend.slopePerHour).to.be.closeTo(-6, 1e-9);
    expect(trend.direction).to.equal('degrading');
    expect(trend.min).to.be.closeTo(84.1, 1e-9);
    expect(trend.max).to.equal(90);
    expect(trend.mean).to.be.closeTo(87.05, 1e-9);
    expect(trend.points[0]?.score).to.equal(90);
  });

  it('calls a slope within the tolerance stable, and skips windows without a score', () => {
    const windows = Array.from({ length: 61 }, (_, index) =>
      syntheticWindow({ index, score: index % 10 === 5 ? null : 80 + (0.5 / 60) * index }),
    );
    const trend = qualityTrend(windows);
    expect(trend.points).to.have.length(55);
    expect(trend.slopePerHour).to.be.closeTo(0.5, 1e-9);
    expect(trend.direction).to.equal('stable');
    expect(qualityTrend(windows, { stableSlopePerHour: 0.25 }).direction).to.equal('improving');
  });

  it('has no slope under two points', () => {
    expect(qualityTrend([syntheticWindow({ index: 0, score: 70 })])).to.deep.include({ slopePerHour: null, direction: 'stable', mean: 70 });
    expect(qualityTrend([])).to.deep.equal({ points: [], slopePerHour: null, direction: 'stable', min: null, max: null, mean: null });
  });
});
