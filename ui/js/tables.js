/* tables.js: lists that stay current. liveTable shows a resource through
 * the server-side Table (the columns kubectl prints) and applies the Table
 * rows of a watch as they come; liveList keeps plain objects current for
 * pages that lay them out themselves. Both stop when the page is left. */
'use strict';

/* "live" or "reconnecting" next to a heading. */
kapi.liveBadge = function () {
  const b = kapi.h('span', {class: 'live off'}, 'connecting…');
  b.set = (on) => { b.className = on ? 'live' : 'live off'; b.textContent = on ? '● live' : 'reconnecting…'; };
  return b;
};

const rowMeta = (row) => (row.object && row.object.metadata) || {};
const rowKey = (row) => (rowMeta(row).namespace || '') + '/' + (rowMeta(row).name || row.cells[0]);

/* Fills container with path's Table and keeps it current. opts.link(meta)
 * gives a row's route, opts.extra(meta) a last cell (a node), opts.badge
 * the live badge to update. Throws the list's error (a 403) to the caller. */
kapi.liveTable = async function (container, path, opts = {}) {
  const page = kapi.page;
  const first = await kapi.api.table(path);
  const defs = first.columnDefinitions || [];
  const shown = defs.map((c, i) => [c, i]).filter(([c]) => !c.priority);
  const rows = new Map();
  let changed = new Set();
  const load = (t) => { rows.clear(); for (const r of t.rows || []) rows.set(rowKey(r), r); };
  load(first);

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
  render();

  let pending = false;
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; render(); }); } };
  let stop = null;
  const start = (rv) => {
    stop = kapi.api.watch(path, rv, async (ev) => {
      if (ev.type === 'RESYNC') {
        stop();
        try { const t = await kapi.api.table(path); load(t); schedule(); start(t.metadata.resourceVersion); } catch (e) { /* left as is */ }
        return;
      }
      for (const r of (ev.object && ev.object.rows) || []) {
        const k = rowKey(r);
        if (ev.type === 'DELETED') rows.delete(k); else { rows.set(k, r); changed.add(k); }
      }
      schedule();
    }, {accept: kapi.TABLE, onState: (on) => opts.badge && opts.badge.set(on)});
  };
  start((first.metadata && first.metadata.resourceVersion) || '0');
  page.onLeave(() => stop && stop());
};

/* Lists path (plain JSON) and calls onChange(items) now and after every
 * watch event (at most once a frame). Throws the list's error. */
kapi.liveList = async function (path, onChange, badge) {
  const page = kapi.page;
  const items = new Map();
  const load = (list) => { items.clear(); for (const o of list.items || []) items.set(o.metadata.uid, o); };
  const first = await kapi.api.get(path);
  load(first);
  onChange([...items.values()]);
  let pending = false;
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; onChange([...items.values()]); }); } };
  let stop = null;
  const start = (rv) => {
    stop = kapi.api.watch(path, rv, async (ev) => {
      if (ev.type === 'RESYNC') {
        stop();
        try { const l = await kapi.api.get(path); load(l); schedule(); start(l.metadata.resourceVersion); } catch (e) { /* left as is */ }
        return;
      }
      const o = ev.object;
      if (!o || !o.metadata) return;
      if (ev.type === 'DELETED') items.delete(o.metadata.uid); else items.set(o.metadata.uid, o);
      schedule();
    }, {onState: (on) => badge && badge.set(on)});
  };
  start(first.metadata.resourceVersion);
  page.onLeave(() => stop && stop());
};
