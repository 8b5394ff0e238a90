/* kinds.js: every kind discovery lists (custom resources included), and
 * any kind's objects through its server-side Table columns. */
'use strict';

kapi.pages.kinds = async function (main) {
  const h = kapi.h;
  kapi.fill(main, h('h1', {}, 'Kinds'), h('p', {class: 'muted'}, 'Loading discovery…'));
  const all = (await kapi.api.resources()).filter(r => !r.resource.includes('/'));
  const rows = all.sort((a, b) => (a.group || '').localeCompare(b.group || '') || a.kind.localeCompare(b.kind))
    .map(r => h('tr', {'data-name': kapi.api.token(r)},
      h('td', {}, r.group ? r.group + '/' + r.version : r.version),
      h('td', {}, r.verbs.includes('list') ? kapi.link(r.kind, 'cluster', kapi.api.token(r)) : r.kind),
      h('td', {}, r.resource), h('td', {}, r.namespaced ? 'Namespaced' : 'Cluster'),
      h('td', {}, r.shortNames.join(', ')), h('td', {}, r.verbs.join(' '))));
  kapi.fill(main, h('h1', {}, 'Kinds'),
    h('p', {class: 'muted'}, 'What the API serves, from its discovery documents. A namespaced kind opens across all namespaces; ',
      'open a namespace to see its objects there.'),
    kapi.table(['Group/version', 'Kind', 'Resource', 'Scope', 'Short names', 'Verbs'], rows));
};

/* #/ns/NS/RES and #/cluster/RES: a kind's Table, kept current. */
kapi.pages.list = async function (main, ns, token) {
  const h = kapi.h;
  const r = await kapi.api.findResource(token);
  if (!r) { kapi.fill(main, kapi.errorBox(new Error('the server does not serve "' + token + '"'))); return; }
  const badge = kapi.liveBadge(), box = h('div', {id: 'list'}, h('p', {class: 'muted'}, 'Loading…'));
  const where = ns && r.namespaced ? ['in namespace ', kapi.link(ns, 'ns', ns)] : r.namespaced ? 'in all namespaces' : '';
  kapi.fill(main,
    h('div', {class: 'crumbs'}, kapi.link('Kinds', 'kinds'), ' / ', r.group ? r.group + '/' + r.version : r.version),
    h('h1', {}, r.kind, ' ', h('span', {class: 'muted'}, where), badge), box);
  if (r.kind === 'Secret' && !r.group) { /* names only; values on request */ }
  try {
    await kapi.liveTable(box, kapi.api.path(r, ns), {badge,
      link: (m) => m.namespace ? kapi.route('ns', m.namespace, token, m.name) : kapi.route('cluster', token, m.name),
      extra: r.kind === 'Secret' && !r.group ? (m) => kapi.revealButton(m.namespace, m.name) : null,
      extraTitle: 'Value'});
  } catch (e) {
    badge.remove();
    kapi.fill(box, kapi.errorBox(e, 'list ' + r.resource));
  }
};
