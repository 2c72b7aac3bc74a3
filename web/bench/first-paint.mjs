// First paint of the situational picture: the time from navigation to the vessel tracks drawn
// on the map, in Debian's Chromium against a demo node on loopback, signed in beforehand (token in
// the tab's session storage). Prints one line per run and the median.
//
//   node web/bench/first-paint.mjs [--runs 5] [--synthetic 300000] [--bbox w,s,e,n]
//
// --synthetic N replays a generated AIS log of N vessels (one type 1 report each, spread over the
// oceans) instead of the demo's AMSA log, to check the map with a large picture: the node filters
// by box and answers grid clusters beyond the console's limit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, startDemo } from '../test/node.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const runs = opt('runs', 5);
const synthetic = opt('synthetic', 0);
// --bbox w,s,e,n opens the picture on that box instead of the world.
const bbox = argv.includes('--bbox') ? argv[argv.indexOf('--bbox') + 1] : '';

function armour(bits) {
  let s = '';
  for (let i = 0; i < bits.length; i += 6) {
    const v = parseInt(bits.slice(i, i + 6).padEnd(6, '0'), 2);
    s += String.fromCharCode(v < 40 ? v + 48 : v + 56);
  }
  return s;
}

function uint(v, n) {
  return (BigInt.asUintN(n, BigInt(Math.round(v)))).toString(2).padStart(n, '0');
}

function checksum(text) {
  let x = 0;
  for (const c of text) x ^= c.charCodeAt(0);
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * An AIS log of `n` vessels with NMEA tag-block times: each reports once (type 1) in each of
 * `rounds` rounds of `roundS` seconds, so a replay at 1x holds all of them after the first round
 * and keeps them live for the next ones (the replay restarts, and clears, at the end of the log).
 */
function writeSyntheticLog(file, n, rounds = 3, roundS = 30) {
  const out = fs.openSync(file, 'w');
  const t0 = Math.floor(Date.now() / 1000) - 3600;
  let chunk = '';
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const vessels = Array.from({ length: n }, () => ({ lon: -170 + rnd() * 340,
    lat: -60 + rnd() * 130, sog: rnd() * 200, cog: rnd() * 3600 }));
  for (let k = 0; k < rounds * n; k++) {
    const i = k % n;
    const round = Math.floor(k / n);
    const mmsi = 200000000 + i;
    const { sog, cog } = vessels[i];
    const lon = vessels[i].lon + round * 0.001;
    const lat = vessels[i].lat;
    const bits = uint(1, 6) + uint(0, 2) + uint(mmsi, 30) + uint(0, 4) + uint(-128, 8) +
      uint(sog, 10) + '0' + uint(lon * 600000, 28) + uint(lat * 600000, 27) + uint(cog, 12) +
      uint(511, 9) + uint(i % 60, 6) + uint(0, 2) + uint(0, 3) + '0' + uint(0, 19);
    const body = `AIVDM,1,1,,A,${armour(bits)},0`;
    const tag = `c:${t0 + round * roundS + Math.floor((i / n) * roundS)}`;
    chunk += `\\${tag}*${checksum(tag)}\\!${body}*${checksum(body)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

let replay;
let tmp;
if (synthetic > 0) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'issa-paint-'));
  replay = path.join(tmp, 'synthetic.nmea');
  writeSyntheticLog(replay, synthetic);
}
const node = await startDemo({ replay, speed: synthetic > 0 ? 1 : 20, timeoutMs: 300_000 });
const token = node.tokens['IT-NCC officer'];
const browser = await launchChromium();
try {
  // Wait until the picture holds the feed (or, for the demo, some tracks).
  const want = synthetic > 0 ? synthetic * 0.99 : 1;
  for (let i = 0; i < 600; i++) {
    const r = await node.api(token, '/api/v1/maritime/tracks?limit=1');
    if (r.status === 200 && r.body.total >= want) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const world = await node.api(token, '/api/v1/maritime/tracks?limit=1');
  console.log(`tracks on the node: ${world.body.total}`);
  const times = [];
  const pans = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.addInitScript((t) => sessionStorage.setItem('issa.token', t), token);
    const page = await context.newPage();
    await page.goto(`${node.url}/#/picture${bbox ? `?bbox=${bbox}` : ''}`);
    await page.locator('#map[data-tracks-painted-ms]').waitFor({ state: 'attached', timeout: 60_000 });
    const ms = Number(await page.locator('#map').getAttribute('data-tracks-painted-ms'));
    const status = await page.locator('li[data-layer="tracks"] .layer-status').innerText();
    times.push(ms);
    console.log(`run ${i + 1}: first paint ${ms} ms (${status})`);
    // A pan: the time until the moved box's tracks are loaded (and drawn in the same task).
    const panMs = await page.evaluate(() => new Promise((resolve) => {
      const status = document.querySelector('li[data-layer="tracks"] .layer-status');
      const t0 = performance.now();
      const watch = new MutationObserver(() => {
        if (Number(status.dataset.loadedMs) > t0) {
          watch.disconnect();
          resolve(Math.round(performance.now() - t0));
        }
      });
      watch.observe(status, { attributes: true });
      window.issaPicture.panBy([400, 0], { animate: false });
    }));
    pans.push(panMs);
    console.log(`        pan: tracks of the new box loaded after ${panMs} ms (300 ms of it the console's debounce)`);
    await context.close();
  }
  times.sort((a, b) => a - b);
  pans.sort((a, b) => a - b);
  console.log(`median first paint: ${times[Math.floor(times.length / 2)]} ms, median pan reload ` +
    `${pans[Math.floor(pans.length / 2)]} ms over ${runs} runs`);
} finally {
  await browser.close();
  await node.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
