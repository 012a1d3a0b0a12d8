// The order-service page in a real browser (Debian's headless Chromium) against the real services
// and broker. Usage: node page.test.mjs BASE_URL SCREENSHOT_PATH. Prints "ok - …" per check and
// exits non-zero on the first failure.
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
const TIMEOUT = 30_000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const ok = (what) => console.log(`ok - ${what}`);

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => { console.error(`page error: ${e.message}`); process.exitCode = 1; });
  // test-only: keep a handle on the page's EventSource so the test can cut the stream
  await page.addInitScript(() => {
    const Original = window.EventSource;
    window.__sources = [];
    window.EventSource = class extends Original {
      constructor(...args) { super(...args); window.__sources.push(this); }
    };
  });
  await page.goto(`${base}/`);
  await page.waitForSelector('#connection[data-state="live"]');
  ok('the page connects to the live event stream');

  // 1. An order placed through the form: its three events arrive and it turns CONFIRMED.
  await page.fill('#customer', 'Ada Lovelace');
  await page.fill('#amount', '42.00');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#chain-order').textContent.length === 8);
  const orderId = await page.evaluate(() => document.querySelector('#orders tbody tr.selected').dataset.id);
  await page.waitForSelector(`#orders tbody tr[data-id="${orderId}"] td.status.CONFIRMED`);
  ok(`order ${orderId} turns CONFIRMED in the orders table`);
  await page.waitForFunction((id) => [...document.querySelectorAll('#log tbody tr')]
    .filter((r) => r.dataset.order === id).map((r) => r.dataset.event).sort().join(',')
    === 'order:confirmed,order:created,payment:process', orderId);
  ok('its three events arrive in the live log');
  // the page asks for the latest 50 on opening: the rest of the log's history is not streamed as if new
  const rows = await page.$$eval('#log tbody tr', (r) => r.length);
  if (rows > 50 + 3) throw new Error(`the live log shows ${rows} events: more than the latest 50 and this order's 3`);
  ok(`the live log holds the latest events and this order's, no older history (${rows} rows)`);
  await page.waitForFunction(() => [...document.querySelectorAll('#chain li')].map((li) => li.dataset.event).join(',')
    === 'order:created,payment:process,order:confirmed');
  const chainText = await page.textContent('#chain');
  if (!chainText.includes('payment-service') || !chainText.includes('ms')) throw new Error(`chain lacks services or latency: ${chainText}`);
  ok('its chain shows the three hops with their services and latency');
  await page.screenshot({ path: screenshot, fullPage: true });
  ok(`screenshot of the completed chain saved to ${screenshot}`);

  // 2. An invalid amount: the API's validation error is shown next to the field.
  await page.fill('#customer', 'Alan Turing');
  await page.fill('#amount', '-5');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('.error[data-for="amount"]').textContent.includes('must be more than 0'));
  ok('an invalid amount shows "must be more than 0" next to the amount field');

  // 3. A declined order turns PAYMENT_FAILED.
  await page.fill('#customer', 'Big Spender');
  await page.fill('#amount', '25000');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#orders tbody tr.selected td.status')?.textContent === 'PAYMENT_FAILED');
  ok('an order above the payment limit turns PAYMENT_FAILED');

  // 4. A customer named like markup is shown as text and never runs.
  const evil = '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">';
  await page.fill('#customer', evil);
  await page.fill('#amount', '1');
  await page.click('#submit');
  await page.waitForFunction((name) => [...document.querySelectorAll('#orders tbody td')].some((td) => td.textContent === name), evil);
  const pwned = await page.evaluate(() => window.__pwned === true || document.querySelector('#orders img') !== null);
  if (pwned) throw new Error('the customer name was run as HTML');
  ok('a <script> customer is shown as text, not run');

  // 5. Filter and pause.
  await page.fill('#filter', 'payment:failed');
  const visible = await page.evaluate(() => [...document.querySelectorAll('#log tbody tr')].filter((r) => !r.hidden).map((r) => r.dataset.event));
  if (!visible.length || visible.some((e) => e !== 'payment:failed')) throw new Error(`filter shows ${visible}`);
  ok('filtering by event name shows only those events');

  // 6. Pause stops the log (the orders table still updates); resume starts it again.
  await page.fill('#filter', '');
  await page.click('#pause');
  const rowsWhilePaused = await page.evaluate(() => document.querySelectorAll('#log tbody tr').length);
  await page.fill('#customer', 'While paused');
  await page.fill('#amount', '3');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#orders tbody tr.selected td.status')?.textContent === 'CONFIRMED');
  const rowsAfter = await page.evaluate(() => document.querySelectorAll('#log tbody tr').length);
  if (rowsAfter !== rowsWhilePaused) throw new Error(`the paused log grew from ${rowsWhilePaused} to ${rowsAfter} rows`);
  await page.click('#pause');
  if ((await page.textContent('#pause')) !== 'Pause') throw new Error('the button did not return to Pause');
  ok('pause stops the live log while orders still update; resume restarts it');

  // 7. The stream drops (and the server stays unreachable a while): the page says it is
  //    reconnecting, then comes back live by itself.
  await page.route('**/events/stream', (route) => route.abort());
  await page.evaluate(() => { const s = window.__sources.at(-1); s.close(); s.onerror(new Event('error')); });
  await page.waitForSelector('#connection[data-state="reconnecting"]');
  ok('when the stream drops, the page shows it is reconnecting');
  await page.unroute('**/events/stream');
  await page.waitForSelector('#connection[data-state="live"]');
  await page.fill('#filter', '');
  await page.fill('#customer', 'After the drop');
  await page.fill('#amount', '7');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#orders tbody tr.selected td.status')?.textContent === 'CONFIRMED');
  ok('after reconnecting, a new order still turns CONFIRMED live');

  // 8. A page opened later shows the latest events at once, each with the instance that emitted it.
  const later = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  later.setDefaultTimeout(TIMEOUT);
  await later.goto(`${base}/`);
  await later.waitForFunction((id) => [...document.querySelectorAll('#log tbody tr')]
    .filter((r) => r.dataset.order === id).length === 3, orderId);
  ok('a page opened later shows the earlier order\'s three events without waiting for new ones');
  const instances = await later.evaluate((id) => [...document.querySelectorAll('#log tbody tr')]
    .filter((r) => r.dataset.order === id).map((r) => r.cells[2].textContent), orderId);
  if (instances.some((i) => !/-\d+$/.test(i))) throw new Error(`events without their instance (host-port): ${instances}`);
  ok(`each event names the instance that emitted it (${[...new Set(instances)].join(', ')})`);
  await later.close();
} catch (e) {
  console.error(`not ok - ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
