import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.js';

export interface JavaRuntime {
  bin: string;
  major: number;
}

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_402", "25"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

function probe(bin: string): JavaRuntime | undefined {
  // `java -version` prints on stderr.
  const res = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.error || res.status !== 0) return undefined;
  const major = parseJavaMajor(`${res.stderr}${res.stdout}`);
  return major === undefined ? undefined : { bin, major };
}

/** Every Java we can find: an explicit home first, then JAVA_HOME, PATH, and /usr/lib/jvm. */
export function findJavas(preferredHome?: string): JavaRuntime[] {
  const candidates: string[] = [];
  if (preferredHome) candidates.push(path.join(preferredHome, 'bin', 'java'));
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  candidates.push('java');
  try {
    for (const entry of fs.readdirSync('/usr/lib/jvm').sort()) {
      const bin = path.join('/usr/lib/jvm', entry, 'bin', 'java');
      if (fs.existsSync(bin)) candidates.push(bin);
    }
  } catch {
    /* no /usr/lib/jvm on this system */
  }
  const seen = new Set<string>();
  const found: JavaRuntime[] = [];
  for (const bin of candidates) {
    const key = bin === 'java' ? bin : fs.existsSync(bin) ? fs.realpathSync(bin) : bin;
    if (seen.has(key)) continue;
    seen.add(key);
    const rt = bin === 'java' || fs.existsSync(bin) ? probe(bin) : undefined;
    if (rt) found.push(rt);
  }
  return found;
}

/**
 * Picks a Java for a service: an explicitly requested home must satisfy the minimum; otherwise the
 * first found that does (JAVA_HOME and PATH before the highest in /usr/lib/jvm).
 */
export function selectJava(service: string, minMajor: number, javas: JavaRuntime[], explicitHome?: string): JavaRuntime {
  if (explicitHome) {
    const bin = path.join(explicitHome, 'bin', 'java');
    const rt = javas.find((j) => j.bin === bin);
    if (!rt || rt.major < minMajor) {
      throw new StackError(
        'TRIB_STACK_NO_JAVA',
        `${service} needs Java ${minMajor} or newer; the Java at ${explicitHome} is ${rt ? rt.major : 'not runnable'}.`,
      );
    }
    return rt;
  }
  const suitable = javas.filter((j) => j.major >= minMajor);
  const chosen = suitable[0];
  if (!chosen) {
    const seen = javas.length ? javas.map((j) => `${j.bin} (${j.major})`).join(', ') : 'none';
    throw new StackError(
      'TRIB_STACK_NO_JAVA',
      `${service} needs Java ${minMajor} or newer. Java runtimes found: ${seen}. ` +
        `Install one (e.g. apt-get install openjdk-${Math.max(minMajor, 17)}-jdk-headless) or point JAVA_HOME at it.`,
    );
  }
  return chosen;
}
