// End-to-end test of the web console in Debian's Chromium (playwright-core) against a demo
// node started here on a loopback ephemeral port: sign-in, the picture with live tracks and
// layer toggles, opening a record from the map, acting on worklist items and seeing the audit
// entries they produced, and that another authority's user sees no restricted record anywhere.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium, sourceDir, startDemo } from './node.mjs';

const shots = process.env.ISSA_SCREENSHOTS ?? path.join(sourceDir, 'build', 'web-screenshots');
const kTimeout = 20_000;
/** The title the node gives IT-NCC's EUROSUR event report seeded by the demo. */
const kIncident = 'Overcrowded boat south of Lampedusa';

let node;
let browser;

/** A fresh browser context signed in (through the sign-in form) as `who`, e.g. 'IT-NCC officer'. */
async function signIn(who, hash = '#/picture') {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 },
    timezoneId: 'Europe/Rome', locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(kTimeout);
  page.on('pageerror', (e) => console.error(`[${who}] page error: ${e.message}`));
  await page.goto(`${node.url}/${hash}`);
  await page.getByLabel('Access token').fill(node.tokens[who]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who').waitFor();
  return { context, page };
}

async function shot(page, name) {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

/** The text of a layer's status line in the picture's side panel. */
function layerStatus(page, id) {
  return page.locator(`li[data-layer="${id}"] .layer-status`);
}

describe('web console', { timeout: 150_000 }, () => {
  before(async () => {
    node = await startDemo();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('the node serves the console at / and refuses a bad token', async () => {
    const res = await fetch(`${node.url}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="app">/);
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${node.url}/`);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor({ timeout: kTimeout });
    await shot(page, '0-sign-in');
    await context.close();
  });

  test('the console is usable from the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    page.setDefaultTimeout(kTimeout);
    await page.goto(`${node.url}/`);
    // The token field has the focus; Enter signs in.
    await page.keyboard.type(node.tokens['IT-NCC officer']);
    await page.keyboard.press('Enter');
    await page.locator('#who').waitFor();
    /** Presses Tab (or Shift+Tab) until the focused element's text or label matches. */
    async function tabTo(pattern, key = 'Tab') {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press(key);
        const label = await page.evaluate(() => {
          const el = document.activeElement;
          return `${el?.textContent ?? ''} ${el?.closest('label')?.textContent ?? ''}`;
        });
        if (pattern.test(label)) return;
      }
      assert.fail(`no focusable element matching ${pattern}`);
    }
    // A layer toggle with Space.
    await tabTo(/Incidents/);
    await page.keyboard.press('Space');
    assert.equal(await page.getByLabel('Incidents').isChecked(), false);
    await page.locator('li[data-layer="incidents"] .layer-status', { hasText: 'off' }).waitFor();
    // Back to the navigation links, and on to the records.
    await tabTo(/^Records/, 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/records$/);
    await page.locator('#results table').waitFor();
    await context.close();
  });

  test('IT-NCC sees its principal and the live picture with vessel tracks', async () => {
    const { context, page } = await signIn('IT-NCC officer');
    const who = await page.locator('#who').innerText();
    assert.match(who, /IT-NCC/);
    assert.match(who, /officer/);
    assert.match(who, /RESTRICTED/);
    // Tracks are drawn (the replay feeds the picture), counted by the node for the view.
    await page.locator('#map[data-tracks-painted-ms]').waitFor({ state: 'attached', timeout: 40_000 });
    await page.locator('#map[data-basemap="ready"]').waitFor({ state: 'attached' });
    const count = Number(await page.locator('#map').getAttribute('data-track-count'));
    assert.ok(count > 0, `track count ${count}`);
    await page.locator('.track-canvas').waitFor({ state: 'attached' });
    await assert.doesNotReject(layerStatus(page, 'tracks').filter({ hasText: /\d+ in view/ }).waitFor());
    // The stream is open with the vessel track updates.
    await page.locator('.stream-state[data-state="open"]').waitFor();
    assert.match(await page.locator('.stream-state').innerText(), /vessel tracks/);
    // Selecting a vessel in the keyboard list shows its details and trail.
    await page.locator('.in-view button[data-layer="tracks"]').first().waitFor();
    const cluster = page.locator('.in-view button[data-layer="tracks"]', { hasText: /vessels$/ });
    if (!(await page.locator('.in-view button[data-layer="tracks"]', { hasText: /^MMSI/ }).count())) {
      await cluster.first().click();  // zoom in on a cluster until vessels are listed
    }
    await page.locator('.in-view button[data-layer="tracks"]', { hasText: /^MMSI/ }).first().click();
    await page.locator('.details').getByText('MMSI').waitFor();
    await page.locator('.details').getByText(/Last seen/).waitFor();
    await shot(page, '1-picture');
    await context.close();
  });

  test('layer toggles hide and show features; clicking an incident opens its record', async () => {
    const { context, page } = await signIn('IT-NCC officer', '#/picture?bbox=10,33,28,41');
    const incident = page.locator('.in-view button', { hasText: kIncident });
    await incident.waitFor();
    await layerStatus(page, 'incidents').filter({ hasText: '2 in view' }).waitFor();
    // Off: the incident leaves the map and the list.
    await page.getByLabel('Incidents').uncheck();
    await layerStatus(page, 'incidents').filter({ hasText: 'off' }).waitFor();
    await incident.waitFor({ state: 'detached' });
    // Vessel tracks off removes their canvas; on again brings it back.
    await page.getByLabel('Vessel tracks (live)').uncheck();
    await page.locator('.track-canvas').waitFor({ state: 'detached' });
    await page.getByLabel('Vessel tracks (live)').check();
    await page.locator('.track-canvas').waitFor({ state: 'attached' });
    await page.getByLabel('Incidents').check();
    await incident.waitFor();
    // A real click on the incident's marker on the map opens the record.
    const box = await page.locator('#map').boundingBox();
    const point = await page.evaluate(() => window.issaPicture.latLngToContainerPoint([35.30, 12.55]));
    await page.mouse.click(box.x + point.x, box.y + point.y);
    await page.waitForURL(/#\/records\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: kIncident }).waitFor();
    await page.getByText('unauthorised_border_crossing').first().waitFor();
    const history = page.locator('table.grid').last();
    await history.getByText('created').waitFor();
    await shot(page, '2-record');
    await context.close();
  });

  let eventId;
  test('IT-NCC acknowledges an event; FR-PIU requests access on a hit, DE-BKA refuses it', async () => {
    const { context, page } = await signIn('IT-NCC officer', '#/worklists');
    const row = page.locator('#acknowledge tr', { hasText: kIncident });
    await row.waitFor();
    eventId = await row.getByRole('button', { name: 'Acknowledge' }).getAttribute('data-record');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.waitFor({ state: 'detached' });
    // The node has the new status.
    const r = await node.api(node.tokens['IT-NCC officer'], `/api/v1/records/${eventId}`);
    assert.equal(r.body.properties.status, 'updated');
    assert.equal(r.body.version, 2);
    await shot(page, '3-worklists');
    await context.close();

    const fr = await signIn('FR-PIU analyst', '#/worklists');
    const hit = fr.page.locator('#hits tbody tr', { hasText: 'DE-BKA' }).first();
    await hit.waitFor();
    await hit.getByRole('button', { name: 'Request access' }).click();
    await hit.getByRole('alert').filter({ hasText: 'required' }).waitFor();
    await hit.getByPlaceholder('Justification').fill('Same person in PNR case 2026-114');
    await hit.getByRole('button', { name: 'Request access' }).click();
    await fr.page.locator('#hits tbody tr', { hasText: 'DE-BKA' }).first().locator('.chip-pending').waitFor();
    await fr.page.locator('#access-requests tr', { hasText: 'Same person in PNR case 2026-114' }).waitFor();
    await fr.context.close();

    // DE-BKA, the owner, refuses it: a reason is required.
    const de = await signIn('DE-BKA officer', '#/worklists');
    const incoming = de.page.locator('#access-requests tbody tr', { hasText: 'Same person in PNR case 2026-114' });
    await incoming.waitFor();
    assert.match(await incoming.innerText(), /incoming/);
    await incoming.getByRole('button', { name: 'Refuse' }).click();
    await incoming.getByRole('alert').filter({ hasText: 'required' }).waitFor();
    await incoming.getByPlaceholder('Reason for refusal').fill('Not within the purpose of the request');
    await incoming.getByRole('button', { name: 'Refuse' }).click();
    await incoming.locator('.chip-refused').waitFor();
    await de.context.close();
  });

  test('the DPO sees the audit entries these actions produced, and the chain links hold', async () => {
    assert.ok(eventId, 'the acknowledgement test ran');
    const { context, page } = await signIn('IT-NCC dpo', '#/audit');
    // Unfiltered, the entries are consecutive: their hash links are checked.
    await page.locator('.chain[data-state="ok"]').waitFor();
    const links = Number(/(\d+) links/.exec(await page.locator('.chain').innerText())[1]);
    assert.ok(links >= 50, `${links} links checked`);
    await page.goto(`${node.url}/#/audit?action=record.update`);
    const entry = page.locator('#audit-results tbody tr', { hasText: eventId });
    await entry.waitFor();
    assert.match(await entry.innerText(), /IT-NCC/);
    assert.match(await entry.innerText(), /ok/);
    // Filter through the form: the access request of FR-PIU.
    await page.getByLabel('Action').fill('access.request');
    await page.getByLabel('Authority').fill('FR-PIU');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#audit-results tbody tr', { hasText: 'access.request' }).first().waitFor();
    await page.getByLabel('Action').fill('access.refuse');
    await page.getByLabel('Authority').fill('DE-BKA');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#audit-results tbody tr', { hasText: 'access.refuse' }).first().waitFor();
    assert.match(page.url(), /action=access.refuse/);
    await shot(page, '4-audit');
    await context.close();
  });

  test('FR-PIU confirms a screening match after review; the DPO sees the review in the audit trail', async () => {
    const token = node.tokens['FR-PIU analyst'];
    // A list hit on FR-PIU's own person record, queued through the PIU service as screening does.
    const persons = await node.api(token, '/api/v1/records?type=Person&owner=FR-PIU');
    const subject = persons.body.records.find((r) => /PETROV/.test(r.properties.name));
    assert.ok(subject, 'the demo seeds FR-PIU\'s Ivan PETROV');
    const queued = await node.api(token, '/api/v1/piu/matches', { method: 'POST', body: JSON.stringify({
      subject: subject.id, source: 'list', list: 'UN-SC', entry_id: 'QDi.999', entry_name: 'Ivan PETROV',
      score: 0.91, features: [{ feature: 'name', result: 'match', score: 0.97 }, { feature: 'birth_date', result: 'missing' }] }) });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    assert.equal(queued.body.queued, true);
    const matchId = queued.body.id;

    const { context, page } = await signIn('FR-PIU analyst', '#/worklists');
    const row = page.locator('#screening tbody tr', { hasText: 'QDi.999' });
    await row.waitFor();
    assert.match(await row.innerText(), /UN-SC/);
    assert.match(await row.innerText(), /name match 0\.97/);
    // A confirmation needs a reason.
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.getByRole('alert').filter({ hasText: 'required' }).first().waitFor();
    await row.getByPlaceholder('Reason to confirm').fill('Same date of birth in the passport scan');
    await shot(page, '5-screening-review');
    await row.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await node.api(token, `/api/v1/piu/matches/${matchId}`);
    assert.equal(after.body.status, 'confirmed');
    assert.equal(after.body.reason, 'Same date of birth in the passport scan');
    await context.close();

    const dpo = await signIn('IT-NCC dpo', '#/audit?action=screening.confirm');
    const entry = dpo.page.locator('#audit-results tbody tr', { hasText: matchId });
    await entry.waitFor();
    assert.match(await entry.innerText(), /FR-PIU/);
    await dpo.context.close();
  });

  test('IT-NCC sees its border sections drawn by impact level', async () => {
    const { context, page } = await signIn('IT-NCC officer', '#/picture?bbox=10,33,28,41');
    await layerStatus(page, 'sections').filter({ hasText: /[1-9]\d* in view/ }).waitFor();
    const count = Number(await page.locator('#map').getAttribute('data-section-count'));
    assert.ok(count >= 2, `section count ${count}`);
    await page.locator('.legend', { hasText: 'critical' }).waitFor();
    await layerStatus(page, 'hotspots').filter({ hasText: /in view/ }).waitFor();
    // A section is listed for the keyboard; selecting it shows its level and open proposal.
    await page.locator('.in-view button[data-layer="sections"]', { hasText: /Pelagie/ }).click();
    await page.locator('.section-detail').getByText('IT-SEA-PELAGIE', { exact: true }).waitFor();
    assert.match(await page.locator('.section-detail').innerText(), /Open proposal\s+\S+/);
    await shot(page, '6-border-sections');
    await context.close();
  });

  let impactRecord;
  test('the Agency attributes the IT-NCC proposal (an analyst may not; an officer may)', async () => {
    // The analyst: the node's refusal is shown as it comes.
    const analyst = await signIn('EU-FRONTEX analyst', '#/worklists');
    const card = analyst.page.locator('#impact-proposals article[data-section="IT-SEA-PELAGIE"]');
    await card.waitFor();
    assert.match(await card.innerText(), /by IT-NCC/);
    await card.getByRole('button', { name: 'Attribute' }).click();
    await card.getByRole('alert').filter({ hasText: /Not available to you: role analyst may not/ }).waitFor();
    await analyst.context.close();

    const { context, page } = await signIn('EU-FRONTEX officer', '#/worklists');
    const mine = page.locator('#impact-proposals article[data-section="IT-SEA-PELAGIE"]');
    await mine.waitFor();
    // Declining needs a reason.
    await mine.getByRole('button', { name: 'Decline' }).click();
    await mine.getByRole('alert').filter({ hasText: 'required' }).waitFor();
    await shot(page, '7-impact-proposals');
    await mine.getByRole('button', { name: 'Attribute' }).click();
    await mine.waitFor({ state: 'detached' });
    const impact = await node.api(node.tokens['EU-FRONTEX officer'],
      '/api/v1/eurosur/sections/IT-SEA-PELAGIE/impact');
    assert.equal(impact.status, 200);
    assert.equal(impact.body.state.level, 'high');
    assert.equal(impact.body.state.proposal, null);
    impactRecord = impact.body.record;
    // The European picture shows the section at its new level.
    await page.goto(`${node.url}/#/picture?bbox=10,33,28,41`);
    await layerStatus(page, 'sections').filter({ hasText: /[1-9]\d* in view/ }).waitFor();
    await page.locator('.in-view button[data-layer="sections"]', { hasText: /Pelagie/ }).click();
    await page.locator('.section-detail .level').getByText('high').waitFor();
    await context.close();

    // The DPO finds the Agency's step in the audit trail.
    const dpo = await signIn('IT-NCC dpo', '#/audit?action=record.create&authority=EU-FRONTEX');
    await dpo.page.locator('#audit-results tbody tr', { hasText: impactRecord }).first().waitFor();
    await dpo.context.close();
  });

  test('GR-NCC refuses an Agency proposal for its section (a reason is required)', async () => {
    const proposed = await node.api(node.tokens['EU-FRONTEX officer'],
      '/api/v1/eurosur/sections/GR-SEA-LESVOS/impact/proposals',
      { method: 'POST', body: JSON.stringify({ level: 'medium', reason: 'Arrivals on Lesvos up' }) });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    const { context, page } = await signIn('GR-NCC officer', '#/worklists');
    const card = page.locator('#impact-proposals article[data-section="GR-SEA-LESVOS"]');
    await card.waitFor();
    assert.match(await card.innerText(), /by EU-FRONTEX/);
    await card.getByRole('button', { name: 'Refuse' }).click();
    await card.getByRole('alert').filter({ hasText: 'required' }).waitFor();
    await card.getByPlaceholder('Reason to refuse').fill('Arrivals within the usual seasonal range');
    await card.getByRole('button', { name: 'Refuse' }).click();
    await card.waitFor({ state: 'detached' });
    const impact = await node.api(node.tokens['GR-NCC officer'], '/api/v1/eurosur/sections/GR-SEA-LESVOS/impact');
    assert.equal(impact.body.state.proposal, null);
    assert.ok(impact.body.state.history.some((e) => e.step === 'refused'), JSON.stringify(impact.body.state.history));
    await context.close();
  });

  test('FR-PIU sees neither the vessel picture nor DE-BKA\'s owner-only record', async () => {
    // The id of DE-BKA's owner-only person record, read with DE-BKA's own token.
    const de = await node.api(node.tokens['DE-BKA officer'], '/api/v1/records?type=Person&owner=DE-BKA');
    const secret = de.body.records.find((r) => r.handling.distribution === 'owner');
    assert.ok(secret, 'DE-BKA holds an owner-only person');
    const name = secret.properties.name;

    const { context, page } = await signIn('FR-PIU analyst');
    assert.match(await page.locator('#who').innerText(), /FR-PIU/);
    await layerStatus(page, 'tracks').filter({ hasText: 'not available to you' }).waitFor();
    assert.equal(await page.locator('.track-canvas').count(), 0);
    await page.locator('.stream-state[data-state="open"]').waitFor();
    assert.doesNotMatch(await page.locator('.stream-state').innerText(), /vessel tracks/);
    await shot(page, '5-picture-fr-piu');

    // Searches: FR-PIU's own person is found, DE-BKA's is not, by type, owner or text.
    await page.getByRole('link', { name: 'Records' }).click();
    await page.getByLabel('Type').selectOption('Person');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#results').getByText('Ivan PETROV').waitFor();
    assert.ok(!(await page.locator('#results').innerText()).includes(name));
    for (const hash of ['#/records?owner=DE-BKA', `#/records?q=${encodeURIComponent(name.split(' ')[0])}`, '#/records']) {
      await page.goto(`${node.url}/${hash}`);
      await page.locator('#results :is(table, .state.empty)').first().waitFor();
      const text = await page.locator('#results').innerText();
      assert.ok(!text.includes(name), `${hash} shows ${name}`);
      assert.equal(await page.locator(`#results a[href="#/records/${secret.id}"]`).count(), 0);
    }
    // Hits tell of the record but do not link it; opening it directly is "not found".
    await page.goto(`${node.url}/#/worklists`);
    await page.locator('#hits tbody tr', { hasText: 'DE-BKA' }).first().waitFor();
    assert.ok(!(await page.locator('main').innerText()).includes(name));
    await page.goto(`${node.url}/#/records/${secret.id}`);
    await page.getByRole('alert').filter({ hasText: 'Not found, or not visible to you' }).waitFor();
    assert.ok(!(await page.locator('main').innerText()).includes(name));
    // The audit trail is not for an analyst.
    await page.goto(`${node.url}/#/audit`);
    await page.getByRole('alert').filter({ hasText: 'Not available to you' }).waitFor();
    await context.close();
  });
});
