import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { expect } from 'chai';
import { DISK_FREE_METRIC, DISK_USED_RATIO_METRIC, diskSamples } from '../src/disk/disk.js';

describe('disk of the Kafka data directory', () => {
  it('reports free bytes and the used ratio of the file system, as df does', async () => {
    const dir = os.tmpdir();
    const samples = await diskSamples(dir, 'm-0', 1_000);
    expect(samples.map((s) => [s.metric, s.service, s.kind, s.labels.path])).to.deep.equal([
      [DISK_FREE_METRIC, 'kafka', 'gauge', dir],
      [DISK_USED_RATIO_METRIC, 'kafka', 'gauge', dir],
    ]);
    // df -Pk: 1024-byte blocks; Available and Use% of the same file system, computed independently.
    const [, line] = execFileSync('df', ['-Pk', dir], { encoding: 'utf8' }).trim().split('\n');
    const [, , used, available, capacity] = line!.split(/\s+/);
    expect(samples[0]!.value / 1024).to.be.closeTo(Number(available), Math.max(1024, Number(available) * 0.01));
    expect(samples[1]!.value * 100).to.be.closeTo(Number(capacity!.replace('%', '')), 1.5);
    expect(Number(used)).to.be.greaterThan(0);
  });

  it('fails on a path that does not exist (the caller logs it)', async () => {
    let error: unknown;
    await diskSamples('/no/such/kafka/data', 'm-0', 1_000).catch((err: unknown) => (error = err));
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });
});
