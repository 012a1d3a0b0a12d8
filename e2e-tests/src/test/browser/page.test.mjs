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
  const declinedId = await page.getAttribute('#orders tbody tr.selected', 'data-id');
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

  // 8. The orders table shows the payment's id once approved, the reason once declined.
  const paymentCell = await page.textContent(`#orders tbody tr[data-id="${orderId}"] td.payment`);
  const stored = await (await page.request.get(`${base}/orders/${orderId}`)).json();
  if (!stored.paymentId || paymentCell !== stored.paymentId.slice(0, 8)) throw new Error(`payment cell "${paymentCell}", payment ${stored.paymentId}`);
  ok('an approved order shows its payment id');
  // this page's declined order (the table also lists orders others placed on the same services)
  const declinedReason = await page.textContent(`#orders tbody tr[data-id="${declinedId}"] td.reason`);
  if (!declinedReason || !declinedReason.includes('25000')) throw new Error(`no decline reason shown: ${declinedReason}`);
  ok(`a declined order shows why ("${declinedReason}")`);

  // 9. A double click places one order: the button is disabled while the POST is in flight, and the
  //    POST carries an Idempotency-Key.
  const posts = [];
  const onRequest = (request) => { if (request.method() === 'POST' && request.url().endsWith('/orders')) posts.push(request); };
  page.on('request', onRequest);
  await page.route('**/orders', async (route) => { // slow answers, so the second click lands while the first is in flight
    if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await page.fill('#customer', 'Double Click');
  await page.fill('#amount', '9');
  await page.dblclick('#submit');
  if (!(await page.isDisabled('#submit'))) throw new Error('the button is enabled while the order is sent');
  await page.waitForFunction(() => !document.querySelector('#submit').disabled);
  await page.unroute('**/orders');
  page.off('request', onRequest);
  const countOf = async (customer) => (await (await page.request.get(`${base}/orders?limit=1000`)).json())
    .filter((o) => o.customer === customer).length;
  if (posts.length !== 1) throw new Error(`a double click sent ${posts.length} POSTs`);
  if (!/^[0-9a-f-]{32,36}$/.test(posts[0].headers()['idempotency-key'] || '')) throw new Error(`no Idempotency-Key: ${JSON.stringify(posts[0].headers())}`);
  if ((await countOf('Double Click')) !== 1) throw new Error('a double click placed other than one order');
  ok('a double click places one order (the button is disabled while it is sent, with an Idempotency-Key)');

  // 10. The answer is lost on the way back (the order was placed): the page says so, and placing it
  //     again sends the same key, so the order exists once.
  const keys = [];
  await page.route('**/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      await route.fetch(); // the server places it...
      return route.abort('connectionreset'); // ...and the page never hears back
    }
    return route.continue();
  });
  await page.fill('#customer', 'Lost Answer');
  await page.fill('#amount', '11');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#form-error').textContent.includes('Could not reach order-service'));
  if (await page.isDisabled('#submit')) throw new Error('the button stays disabled after a network error');
  ok('a network error is shown, and the order can be placed again');
  await page.click('#submit');
  await page.waitForFunction(() => document.querySelector('#orders tbody tr.selected td.status')?.textContent === 'CONFIRMED');
  await page.unroute('**/orders');
  if (keys.length !== 2 || keys[0] !== keys[1]) throw new Error(`the retry sent keys ${keys}`);
  if ((await countOf('Lost Answer')) !== 1) throw new Error('the retry placed a second order');
  ok('the retry of the same submission sends the same key: one order');
  await page.fill('#customer', 'Next One');
  await page.fill('#amount', '12');
  const next = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/orders'));
  await page.click('#submit');
  if ((await next).headers()['idempotency-key'] === keys[0]) throw new Error('a new submission reused the key');
  ok('a new submission gets a new key');

  // 11. The chain links to the order's trace when the server names one (orders.trace-url).
  // The page also reloads the chain as events arrive: a request still in this handler when the route is
  // taken away below has been let through unchanged by then, and fulfilling it would throw.
  const traced = async (route) => {
    try {
      const response = await route.fetch();
      const chain = await response.json();
      await route.fulfill({ response, json: Object.assign(chain, { traceId: 'ab'.repeat(16), traceUrl: `http://127.0.0.1:9411/zipkin/traces/${'ab'.repeat(16)}` }) });
    } catch (e) {
      if (!/already handled|closed/i.test(String(e))) throw e;
    }
  };
  await page.route('**/orders/*/events', traced);
  await page.click(`#orders tbody tr[data-id="${orderId}"]`);
  await page.waitForSelector('#chain-trace:not([hidden])');
  const href = await page.getAttribute('#chain-trace', 'href');
  if (href !== `http://127.0.0.1:9411/zipkin/traces/${'ab'.repeat(16)}`) throw new Error(`trace link ${href}`);
  await page.unroute('**/orders/*/events', traced);
  await page.click(`#orders tbody tr[data-id="${orderId}"]`);
  await page.waitForSelector('#chain-trace[hidden]', { state: 'attached' });
  ok('the chain links to its trace when there is one, and shows no link when there is none');

  // 12. A page opened later shows the latest events at once, each with the instance that emitted it.
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
