/* tables.js: lists that stay current. liveTable shows a resource through
 * the server-side Table (the columns kubectl prints) and applies the Table
 * rows of a watch as they come; liveList keeps plain objects current for
 * pages that lay them out themselves. Both stop when the page is left. */
'use strict';

/* "live", "reconnecting" or "not live" next to a heading. */
kapi.liveBadge = function () {
  const b = kapi.h('span', {class: 'live off'}, 'connecting…');
  b.set = (on) => {
    b.className = on ? 'live' : 'live off';
    b.textContent = on ? '● live' : on === null ? 'not live (watch refused)' : 'reconnecting…';
  };
  return b;
};

const rowMeta = (row) => (row.object && row.object.metadata) || {};
const rowKey = (row) => (rowMeta(row).namespace || '') + '/' + (rowMeta(row).name || row.cells[0]);

/* fn, called at most once a frame however often the result is called. */
kapi.perFrame = function (fn) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fn(); });
  };
};

/* Lists (list() → a list or Table), load()s it, then follows path's watch
 * from its resourceVersion, onEvent(ev) for each event, until the page is
 * left; after a 410 lists and loads again. Throws the first list's error. */
kapi.follow = async function (path, list, load, onEvent, watchOpts) {
  const page = kapi.page;
  const first = await list();
  load(first);
  let stop = null;
  const start = (rv) => {
    stop = kapi.api.watch(path, rv || '0', async (ev) => {
      if (ev.type !== 'RESYNC') { onEvent(ev); return; }
      stop();
      try { const l = await list(); load(l); start(l.metadata && l.metadata.resourceVersion); } catch (e) { /* as is */ }
    }, watchOpts);
  };
  start(first.metadata && first.metadata.resourceVersion);
  page.onLeave(() => stop && stop());
  return first;
};

/* Fills container with path's Table and keeps it current. opts.link(meta)
 * gives a row's route, opts.extra(meta) a last cell (a node), opts.badge
 * the live badge to update. Throws the list's error (a 403) to the caller. */
kapi.liveTable = async function (container, path, opts = {}) {
  const rows = new Map();
  let shown = [], changed = new Set();
  const render = () => {
    const trs = [...rows.keys()].sort().map(k => {
      const row = rows.get(k), meta = rowMeta(row);
      const cells = shown.map(([c, i], n) => {
        const v = row.cells[i];
        const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        const link = n === 0 && opts.link ? opts.link(meta) : null;
        return kapi.h('td', {class: c.type === 'integer' || c.type === 'number' ? 'num' : null},
          link ? kapi.h('a', {href: link}, text) : text);
      });
      if (opts.extra) cells.push(kapi.h('td', {}, opts.extra(meta)));
      return kapi.h('tr', {'data-name': meta.name || '', 'data-namespace': meta.namespace || null,
        class: changed.has(k) ? 'flash' : null}, cells);
    });
    const titles = shown.map(([c]) => c.name).concat(opts.extra ? [opts.extraTitle || ''] : []);
    kapi.fill(container, trs.length ? kapi.table(titles, trs)
      : kapi.h('p', {class: 'muted empty'}, opts.emptyText || 'None.'));
    changed = new Set();
  };
  const schedule = kapi.perFrame(render);
  const load = (t) => {
    /* the columns kubectl prints without -o wide */
    shown = (t.columnDefinitions || []).map((c, i) => [c, i]).filter(([c]) => !c.priority);
    rows.clear();
    for (const r of t.rows || []) rows.set(rowKey(r), r);
    schedule();
  };
  await kapi.follow(path, () => kapi.api.table(path), load, (ev) => {
    for (const r of (ev.object && ev.object.rows) || []) {
      const k = rowKey(r);
      if (ev.type === 'DELETED') rows.delete(k); else { rows.set(k, r); changed.add(k); }
    }
    schedule();
  }, {accept: kapi.TABLE, onState: (on) => opts.badge && opts.badge.set(on)});
  render();
};

/* Lists path (plain JSON) and calls onChange(items) now and after every
 * watch event (at most once a frame). Throws the list's error. */
kapi.liveList = async function (path, onChange, badge) {
  const items = new Map();
  const changed = kapi.perFrame(() => onChange([...items.values()]));
  const load = (list) => {
    items.clear();
    for (const o of list.items || []) items.set(o.metadata.uid, o);
    changed();
  };
  await kapi.follow(path, () => kapi.api.get(path), load, (ev) => {
    const o = ev.object;
    if (!o || !o.metadata) return;
    if (ev.type === 'DELETED') items.delete(o.metadata.uid); else items.set(o.metadata.uid, o);
    changed();
  }, {onState: (on) => badge && badge.set(on)});
  onChange([...items.values()]);
};
