import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

/** Runs `npm run bench` as a developer would (its own process), collecting what it prints. */
function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/bench.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A smoke run, not a measurement: no figure is asserted, only that the instrument works and
// cleans up after itself.
describe('npm run bench', () => {
  it('prints the report for a quick round and leaves no process or file behind', async () => {
    const run = await bench(['--quick', '--rounds', '1', '--duration', '1', '--connections', '8', '--only', 'node-http,floor:sqlite,vouch:sqlite']);
    expect(run.code, run.stderr).toBe(0);

    const rows = run.stdout.split('\n').filter((line) => line.startsWith('| '));
    expect(rows[0]).toMatch(/^\| target +\| req\/s +\| p99 ms +\| × Express +\| RSS MB +\| goal +\| measured +\| met +\|$/);
    const targets = rows.slice(1, 5).map((row) => row.split('|')[1]!.trim());
    expect(targets).toEqual(['bare node:http', 'bare Express 5', 'floor: node:http + session lookup · SQLite', 'vouch · SQLite']);
    expect(rows.find((row) => row.startsWith('| vouch · SQLite'))).toContain('≥ 2.0× Express');
    expect(rows.find((row) => row.startsWith('| Gatehouse · SQLite'))).toContain('idle ≤ 120, peak ≤ 250');

    // Five processes: the two baselines, Gatehouse (as `npm start` runs it), the floor under vouch
    // (which answered the bench's own session cookie, or the run would have failed) and the load
    // generator.
    const started = [...run.stderr.matchAll(/^started (.+) \(pid (\d+)\)$/gm)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    expect(started.map((s) => s.name).sort()).toEqual(['Gatehouse · SQLite', 'bare Express 5', 'bare node:http', 'floor · SQLite', 'load generator']);
    expect(started.filter((s) => alive(s.pid))).toEqual([]);
    const workDir = /^SQLite work dir (.+)$/m.exec(run.stderr)?.[1];
    expect(workDir).toBeDefined();
    expect(existsSync(workDir!)).toBe(false);
  }, 120_000);

  it('refuses an unknown target and names the known ones', async () => {
    const run = await bench(['--only', 'nonsense']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"nonsense" selects no target');
    expect(run.stderr).toContain('vouch:sqlite');
    expect(run.stderr).not.toMatch(/^started /m);
  });
});
