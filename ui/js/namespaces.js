/* namespaces.js: the first page: who you are and the namespaces you may
 * see. A user who may not list namespaces gets the ones their rules name,
 * the ones they opened before, and a box to type one in. */
'use strict';

kapi.pages = {};

/* Namespaces this browser opened successfully before (localStorage). */
kapi.knownNamespaces = {
  get() { try { return JSON.parse(localStorage.getItem('kapi.namespaces') || '[]'); } catch (e) { return []; } },
  add(ns) {
    const all = new Set(kapi.knownNamespaces.get());
    all.add(ns);
    try { localStorage.setItem('kapi.namespaces', JSON.stringify([...all].sort())); } catch (e) { /* private mode */ }
  },
};

kapi.pages.namespaces = async function (main) {
  const h = kapi.h, u = kapi.identity.user;
  const badge = kapi.liveBadge(), box = h('div', {id: 'namespaces'}, h('p', {class: 'muted'}, 'Loading…'));
  kapi.fill(main,
    h('div', {class: 'notice', id: 'identity'},
      'You are ', h('strong', {}, u.username),
      u.groups && u.groups.length ? [' in groups ', u.groups.map(g => h('span', {class: 'tag'}, g))] : '',
      u.uid ? [' (uid ', h('code', {}, u.uid), ')'] : '',
      '. ', kapi.link('What you may do', 'access'), ' · ', kapi.link('All kinds', 'kinds')),
    h('h1', {}, 'Namespaces', badge),
    box);
  try {
    await kapi.liveTable(box, '/api/v1/namespaces', {badge, link: (m) => kapi.route('ns', m.name)});
  } catch (e) {
    badge.remove();
    if (e.status !== 403) { kapi.fill(box, kapi.errorBox(e, 'list namespaces')); return; }
    await kapi.pages.namespaceFallback(box, e);
  }
};

kapi.pages.namespaceFallback = async function (box, err) {
  const h = kapi.h;
  const names = new Set(kapi.knownNamespaces.get());
  try {
    /* Rules that name namespaces the user may get. A SelfSubjectRulesReview
     * needs a namespace (kube answers 400 without one); any namespace's
     * answer has the cluster-wide rules, "default"'s its own as well. */
    const r = await kapi.api.create('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {namespace: 'default'}});
    for (const rule of (r.status && r.status.resourceRules) || []) {
      if ((rule.resources || []).some(x => x === 'namespaces' || x === '*') &&
          (rule.verbs || []).some(v => v === 'get' || v === '*'))
        for (const n of rule.resourceNames || []) names.add(n);
    }
  } catch (e) { /* the typed-in box still works */ }
  const form = h('form', {class: 'inline', id: 'open-namespace'},
    h('input', {type: 'text', name: 'ns', placeholder: 'namespace', 'aria-label': 'namespace'}),
    h('button', {type: 'submit'}, 'Open'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ns = form.elements.ns.value.trim();
    if (ns) location.hash = kapi.route('ns', ns);
  });
  kapi.fill(box,
    h('div', {class: 'notice'},
      h('p', {}, 'You may not list the cluster\'s namespaces (', err.message, '). ',
        'Open a namespace you were given access to:'),
      form,
      names.size ? h('ul', {}, [...names].sort().map(n => h('li', {'data-name': n}, kapi.link(n, 'ns', n))))
        : h('p', {class: 'muted'}, 'No namespace known yet: type the one your administrator named.')));
};
