// The dead letters' panel of the page. Read-only by default: each event:dead-lettered the live log
// announces (a service set an event of an order's chain aside) is a row, live. With the operator's
// token, it lists each service's dead letters from its management port (GET /dead-letters, every
// 3 s) and offers retry and discard; the token stays in this tab's memory only. A row shows its
// order's chain when clicked. Every value is written with textContent, never as HTML.
(() => {
  'use strict';
  const $ = (selector) => document.querySelector(selector);
  const POLL_MS = 3000;
  let operator = null; // {token, desks} once the token opened every service's list
  let polling = null;

  const port = Number(location.port || (location.protocol === 'https:' ? 443 : 80));
  // by default the demo's management ports: order-service's API port + 1000, payment-service's next to it
  $('#dl-desks').value = [1000, 1001].map((d) => `${location.protocol}//${location.hostname}:${port + d}`).join(',');

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) td.className = className;
    return td;
  }

  function row(letter) {
    const tr = document.createElement('tr');
    tr.dataset.order = letter.orderId || '';
    tr.dataset.state = letter.state || 'OPEN';
    if (letter.id) tr.dataset.id = letter.id;
    const when = new Date(letter.deadLetteredAt);
    const svc = document.createElement('span');
    svc.className = `svc ${letter.service}`;
    svc.textContent = letter.service;
    const service = document.createElement('td');
    service.append(svc);
    const reason = cell(letter.failure ? `${letter.reason}: ${letter.failure}` : letter.reason, 'reason');
    const actions = document.createElement('td');
    if (operator && letter.id && letter.state === 'OPEN') {
      actions.append(button('Retry', 'retry', () => act(letter, 'retry', {})),
        button('Discard', 'discard', () => {
          const why = window.prompt(`Discard dead letter of ${letter.eventName}: why?`, 'handled by hand');
          if (why) act(letter, 'discard', { reason: why });
        }));
    }
    tr.append(cell(isNaN(when) ? '' : when.toISOString().slice(11, 19), 'mono'), service, cell(letter.eventName),
      cell(letter.orderId ? letter.orderId.slice(0, 8) : '', 'mono'), reason, cell(letter.state || 'OPEN', 'status'), actions);
    if (letter.orderId) tr.addEventListener('click', (e) => {
      if (e.target.tagName !== 'BUTTON') window.dispatchEvent(new CustomEvent('show-chain', { detail: letter.orderId }));
    });
    return tr;
  }

  function button(text, action, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
  }

  function mode(kind, text) {
    $('#dl-mode').dataset.mode = kind;
    $('#dl-mode').textContent = text;
  }

  // read-only: the live log's announcements
  window.addEventListener('chain-event', (e) => {
    const event = e.detail;
    if (operator || event.name !== 'event:dead-lettered') return;
    const [orderId, eventId, eventName, reason] = event.args;
    $('#dead-letters tbody').prepend(row({ orderId, eventId, eventName, reason, service: event.source,
      deadLetteredAt: event.timestamp, state: 'OPEN' }));
  });

  async function list(desk) {
    const response = await fetch(`${desk}/dead-letters?limit=100`, { headers: { Authorization: `Bearer ${operator.token}` } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || `${desk} answered ${response.status}`);
    const service = desk === operator.desks[0] ? 'order-service' : 'payment-service';
    return body.map((letter) => Object.assign(letter, { service, desk }));
  }

  let asked = 0; // refreshes overlap (the poll, an action's own): only the newest one draws
  async function refresh() {
    const mine = ++asked;
    try {
      const all = (await Promise.all(operator.desks.map(list))).flat()
        .sort((a, b) => String(b.deadLetteredAt).localeCompare(String(a.deadLetteredAt)));
      if (mine !== asked) return;
      $('#dead-letters tbody').replaceChildren(...all.map(row));
      $('#dl-count').textContent = `${all.filter((l) => l.state === 'OPEN' || l.state === 'RETRYING').length} unresolved`;
      mode('operator', "Operating: every service's dead letters, refreshed every few seconds.");
    } catch (refused) {
      if (mine !== asked) return;
      mode('refused', `Not listed: ${refused.message}`);
    }
  }

  async function act(letter, action, body) {
    const response = await fetch(`${letter.desk}/dead-letters/${encodeURIComponent(letter.id)}/${action}`, {
      method: 'POST', headers: { Authorization: `Bearer ${operator.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.assign({ operator: 'page' }, body)),
    });
    const answer = await response.json().catch(() => ({}));
    mode(response.ok ? 'operator' : 'refused', response.ok ? `${action}: ${answer.resolution || answer.state}`
      : `${action} refused: ${answer.detail || response.status}`);
    refresh();
  }

  $('#dl-operator').addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const token = $('#dl-token').value.trim();
    const desks = $('#dl-desks').value.split(',').map((d) => d.trim().replace(/\/$/, '')).filter(Boolean);
    clearInterval(polling);
    operator = token && desks.length ? { token, desks } : null;
    if (!operator) {
      mode('read-only', 'Read-only: the events set aside, as the live log announces them.');
      return;
    }
    await refresh();
    if ($('#dl-mode').dataset.mode === 'operator') {
      polling = setInterval(refresh, POLL_MS);
    } else {
      operator = null;
    }
  });
})();
