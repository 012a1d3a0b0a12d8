// The live page of order-service. Every value from the server is written with textContent, never
// as HTML, so a customer named <script> is shown, not run.
(() => {
  'use strict';
  const CHAIN_EVENTS = new Set(['order:created', 'payment:process', 'order:confirmed', 'payment:failed', 'event:dead-lettered']);
  const MAX_LOG_ROWS = 500;
  const OUTCOMES = new Set(['order:confirmed', 'payment:failed']);
  const LATEST_ON_OPEN = 50; // the page opens with the latest events of the log, then follows it
  const seen = new Set(); // ids of the events shown: a reconnection sends the latest ones again
  const seenOrder = [];
  const $ = (selector) => document.querySelector(selector);
  const orders = new Map(); // id -> {row, order}
  let paused = false;
  let selected = null;

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) td.className = className;
    return td;
  }

  function shortId(id) {
    return id ? String(id).slice(0, 8) : '';
  }

  function time(ts) {
    const d = new Date(ts);
    return isNaN(d) ? '' : d.toISOString().slice(11, 23);
  }

  // ---- orders table --------------------------------------------------------------------------
  function showOrder(order) {
    let entry = orders.get(order.id);
    if (!entry) {
      const row = document.createElement('tr');
      row.dataset.id = order.id;
      row.addEventListener('click', () => selectOrder(order.id));
      $('#orders tbody').prepend(row);
      entry = { row };
      orders.set(order.id, entry);
    }
    // an order never goes back: the 202 answer or a list fetched earlier may arrive after the outcome
    // event, and then what the outcome said (its status, payment id or reason) wins over the stale copy
    const known = entry.order && entry.order.status;
    const stale = known && known !== 'PENDING' && order.status === 'PENDING';
    entry.order = stale ? Object.assign({}, order, entry.order) : Object.assign(entry.order || {}, order);
    const o = entry.order;
    // the payment's id once approved, the reason once declined
    const payment = o.status === 'CONFIRMED' ? cell(shortId(o.paymentId), 'mono payment')
      : o.status === 'PAYMENT_FAILED' ? cell(o.reason, 'reason') : cell('');
    if (o.status === 'CONFIRMED' && o.paymentId) payment.title = o.paymentId;
    entry.row.replaceChildren(cell(shortId(o.id), 'mono'), cell(o.customer), cell(o.amount == null ? '' : `${o.amount} ${o.currency || ''}`),
      cell(o.status, `status ${o.status}`), payment);
    entry.row.classList.toggle('selected', o.id === selected);
    if (o.id === selected) loadChain(o.id);
  }

  function setStatus(id, status, details) {
    const entry = orders.get(id);
    if (entry) showOrder(Object.assign({ id, status }, details));
  }

  async function loadOrders() {
    const response = await fetch('/orders?limit=50');
    if (response.ok) (await response.json()).reverse().forEach(showOrder);
  }

  // ---- one order's chain -------------------------------------------------------------------
  function selectOrder(id) {
    selected = id;
    orders.forEach((entry, key) => entry.row.classList.toggle('selected', key === id));
    $('#chain-order').textContent = shortId(id);
    $('#chain-trace').hidden = true;
    loadChain(id);
  }

  async function loadChain(id, attempt = 0) {
    const response = await fetch(`/orders/${encodeURIComponent(id)}/events`);
    if (!response.ok || id !== selected) return;
    const chain = await response.json();
    // the live log can show an outcome before the order-service instance that handles it has stored it
    const entry = orders.get(id);
    const finalHere = entry && entry.order && entry.order.status !== 'PENDING';
    if (finalHere && !chain.hops.some((hop) => OUTCOMES.has(hop.event)) && attempt < 40) {
      setTimeout(() => loadChain(id, attempt + 1), 250);
    }
    // the order's trace, where the server says it is shown (orders.trace-url; none when tracing is off)
    const trace = $('#chain-trace');
    trace.hidden = !(chain.traceUrl && /^https?:\/\//.test(chain.traceUrl));
    if (!trace.hidden) {
      trace.href = chain.traceUrl;
      trace.title = `trace ${chain.traceId}`;
    }
    const list = $('#chain');
    list.replaceChildren(...chain.hops.map((hop) => {
      const li = document.createElement('li');
      li.dataset.event = hop.event;
      const name = document.createElement('strong');
      name.textContent = hop.event;
      const by = document.createElement('span');
      by.className = `svc ${hop.service}`;
      by.textContent = hop.service;
      const handled = document.createElement('div');
      handled.textContent = hop.handledBy.length ? `handled by ${hop.handledBy.join(', ')}` : 'end of chain';
      const latency = document.createElement('div');
      latency.className = 'latency';
      latency.textContent = `+${hop.sinceFirstMs} ms`;
      li.append(name, ' ', by, handled, latency);
      return li;
    }));
  }

  // ---- live log ------------------------------------------------------------------------------
  function matchesFilter(event) {
    const filter = $('#filter').value.trim();
    if (!filter) return true;
    const orderId = event.args && event.args.length ? String(event.args[0]) : '';
    return event.name.includes(filter) || orderId.includes(filter);
  }

  function logEvent(event) {
    const row = document.createElement('tr');
    row.dataset.event = event.name;
    const svc = document.createElement('span');
    svc.className = `svc ${event.source}`;
    svc.textContent = event.source;
    const service = document.createElement('td');
    service.append(svc);
    const orderId = CHAIN_EVENTS.has(event.name) && event.args.length ? event.args[0] : '';
    // the instance that emitted it, without the service's name it starts with
    const instance = event.instance && event.instance.startsWith(`${event.source}-`)
      ? event.instance.slice(event.source.length + 1) : event.instance;
    row.append(cell(time(event.timestamp), 'mono'), service, cell(instance, 'mono'), cell(event.name), cell(shortId(orderId), 'mono'),
      cell(event.causationId ? String(event.causationId).slice(-8) : '—', 'mono')); // the end: a v7 id starts with its time
    row.dataset.order = orderId;
    row.hidden = !matchesFilter(event);
    row.dataset.search = `${event.name} ${orderId}`;
    const body = $('#log tbody');
    body.prepend(row);
    while (body.rows.length > MAX_LOG_ROWS) body.deleteRow(body.rows.length - 1);
  }

  function firstTime(id) {
    if (seen.has(id)) return false;
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length > 4 * MAX_LOG_ROWS) seen.delete(seenOrder.shift());
    return true;
  }

  function onEvent(event) {
    if (!firstTime(event.id)) return;
    if (!paused) logEvent(event);
    window.dispatchEvent(new CustomEvent('chain-event', { detail: event })); // the dead letters' panel listens
    const id = event.args && event.args[0];
    if (event.name === 'order:created') {
      showOrder({ id, customer: event.args[1], amount: event.args[2], currency: event.args[3], status: 'PENDING' });
    } else if (event.name === 'order:confirmed') { // (orderId, paymentId, amount, currency)
      setStatus(id, 'CONFIRMED', { paymentId: event.args[1] });
    } else if (event.name === 'payment:failed') { // (orderId, reason, amount, currency)
      setStatus(id, 'PAYMENT_FAILED', { reason: event.args[1] });
    } else if (id === selected) {
      loadChain(id);
    }
  }

  function connect() {
    const indicator = $('#connection');
    const source = new EventSource(`/events/stream?latest=${LATEST_ON_OPEN}`);
    source.onopen = () => { indicator.dataset.state = 'live'; indicator.textContent = 'live'; loadOrders(); };
    source.onmessage = (message) => {
      try { onEvent(JSON.parse(message.data)); } catch (e) { console.warn('unreadable event', e); }
    };
    source.onerror = () => {
      indicator.dataset.state = 'reconnecting';
      indicator.textContent = 'reconnecting…';
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 2000); }
    };
  }

  // ---- the form ------------------------------------------------------------------------------
  function clearErrors() {
    document.querySelectorAll('.error').forEach((p) => { p.textContent = ''; });
  }

  // One Idempotency-Key per submission: a submission sent again (after a network error, or an answer
  // that says it may have been done) keeps its key, so the server places it at most once; other
  // values are another submission, with a new key.
  let pending = null; // {key, body} of a submission not known to be done
  let inFlight = false;

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  $('#order-form').addEventListener('submit', async (submit) => {
    submit.preventDefault();
    if (inFlight) return; // a second click while the first is sent places nothing
    clearErrors();
    const body = { customer: $('#customer').value, amount: $('#amount').value.trim(), currency: $('#currency').value.trim() || undefined };
    // an amount that is not a number is sent as text, so the server's own message explains it
    const number = Number(body.amount);
    if (body.amount !== '' && !Number.isNaN(number)) body.amount = number;
    if (body.amount === '') delete body.amount;
    const json = JSON.stringify(body);
    if (!pending || pending.body !== json) pending = { key: newKey(), body: json };
    const button = $('#submit');
    inFlight = true;
    button.disabled = true;
    button.textContent = 'Placing…';
    try {
      let response;
      try {
        response = await fetch('/orders', {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': pending.key }, body: json,
        });
      } catch (unreachable) {
        $('#form-error').textContent = 'Could not reach order-service, so the order may or may not have been placed. '
          + 'Place it again: it is sent with the same key, so it is placed at most once.';
        $('#form-error').dataset.retry = 'true';
        return;
      }
      if (response.status === 202) {
        pending = null;
        const order = await response.json();
        showOrder(order);
        selectOrder(order.id);
        $('#customer').value = '';
        $('#amount').value = '';
        return;
      }
      const problem = await response.json().catch(() => ({ detail: `the server answered ${response.status}` }));
      if (response.status < 500) pending = null; // refused: nothing was placed, and sending it again changes nothing
      const violations = problem.violations || [];
      violations.forEach((v) => {
        const target = document.querySelector(`.error[data-for="${CSS.escape(v.field)}"]`) || $('#form-error');
        target.textContent = target.textContent ? `${target.textContent}; ${v.message}` : v.message;
      });
      if (!violations.length) {
        const field = ['customer', 'amount', 'currency'].find((f) => (problem.detail || '').includes(`'${f}'`));
        (field ? document.querySelector(`.error[data-for="${field}"]`) : $('#form-error')).textContent = problem.detail
          + (response.status >= 500 ? ' Place it again to retry: it is sent with the same key.' : '');
      }
      $('#form-error').dataset.retry = String(response.status >= 500);
    } finally {
      inFlight = false;
      button.disabled = false;
      button.textContent = 'Place order';
    }
  });

  $('#pause').addEventListener('click', () => {
    paused = !paused;
    $('#pause').textContent = paused ? 'Resume' : 'Pause';
  });

  $('#filter').addEventListener('input', () => {
    const filter = $('#filter').value.trim();
    document.querySelectorAll('#log tbody tr').forEach((row) => { row.hidden = filter !== '' && !row.dataset.search.includes(filter); });
  });

  // the dead letters' panel (dead-letters.js) shows an order's chain when its row is clicked
  window.addEventListener('show-chain', (e) => selectOrder(e.detail));

  connect();
})();
