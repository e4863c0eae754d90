import { expect } from '@open-wc/testing';
import { NetworkQualityMonitor } from '../../src/engine/network-quality.js';

/** A stats report shaped like Chromium's, holding only the fields the monitor reads. */
function report(entries: Array<Record<string, unknown>>): RTCStatsReport {
  return new Map(entries.map((entry, i) => [String(i), entry])) as unknown as RTCStatsReport;
}

describe('NetworkQualityMonitor', () => {
  it('calls a path with a long round trip poor, and good again when it recovers', async () => {
    let rtt = 0.05;
    const changes: string[] = [];
    const monitor = new NetworkQualityMonitor(
      async () => report([{ type: 'candidate-pair', nominated: true, currentRoundTripTime: rtt }]),
      (quality) => changes.push(quality),
    );
    expect(await monitor.sample()).to.equal('good');
    rtt = 0.6;
    expect(await monitor.sample()).to.equal('poor');
    rtt = 0.04;
    expect(await monitor.sample()).to.equal('good');
    expect(changes).to.deep.equal(['poor', 'good']);
  });

  it('judges packet loss over the interval since the last sample, not since the call began', async () => {
    let received = 1_000;
    let lost = 0;
    const monitor = new NetworkQualityMonitor(
      async () => report([{ type: 'inbound-rtp', packetsReceived: received, packetsLost: lost }]),
      () => {},
    );
    await monitor.sample();
    received += 90;
    lost += 10; // 10% of this interval
    expect(await monitor.sample()).to.equal('poor');
    received += 100;
    expect(await monitor.sample()).to.equal('good');
  });

  it('stop() resets to good', async () => {
    const monitor = new NetworkQualityMonitor(async () => report([{ type: 'candidate-pair', nominated: true, currentRoundTripTime: 1 }]), () => {});
    await monitor.sample();
    expect(monitor.quality).to.equal('poor');
    monitor.stop();
    expect(monitor.quality).to.equal('good');
  });
});
