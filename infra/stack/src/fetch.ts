import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './errors.js';
import { repoRoot, type StackOptions, stackPaths } from './options.js';

/** A cached download is complete only once this marker exists, so an interrupted one is redone. */
const COMPLETE = '.complete';

function isComplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, COMPLETE));
}

function requireMaven(): string {
  const res = spawnSync('mvn', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (res.error || res.status !== 0) {
    throw new StackError(
      'TRIB_STACK_NO_MAVEN',
      'Apache Maven (mvn) is needed once, to fetch the Kafka and schema-registry jars from Maven Central. ' +
        'Install it (apt-get install maven) and run again.',
    );
  }
  return 'mvn';
}

function run(cmd: string, args: string[], opts: { cwd: string; timeoutMs: number; what: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new StackError('TRIB_STACK_DOWNLOAD_FAILED', `Could not run ${cmd} for ${opts.what}`, undefined, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = signal ? `was stopped after ${Math.round(opts.timeoutMs / 1000)} s` : `exited with ${code}`;
      const errors = output.split('\n').filter((l) => /ERROR|Could not|refused|timed out/i.test(l)).slice(-12).join('\n');
      reject(
        new StackError(
          'TRIB_STACK_DOWNLOAD_FAILED',
          `Downloading ${opts.what} from Maven Central failed: mvn ${why}. Check the network to the Maven ` +
            `repository (or ~/.m2/settings.xml mirrors) and run again; nothing partial is kept.`,
          errors || output.slice(-3000),
        ),
      );
    });
  });
}

/** Kafka broker + tools + log4j2 binding, resolved by infra/kafka/pom.xml into one classpath folder. */
async function fetchKafka(o: StackOptions, log: (line: string) => void): Promise<void> {
  const dest = stackPaths(o).kafkaLibs;
  if (isComplete(dest)) return;
  const mvn = requireMaven();
  log(`Downloading Apache Kafka ${o.kafkaVersion} jars into ${dest} (once)…`);
  const tmp = `${dest}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await run(
    mvn,
    [
      '-B',
      '-q',
      '-f',
      path.join(repoRoot, 'infra', 'kafka', 'pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      `-DoutputDirectory=${tmp}`,
      '-DincludeScope=runtime',
    ],
    { cwd: repoRoot, timeoutMs: o.timeouts.downloadMs, what: `Apache Kafka ${o.kafkaVersion}` },
  );
  fs.writeFileSync(path.join(tmp, COMPLETE), new Date().toISOString());
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(tmp, dest);
}

/** Apicurio Registry's prebuilt distribution (a Quarkus fast-jar), published on Maven Central as a tar.gz. */
async function fetchRegistry(o: StackOptions, log: (line: string) => void): Promise<void> {
  const dest = stackPaths(o).registryDist;
  if (isComplete(dest)) return;
  const mvn = requireMaven();
  log(`Downloading Apicurio Registry ${o.registryVersion} into ${dest} (once)…`);
  const tmp = `${dest}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  await run(
    mvn,
    [
      '-B',
      '-q',
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
      `-Dartifact=io.apicurio:apicurio-registry-app:${o.registryVersion}:tar.gz:all`,
      `-DoutputDirectory=${tmp}`,
    ],
    { cwd: tmp, timeoutMs: o.timeouts.downloadMs, what: `Apicurio Registry ${o.registryVersion}` },
  );
  const archive = path.join(tmp, `apicurio-registry-app-${o.registryVersion}-all.tar.gz`);
  const untar = spawnSync('tar', ['-xzf', archive, '-C', tmp], { encoding: 'utf8' });
  if (untar.status !== 0) {
    throw new StackError('TRIB_STACK_DOWNLOAD_FAILED', `Could not unpack ${archive}`, untar.stderr);
  }
  fs.rmSync(archive);
  if (!fs.existsSync(path.join(tmp, 'quarkus-run.jar'))) {
    throw new StackError('TRIB_STACK_DOWNLOAD_FAILED', `The registry archive has no quarkus-run.jar (layout changed?) in ${tmp}`);
  }
  fs.writeFileSync(path.join(tmp, COMPLETE), new Date().toISOString());
  fs.rmSync(dest, { recursive: true, force: true });
  fs.renameSync(tmp, dest);
}

/** Downloads whatever the stack lacks; a no-op when the cache is complete. */
export async function fetchStack(o: StackOptions, log: (line: string) => void): Promise<void> {
  await fetchKafka(o, log);
  await fetchRegistry(o, log);
}
