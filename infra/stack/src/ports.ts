import { spawnSync } from 'node:child_process';

/**
 * Names the process listening on a TCP port, for "port taken" errors. Uses `ss` when present;
 * returns undefined when it cannot tell (the error message still names the port).
 */
export function describePortOwner(port: number): string | undefined {
  const res = spawnSync('ss', ['-H', '-ltnp', `sport = :${port}`], { encoding: 'utf8', timeout: 5_000 });
  if (res.error || res.status !== 0) return undefined;
  const line = res.stdout.trim().split('\n')[0];
  if (!line) return undefined;
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
  return users ? `${users[1]} (pid ${users[2]})` : line.replace(/\s+/g, ' ');
}
