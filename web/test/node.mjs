// Starts `issa demo` on a loopback ephemeral port with a fresh data folder, and reads the port
// and the demo tokens from its banner. Shared by the end-to-end test and the first-paint bench.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sourceDir = process.env.ISSA_SOURCE_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const issaBinary = process.env.ISSA_BINARY ?? path.join(sourceDir, 'build', 'bin', 'issa');
export const webRoot = process.env.ISSA_WEB_ROOT ?? path.join(sourceDir, 'web', 'dist');

/**
 * Starts a demo node; resolves with {url, port, tokens: {'IT-NCC officer': '…', …}, stop()}.
 * `replay` is an AIS log (default: the demo's AMSA log).
 */
export async function startDemo({ replay, speed = 20, timeoutMs = 60_000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issa-web-'));
  const args = ['demo', '--port', '0', '--data-dir', path.join(dir, 'data'), '--web-root', webRoot,
    '--ais-replay', replay ?? path.join(sourceDir, 'data', 'demo', 'amsa-ais.nmea'),
    '--replay-speed', String(speed)];
  const child = spawn(issaBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const banner = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`issa demo exited with ${code}:\n${out}\n${err}`));
    });
  });
  const port = Number(/127\.0\.0\.1:(\d+)\//.exec(banner)[1]);
  const tokens = {};
  for (const line of banner.split('\n')) {
    const m = /^\s+([A-Z]{2}-[A-Z]+)\s+(\w+)\s+([A-Z]+)\s+(\S+)\s*$/.exec(line);
    if (m) tokens[`${m[1]} ${m[2]}`] = m[4];
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, tokens, dir,
    log: () => err,
    /** Calls the API with a token; resolves with {status, body}. */
    async api(token, p, init = {}) {
      const res = await fetch(url + p, { ...init, headers: { Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json', ...(init.headers ?? {}) } });
      const text = await res.text();
      let body = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
      '--disable-default-apps', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}
