// The page's dead letters' panel in a real browser (Debian's headless Chromium), against the real
// services: usage node dead-letters.test.mjs BASE_URL DESKS TOKEN ORDER_ID DISCARD_ORDER_ID, where
// DESKS are the management URLs of order-service and payment-service (comma-separated), ORDER_ID an
// order whose payment request payment-service dead-lettered, DISCARD_ORDER_ID another, whose letter
// the page discards. Prints "ok - …" per check; exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const [base, desks, token, orderId, discardId] = process.argv.slice(2);
const TIMEOUT = 30_000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const ok = (what) => console.log(`ok - ${what}`);
const letterRow = (id) => `#dead-letters tbody tr[data-order="${id}"]`;

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => { console.error(`page error: ${e.message}`); process.exitCode = 1; });
  await page.goto(`${base}/`);
  await page.waitForSelector('#connection[data-state="live"]');

  await page.waitForSelector(letterRow(orderId));
  const readOnly = await page.textContent(letterRow(orderId));
  if (!readOnly.includes('payment:process') || !readOnly.includes('payment-service') || !readOnly.includes('failed')) {
    throw new Error(`the read-only row lacks the event, service or reason: ${readOnly}`);
  }
  if (await page.$(`${letterRow(orderId)} button`)) throw new Error('read-only, yet a row offers a button');
  ok('read-only: the dead letter of the order is in the panel, from the live log, without retry or discard');

  await page.click(letterRow(orderId));
  await page.waitForSelector('#chain li[data-event="event:dead-lettered"]');
  const chain = await page.$$eval('#chain li', (lis) => lis.map((li) => li.dataset.event).join(','));
  if (!chain.startsWith('order:created,payment:process,event:dead-lettered')) throw new Error(`chain: ${chain}`);
  ok('its row shows the order\'s chain, with the dead-lettered hop after payment:process');

  await page.fill('#dl-token', 'not-the-token');
  await page.fill('#dl-desks', desks);
  await page.click('#dl-operate');
  await page.waitForSelector('#dl-mode[data-mode="refused"]');
  if (await page.$('#dead-letters tbody button')) throw new Error('a wrong token, yet a row offers a button');
  ok(`a wrong token is refused and the panel stays read-only: ${await page.textContent('#dl-mode')}`);

  await page.fill('#dl-token', token);
  await page.click('#dl-operate');
  await page.waitForSelector('#dl-mode[data-mode="operator"]');
  await page.waitForSelector(`${letterRow(orderId)}[data-id] button[data-action="retry"]`);
  const listed = await page.textContent(letterRow(orderId));
  if (!listed.includes('IllegalStateException') && !listed.includes('refuses every charge')) throw new Error(`listed row: ${listed}`);
  ok('with the operator\'s token, the services\' lists: the letter with its failure, and retry and discard');

  page.once('dialog', (dialog) => dialog.accept('refunded by hand'));
  await page.click(`${letterRow(discardId)} button[data-action="discard"]`);
  await page.waitForSelector(`${letterRow(discardId)}[data-state="DISCARDED"]`);
  await page.waitForFunction((row) => !document.querySelector(`${row} button`), letterRow(discardId))
    .catch(() => { throw new Error('a discarded letter still offers buttons'); });
  ok('discard asks why, and the letter is DISCARDED, with no more buttons');
} catch (e) {
  console.error(`not ok - ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
