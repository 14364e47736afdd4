// The marketer's dashboard: a small single-page app over the report API (read key). Every number
// shown comes from the API; the page only formats it. Text is set with textContent throughout.
(() => {
  const $ = (id) => document.getElementById(id);
  const store = sessionStorage;

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  const fmt = {
    int: (n) => (n == null ? '–' : Math.round(n).toLocaleString('en')),
    pct: (n, digits = 2) => (n == null ? '–' : `${(n * 100).toFixed(digits)} %`),
    pp: (n) => (n == null ? '–' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(2)} pp`),
    money: (n) => (n == null ? '–' : n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })),
    signedPct: (n) => (n == null ? '–' : `${n >= 0 ? '+' : ''}${(n * 100).toFixed(1)} %`),
    p: (n) => (n == null ? '–' : n < 0.0001 ? '< 0.0001' : n.toFixed(4)),
    minutes: (ms) => (ms == null ? '–' : `${(ms / 60_000).toFixed(1)} min`),
  };

  /** How much longer a campaign should run: the minimum duration's days and the detectable effect's, whichever is more. */
  function moreDays(guards) {
    const effect = guards.days_still_needed ?? 0;
    const duration = guards.min_days_remaining ?? 0;
    if (!effect && !duration) return '';
    if (effect > 365) return 'More than a year at the current traffic to find the minimum detectable effect.';
    return `About ${fmt.int(Math.max(effect, duration))} more days ${duration > effect ? 'for the minimum duration' : 'for the minimum detectable effect'}.`;
  }

  // ---- session and API --------------------------------------------------------------------------
  // The API lives beside the dashboard's folder: `/v1/` for `/dashboard/app.js`, `/linger/v1/` under
  // LINGER_PATH_PREFIX "/linger" (docs/operations.md), on whichever host and port serve the page.
  const API = new URL('../v1/', document.currentScript?.src || document.baseURI);
  const reportUrl = (path, params) => new URL(`reports/${path}?${new URLSearchParams(params)}`, API);
  const auth = () => ({ site: store.getItem('linger-site'), key: store.getItem('linger-read-key') });

  /** The latest show()'s requests: a newer show() aborts them (the page they were for is gone). */
  let current = new AbortController();

  async function api(path, params = {}) {
    const { site, key } = auth();
    const res = await fetch(reportUrl(path, { site, ...params }), { headers: { authorization: `Bearer ${key}` }, signal: current.signal });
    if (res.status === 401 || res.status === 403) {
      const body = await res.json().catch(() => ({}));
      signOut(`${res.status}: ${body.error ?? 'not allowed'}. Use the shop's read key (or its admin key).`);
      throw new Error('signed out');
    }
    if (!res.ok) throw new Error(`${res.status}: ${(await res.json().catch(() => ({}))).error ?? res.statusText}`);
    return res.json();
  }

  /**
   * Downloads a route as CSV (the key goes in a header, so a plain link would not do). A refused or
   * failed request saves nothing: its error shows beside the button that asked (`e`: the click).
   */
  async function downloadCsv(path, params, filename, e) {
    const button = e?.currentTarget;
    button?.parentElement.querySelector('.csv-error')?.remove();
    const { site, key } = auth();
    let problem;
    try {
      const res = await fetch(reportUrl(path, { site, ...params, format: 'csv' }), { headers: { authorization: `Bearer ${key}` } });
      if (res.ok) {
        const url = URL.createObjectURL(await res.blob());
        el('a', { href: url, download: filename }).click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
        return;
      }
      problem = `${res.status}: ${(await res.json().catch(() => ({}))).error ?? res.statusText}`;
    } catch (err) {
      problem = err.message; // offline, or the collector is unreachable
    }
    const message = el('span', { class: 'error csv-error', role: 'alert' }, ` The CSV could not be downloaded (${problem}).`);
    if (button) button.after(message);
    else $('page').prepend(message);
  }

  function signOut(message = '') {
    store.removeItem('linger-read-key');
    $('sign-in-error').textContent = message;
    show();
  }

  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    store.setItem('linger-site', $('site').value.trim());
    store.setItem('linger-read-key', $('key').value.trim());
    $('sign-in-error').textContent = '';
    show();
  });
  $('sign-out').addEventListener('click', () => signOut());

  // ---- range and routing ----------------------------------------------------------------------
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  $('from').value = store.getItem('linger-from') || day(Date.now() - 27 * 86_400_000);
  $('to').value = store.getItem('linger-to') || day(Date.now());
  $('analysis').value = store.getItem('linger-analysis') || 'itt';
  for (const id of ['from', 'to', 'analysis']) {
    $(id).addEventListener('change', () => {
      store.setItem(`linger-${id}`, $(id).value);
      show();
    });
  }
  const range = () => ({ from: $('from').value, to: $('to').value });
  addEventListener('hashchange', show);

  /** Counts show()'s calls: only the latest one may fill the page, whichever answer comes last. */
  let shows = 0;

  async function show() {
    const call = ++shows;
    current.abort();
    current = new AbortController();
    const signedIn = !!auth().key;
    $('sign-in').hidden = signedIn;
    $('nav').hidden = $('range').hidden = !signedIn;
    $('page').replaceChildren();
    delete $('page').dataset.ready;
    if (!signedIn) {
      $('site').value = auth().site || '';
      return;
    }
    const [route, id] = location.hash.replace(/^#\/?/, '').split('/');
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === (route === 'campaign' ? 'campaigns' : route || 'overview'));
    const page = $('page');
    page.append(el('p', { class: 'muted' }, 'Loading…'));
    try {
      const content = route === 'campaigns' ? await campaignsPage() : route === 'campaign' ? await campaignPage(decodeURIComponent(id)) : await overviewPage();
      if (call !== shows) return; // the marketer has moved on: a newer call fills the page
      page.replaceChildren(content);
      page.dataset.ready = route || 'overview';
    } catch (err) {
      if (call === shows && err.message !== 'signed out') page.replaceChildren(el('p', { class: 'error' }, err.message));
    }
  }

  // ---- overview -----------------------------------------------------------------------------------
  async function overviewPage() {
    const granularity = store.getItem('linger-granularity') || 'day';
    const o = await api('overview', { ...range(), granularity });
    const t = o.totals;
    const kpi = (label, value, metric) => el('div', { class: 'card kpi' }, el('small', {}, label), el('b', { 'data-metric': metric }, value));
    const chart = el('div', { class: 'card chart' });
    const view = el('div', {},
      el('h1', {}, 'Overview'),
      el('div', { class: 'kpis' },
        kpi('Visitors', fmt.int(t.visitors), 'visitors'),
        kpi('Sessions', fmt.int(t.sessions), 'sessions'),
        kpi('Conversion (sessions)', fmt.pct(t.conversion_rate), 'conversion_rate'),
        kpi('Orders', fmt.int(t.orders), 'orders'),
        kpi('Revenue', fmt.money(t.revenue), 'revenue'),
        kpi('Engaged time', fmt.minutes(t.engaged_ms), 'engaged_ms'),
      ),
      el('div', { class: 'toolbar' }, el('h2', {}, granularity === 'hour' ? `By hour, ${$('to').value} (UTC)` : 'By day'),
        el('select', { id: 'granularity', onchange: (e) => (store.setItem('linger-granularity', e.target.value), show()) },
          el('option', { value: 'day', selected: granularity === 'day' }, 'by day'),
          el('option', { value: 'hour', selected: granularity === 'hour' }, 'last day by hour'))),
      chart,
      el('div', { class: 'cols' },
        el('div', {}, el('h2', {}, 'Segments'), table(['Segment', 'Visitors'], o.segments.map((s) => [s.name, fmt.int(s.visitors)]), [false, true])),
        el('div', {}, el('h2', {}, 'Lifecycle'), table(['Stage', 'Visitors'], o.lifecycle.map((s) => [s.stage, fmt.int(s.visitors)]), [false, true])),
      ),
      el('h2', {}, 'Top products'),
      table(['Product', 'Views', 'Purchases', 'Revenue'], o.top_products.slice(0, 15).map((p) => [p.name ?? p.item_id, fmt.int(p.views), fmt.int(p.purchases), fmt.money(p.revenue)]), [false, true, true, true]),
      o.bots ? el('p', { class: 'muted' }, `Bots, counted apart and kept out of every figure above: ${fmt.int(o.bots.sessions)} sessions, ${fmt.int(o.bots.events)} events.`) : null,
      el('p', {}, el('button', { class: 'quiet', onclick: (e) => downloadCsv('overview', range(), 'overview.csv', e) }, 'Download CSV')),
    );
    const points = granularity === 'hour' ? o.hourly.map((h) => ({ ...h, day: `${h.hour}Z` })) : o.daily;
    requestAnimationFrame(() => lineChart(chart, points.map((d) => d.day), [
      { label: 'Visitors', values: points.map((d) => d.visitors), stroke: '#5b3df5' },
      { label: 'Sessions', values: points.map((d) => d.sessions), stroke: '#12b76a' },
      { label: 'Orders', values: points.map((d) => d.orders), stroke: '#f79009' },
    ]));
    return view;
  }

  // ---- campaign list -----------------------------------------------------------------------------
  async function campaignsPage() {
    const model = store.getItem('linger-attribution') || 'last';
    const [r, attribution] = await Promise.all([api('campaigns', { ...range(), analysis: $('analysis').value }), api('attribution', { ...range(), model })]);
    const span = Math.max(0.05, ...r.campaigns.flatMap((c) => (c.headline ? [Math.abs(c.headline.rel_ci_low ?? 0), Math.abs(c.headline.rel_ci_high ?? 0)] : [])));
    const rows = r.campaigns.map((c) => {
      const h = c.headline;
      const visitors = (variant) => c.arms.find((a) => a.variant === variant);
      const holdout = visitors('holdout');
      const treated = c.arms.filter((a) => a.variant !== 'holdout').reduce((n, a) => n + a.visitors, 0);
      return el('tr', { 'data-campaign': c.id },
        el('td', {}, el('a', { href: `#/campaign/${encodeURIComponent(c.id)}` }, c.name), el('div', { class: 'muted' }, `${c.type} · holdout ${fmt.pct(c.holdout, 0)}`)),
        el('td', {}, el('span', { class: `badge ${c.status}` }, c.status)),
        el('td', { class: 'num', 'data-metric': 'visitors' }, `${fmt.int(treated)} / ${fmt.int(holdout?.visitors)}`),
        el('td', { class: 'num', 'data-metric': 'absolute' }, h ? fmt.pp(h.absolute) : '–'),
        el('td', { class: 'num', 'data-metric': 'relative' }, h ? fmt.signedPct(h.relative) : '–'),
        el('td', {}, h ? ciBar(h.rel_ci_low, h.rel_ci_high, h.relative, span) : null,
          h ? el('div', { class: 'muted', 'data-metric': 'ci' }, `${fmt.pp(h.ci_low)} … ${fmt.pp(h.ci_high)}`) : null),
        el('td', { class: 'num', 'data-metric': 'p_value' }, h ? fmt.p(h.p_value) : '–'),
        el('td', {}, h ? el('span', { class: `badge ${h.verdict}` }, h.verdict.replace(/_/g, ' ')) : null,
          ...c.warnings.map((w) => el('div', { class: 'warn', 'data-warning': w.code }, w.message))),
      );
    });
    return el('div', {},
      el('h1', {}, 'Campaigns'),
      el('p', { class: 'muted' }, `Conversion of each campaign's treatment against its holdout, per visitor, from entry to the end of the campaign's window (${r.analysis === 'itt' ? 'everyone assigned' : 'everyone whose slot became viewable, in both arms'}). p-values are adjusted for the whole page (Benjamini–Hochberg) in the verdict.`),
      el('div', { class: 'card' }, el('table', {},
        el('thead', {}, el('tr', {}, ...['Campaign', 'Status', 'Visitors (treated / holdout)', 'Uplift', 'Relative', '95 % interval (relative; absolute below)', 'p-value', 'Verdict'].map((h, i) => el('th', { class: [2, 3, 4, 6].includes(i) ? 'num' : '' }, h)))),
        el('tbody', {}, rows))),
      el('p', {}, el('button', { class: 'quiet', onclick: (e) => downloadCsv('campaigns', { ...range(), analysis: $('analysis').value }, 'campaigns.csv', e) }, 'Download CSV')),
      attributionSection(attribution),
    );
  }

  const MODELS = { last: 'last touch', first: 'first touch', linear: 'linear' };

  /** Which campaigns purchases followed, under the chosen model: descriptive, not the uplift above. */
  function attributionSection(a) {
    const select = el('select', { id: 'attribution-model', onchange: (e) => (store.setItem('linger-attribution', e.target.value), show()) },
      ...Object.entries(MODELS).map(([value, label]) => el('option', { value, selected: value === a.model }, label)));
    return el('div', { id: 'attribution' },
      el('h2', {}, 'Attribution'),
      el('p', { class: 'muted' }, 'Which campaigns the purchases followed: a viewable impression or a click within the campaign’s window before the purchase. Descriptive only; it says nothing about what a campaign caused (that is the uplift above). Linear splits each purchase evenly among the campaigns that touched it.'),
      el('div', { class: 'toolbar' }, el('label', {}, 'model ', select),
        el('button', { class: 'quiet', onclick: (e) => downloadCsv('attribution', { ...range(), model: a.model }, `attribution-${a.model}.csv`, e) }, 'Download CSV')),
      el('div', { class: 'card' }, a.campaigns.length
        ? table(['Campaign', 'Purchases credited', 'Revenue credited'],
          a.campaigns.map((c) => [c.name ?? c.id, c.purchases.toLocaleString('en', { maximumFractionDigits: 2 }), fmt.money(c.revenue)]),
          [false, true, true], (_, i) => ({ 'data-attribution': a.campaigns[i].id }))
        : el('p', { class: 'muted' }, 'No purchase followed a campaign in this range.')),
      el('p', { class: 'muted', 'data-metric': 'attribution-total' }, `In all: ${a.totals.purchases.toLocaleString('en', { maximumFractionDigits: 2 })} purchases, ${fmt.money(a.totals.revenue)} revenue credited (${MODELS[a.model]}).`),
    );
  }

  function ciBar(low, high, point, span) {
    const x = (v) => `${50 + (50 * Math.max(-span, Math.min(span, v))) / span}%`;
    const bar = el('div', { class: 'ci', title: `${fmt.signedPct(low)} … ${fmt.signedPct(high)}` });
    if (low != null && high != null) bar.append(el('i', { style: `left:${x(low)};width:calc(${x(high)} - ${x(low)})` }));
    if (point != null) bar.append(el('b', { style: `left:calc(${x(point)} - 1px)` }));
    return bar;
  }

  // ---- one campaign ------------------------------------------------------------------------------
  async function campaignPage(id) {
    const breakdown = store.getItem('linger-breakdown') || 'day';
    const params = { ...range(), analysis: $('analysis').value, breakdown };
    const r = await api(`campaigns/${encodeURIComponent(id)}`, params);
    const c = r.campaign;
    const cumulative = el('div', { class: 'card chart' });
    const funnel = el('div', { class: 'card chart' });
    const select = el('select', { id: 'breakdown', onchange: (e) => (store.setItem('linger-breakdown', e.target.value), show()) },
      ...['day', 'hour', 'segment', 'device', 'source', 'variant'].map((b) => el('option', { value: b, selected: b === breakdown }, b === 'hour' ? `hour (${r.breakdown.day ?? 'today'})` : b)));
    const upliftRows = r.uplift.map((u) => el('tr', { 'data-uplift': `${u.variant}:${u.metric}` },
      el('td', {}, u.variant), el('td', {}, u.metric.replace(/_/g, ' ')),
      el('td', { class: 'num' }, metricValue(u.metric, u.control_value)), el('td', { class: 'num' }, metricValue(u.metric, u.treatment_value)),
      el('td', { class: 'num', 'data-metric': 'absolute' }, metricDiff(u.metric, u.absolute)),
      el('td', { class: 'num', 'data-metric': 'ci' }, `${metricDiff(u.metric, u.ci_low)} … ${metricDiff(u.metric, u.ci_high)}`),
      el('td', { class: 'num' }, fmt.signedPct(u.relative)),
      el('td', { class: 'num', 'data-metric': 'p_value' }, fmt.p(u.p_value)),
      el('td', { class: 'num' }, u.seq_ci_low == null ? '–' : `${metricDiff(u.metric, u.seq_ci_low)} … ${metricDiff(u.metric, u.seq_ci_high)}`),
      el('td', { class: 'num' }, u.cuped?.absolute == null ? '–' : `${metricDiff(u.metric, u.cuped.absolute)} (${metricDiff(u.metric, u.cuped.ci_low)} … ${metricDiff(u.metric, u.cuped.ci_high)})`),
    ));
    const view = el('div', {},
      el('p', {}, el('a', { href: '#/campaigns' }, '← All campaigns')),
      el('h1', {}, c.name, ' ', el('span', { class: `badge ${c.status}` }, c.status)),
      el('p', { class: 'muted' }, `${c.type} · holdout ${fmt.pct(c.holdout, 0)} · window ${c.window_days} days · ${r.guards.days_running} days running, ${r.guards.days_of_data ?? 0} days of data · ${r.analysis === 'itt' ? 'intent-to-treat' : 'triggered'} analysis`),
      r.warnings.length ? el('ul', { class: 'warnings' }, r.warnings.map((w) => el('li', { 'data-warning': w.code }, w.message))) : null,
      el('h2', {}, 'Arms'),
      el('div', { class: 'card' }, table(
        ['Arm', 'Visitors', 'Impressions', 'Clicks', 'CTR', 'Add to cart', 'Checkouts', 'Conversions', 'Conversion', 'Revenue', 'Revenue / visitor', 'AOV'],
        r.arms.map((a) => [a.variant, fmt.int(a.visitors), fmt.int(a.impressions), fmt.int(a.clicks), fmt.pct(a.ctr), fmt.int(a.add_to_carts), fmt.int(a.checkouts), fmt.int(a.conversions), fmt.pct(a.conversion_rate), fmt.money(a.revenue), fmt.money(a.revenue_per_visitor), fmt.money(a.aov)]),
        [false, true, true, true, true, true, true, true, true, true, true, true], (a, i) => ({ 'data-arm': r.arms[i].variant }))),
      el('h2', {}, 'Uplift against the holdout'),
      el('div', { class: 'card' }, el('table', {},
        el('thead', {}, el('tr', {}, ...['Arm', 'Metric', 'Holdout', 'Treatment', 'Difference', '95 % interval', 'Relative', 'p-value', 'Always-valid interval', 'CUPED'].map((h, i) => el('th', { class: i > 1 ? 'num' : '' }, h)))),
        el('tbody', {}, upliftRows))),
      r.winsorized_at != null ? el('p', { class: 'legend-note', 'data-winsorized': '' }, `The uplift's revenue per visitor counts each visitor's revenue up to ${fmt.money(r.winsorized_at)} (a high percentile of the buyers' revenue), so that one large order cannot decide it; the arms above show it in full.`) : null,
      el('p', { class: 'legend-note' }, `Sample ratio check: p = ${fmt.p(r.srm.p_value)}${r.srm.flagged ? ' — the split is not what it should be; do not trust the uplift' : ' (fine)'}. ${moreDays(r.guards)}`),
      el('h2', {}, 'Cumulative uplift in conversion, with its interval'), cumulative,
      el('p', { class: 'legend-note' }, 'The band is the always-valid interval, safe to read every day.'),
      el('h2', {}, 'Funnel'), funnel,
      el('h2', {}, 'Breakdown'),
      el('div', { class: 'toolbar' }, el('label', {}, 'by ', select),
        el('button', { class: 'quiet', onclick: (e) => downloadCsv(`campaigns/${encodeURIComponent(id)}`, params, `campaign-${id}.csv`, e) }, 'Download CSV')),
      el('div', { class: 'card' }, breakdownTable(r.breakdown)),
      r.attribution ? el('p', { class: 'muted' }, `Attribution (${r.attribution.model.replace('_', ' ')}, descriptive only): ${fmt.int(r.attribution.orders)} orders, ${fmt.money(r.attribution.revenue)} revenue followed this campaign.`) : null,
    );
    requestAnimationFrame(() => {
      const days = r.daily.filter((d) => d.cumulative);
      lineChart(cumulative, days.map((d) => d.day), [
        { label: 'Uplift (pp)', values: days.map((d) => d.cumulative.absolute * 100), stroke: '#5b3df5' },
        { label: 'low', values: days.map((d) => (d.cumulative.seq_ci_low ?? d.cumulative.ci_low) * 100), stroke: '#b9aefb', dash: [4, 4] },
        { label: 'high', values: days.map((d) => (d.cumulative.seq_ci_high ?? d.cumulative.ci_high) * 100), stroke: '#b9aefb', dash: [4, 4] },
      ], [[2, 3]]);
      funnelChart(funnel, r.funnel);
    });
    return view;
  }

  const metricValue = (metric, v) => (metric === 'conversion_rate' || metric === 'ctr' ? fmt.pct(v) : fmt.money(v));
  const metricDiff = (metric, v) => (metric === 'conversion_rate' || metric === 'ctr' ? fmt.pp(v) : v == null ? '–' : `${v >= 0 ? '+' : ''}${fmt.money(v)}`);

  function breakdownTable(b) {
    const variants = [...new Set(b.rows.flatMap((r) => r.arms.map((a) => a.variant)))];
    return table(
      [b.by, ...variants.map((v) => `${v}: visitors / conv.`), 'Uplift', '95 % interval', 'p-value'],
      b.rows.map((row) => [
        row.key,
        ...variants.map((v) => {
          const a = row.arms.find((x) => x.variant === v);
          return a ? `${fmt.int(a.visitors)} / ${fmt.pct(a.conversion_rate)}` : '–';
        }),
        fmt.pp(row.uplift?.absolute), row.uplift ? `${fmt.pp(row.uplift.ci_low)} … ${fmt.pp(row.uplift.ci_high)}` : '–', fmt.p(row.uplift?.p_value),
      ]),
      [false, ...variants.map(() => true), true, true, true],
    );
  }

  function table(headers, rows, numeric = [], rowAttrs = () => ({})) {
    return el('table', {},
      el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { class: numeric[i] ? 'num' : '' }, h)))),
      el('tbody', {}, rows.map((cells, i) => el('tr', rowAttrs(cells, i), cells.map((c, j) => el('td', { class: numeric[j] ? 'num' : '' }, c))))));
  }

  // ---- charts (uPlot) -----------------------------------------------------------------------------
  function lineChart(target, days, series, bands = []) {
    if (!days.length) return target.append(el('p', { class: 'muted' }, 'No data in this range yet.'));
    const xs = days.map((d) => Date.parse(d) / 1000);
    const opts = {
      width: target.clientWidth - 24,
      height: 260,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, dash: s.dash, points: { show: days.length < 40 } }))],
      bands: bands.map(([a, b]) => ({ series: [b, a], fill: '#5b3df51f' })),
      axes: [{}, { size: 56 }],
    };
    new uPlot(opts, [xs, ...series.map((s) => s.values)], target);
  }

  /** Each arm's share of its visitors reaching each funnel step, one line per arm. */
  function funnelChart(target, funnel) {
    if (!funnel.arms.length) return target.append(el('p', { class: 'muted' }, 'No visitors yet.'));
    const colours = ['#98a2b3', '#5b3df5', '#12b76a', '#f79009'];
    const xs = funnel.steps.map((_, i) => i);
    new uPlot({
      width: target.clientWidth - 24,
      height: 260,
      scales: { x: { time: false, range: [-0.2, funnel.steps.length - 0.8] }, y: { range: [0, Math.min(1, Math.max(0.05, ...funnel.arms.flatMap((a) => a.rates)) * 1.15)] } },
      axes: [
        { splits: () => xs, values: (_, ticks) => ticks.map((t) => funnel.steps[t]?.replace(/_/g, ' ') ?? '') },
        { values: (_, ticks) => ticks.map((v) => `${(v * 100).toFixed(0)} %`), size: 56 },
      ],
      series: [{}, ...funnel.arms.map((a, i) => ({
        label: `${a.variant} (${fmt.int(a.visitors)} visitors)`,
        stroke: colours[i % colours.length],
        width: 3,
        points: { show: true, size: 9, fill: colours[i % colours.length] },
        value: (_, v) => fmt.pct(v),
      }))],
    }, [xs, ...funnel.arms.map((a) => a.rates)], target);
  }

  show();
})();
