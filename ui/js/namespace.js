/* namespace.js: one namespace: Deployments with their ReplicaSets and Pods,
 * other Pods, Services, ConfigMaps, Secrets (names; a value only when the
 * user asks and may read it), Events newest first; all kept current. */
'use strict';

/* kubectl's STATUS column for a pod, short: Terminating, a container's
 * waiting or terminated reason, else the phase. */
kapi.podStatus = function (p) {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const st = p.status || {};
  for (const c of st.containerStatuses || []) {
    if (c.state && c.state.waiting && c.state.waiting.reason) return c.state.waiting.reason;
    if (c.state && c.state.terminated && c.state.terminated.reason) return c.state.terminated.reason;
  }
  return st.reason || st.phase || 'Unknown';
};

kapi.pages.namespace = async function (main, ns) {
  const h = kapi.h;
  const sections = {};
  const section = (id, title) => {
    const badge = kapi.liveBadge(), body = h('div', {id}, h('p', {class: 'muted'}, 'Loading…'));
    sections[id] = {badge, body};
    return [h('h2', {}, title, badge), body];
  };
  const kinds = h('p', {class: 'muted'});
  kapi.fill(main,
    h('div', {class: 'crumbs'}, kapi.link('Namespaces', 'namespaces'), ' / ', ns),
    h('h1', {}, 'Namespace ', h('span', {id: 'ns-name'}, ns)),
    h('p', {}, kapi.link('YAML', 'ns', ns, 'namespaces', ns), ' · ', kapi.link('What I may do here', 'access', ns)),
    kinds,
    section('workloads', 'Workloads'), section('services', 'Services'),
    section('configmaps', 'ConfigMaps'), section('secrets', 'Secrets'), section('events', 'Events'));

  kapi.api.resources().then(all => kapi.fill(kinds, 'Every kind here: ', all
    .filter(r => r.namespaced && r.preferred && r.verbs.includes('list') && !r.resource.includes('/'))
    .sort((a, b) => a.kind.localeCompare(b.kind))
    .map(r => [kapi.link(r.kind, 'ns', ns, kapi.api.token(r)), ' ']))).catch(() => {});

  const base = '/api/v1/namespaces/' + encodeURIComponent(ns);
  const fail = (id, what) => (e) => { sections[id].badge.remove(); kapi.fill(sections[id].body, kapi.errorBox(e, what)); };
  const objLink = (token) => (m) => kapi.route('ns', ns, token, m.name);
  let anyOk = false;
  const ok = () => { if (!anyOk) { anyOk = true; kapi.knownNamespaces.add(ns); } };

  await Promise.all([
    kapi.pages.workloads(ns, sections.workloads).then(ok, () => {}),
    kapi.liveTable(sections.services.body, base + '/services', {badge: sections.services.badge, link: objLink('services')})
      .then(ok, fail('services', 'list services')),
    kapi.liveTable(sections.configmaps.body, base + '/configmaps', {badge: sections.configmaps.badge, link: objLink('configmaps')})
      .then(ok, fail('configmaps', 'list configmaps')),
    kapi.liveTable(sections.secrets.body, base + '/secrets', {badge: sections.secrets.badge, link: objLink('secrets'),
      extraTitle: 'Value', extra: (m) => kapi.revealButton(ns, m.name)})
      .then(ok, fail('secrets', 'list secrets')),
    kapi.liveList(base + '/events', (items) => kapi.fill(sections.events.body, kapi.eventsTable(items)), sections.events.badge)
      .then(ok, fail('events', 'list events')),
  ]);
};

/* A Secret's data, fetched only when the user clicks: a 403 says so. */
kapi.revealButton = function (ns, name) {
  const h = kapi.h;
  const box = h('span', {class: 'reveal'});
  const btn = h('button', {type: 'button', 'data-secret': name}, 'Reveal');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      const s = await kapi.api.get('/api/v1/namespaces/' + encodeURIComponent(ns) + '/secrets/' + encodeURIComponent(name));
      kapi.fill(box, kapi.secretData(s));
    } catch (e) {
      kapi.fill(box, kapi.errorBox(e, 'get secret ' + name));
    }
  });
  return kapi.append(box, btn);
};

/* A Secret's data decoded (UTF-8 text, else the base64 as sent). */
kapi.secretData = function (s) {
  const h = kapi.h;
  const decode = (b64) => {
    try {
      const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
      return new TextDecoder('utf-8', {fatal: true}).decode(bytes);
    } catch (e) { return b64 + ' (base64)'; }
  };
  const entries = Object.entries(s.data || {});
  return entries.length ? h('dl', {class: 'secret'}, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, decode(v))]))
    : h('span', {class: 'muted'}, '(no data)');
};

const eventTime = (e) => e.lastTimestamp || e.eventTime || (e.series && e.series.lastObservedTime) ||
  e.firstTimestamp || e.metadata.creationTimestamp || '';

kapi.eventsTable = function (items) {
  const h = kapi.h;
  if (!items.length) return h('p', {class: 'muted empty'}, 'No events.');
  const sorted = items.slice().sort((a, b) => eventTime(b).localeCompare(eventTime(a)));
  return kapi.table(['Last seen', 'Type', 'Reason', 'Object', 'Message', 'Count'], sorted.map(e => {
    const o = e.involvedObject || e.regarding || {};
    return h('tr', {'data-name': e.metadata.name},
      h('td', {title: eventTime(e)}, kapi.age(eventTime(e))),
      h('td', {class: e.type === 'Warning' ? 'warn' : null}, e.type || ''),
      h('td', {}, e.reason || ''),
      h('td', {}, (o.kind || '').toLowerCase() + '/' + (o.name || '')),
      h('td', {}, e.message || e.note || ''),
      h('td', {class: 'num'}, e.count || (e.series && e.series.count) || 1));
  }));
};

/* Deployments → their ReplicaSets → their Pods, from three live lists. */
kapi.pages.workloads = async function (ns, sec) {
  const h = kapi.h;
  const base = (g) => (g ? '/apis/apps/v1' : '/api/v1') + '/namespaces/' + encodeURIComponent(ns);
  const data = {deployments: null, replicasets: null, pods: null};
  const errors = {};
  const owned = (o, uid) => (o.metadata.ownerReferences || []).some(r => r.controller && r.uid === uid);
  const byName = (a, b) => a.metadata.name.localeCompare(b.metadata.name);

  const podsTable = (pods) => pods.length ? kapi.table(['Pod', 'Ready', 'Status', 'Restarts', 'Node', 'Age'],
    pods.sort(byName).map(p => {
      const cs = (p.status && p.status.containerStatuses) || [];
      const total = (p.spec.containers || []).length;
      const status = kapi.podStatus(p);
      return h('tr', {'data-name': p.metadata.name, 'data-phase': (p.status && p.status.phase) || ''},
        h('td', {}, kapi.link(p.metadata.name, 'ns', ns, 'pods', p.metadata.name)),
        h('td', {}, cs.filter(c => c.ready).length + '/' + total),
        h('td', {class: status === 'Running' || status === 'Succeeded' ? 'ok' : status === 'Pending' ? 'warn' : 'bad'}, status),
        h('td', {class: 'num'}, cs.reduce((n, c) => n + (c.restartCount || 0), 0)),
        h('td', {}, p.spec.nodeName || '<none>'),
        h('td', {}, kapi.age(p.metadata.creationTimestamp)));
    })) : h('p', {class: 'muted'}, 'No pods.');

  const rsTable = (rss) => kapi.table(['ReplicaSet', 'Desired', 'Current', 'Ready', 'Age'], rss.sort(byName).map(r =>
    h('tr', {'data-name': r.metadata.name},
      h('td', {}, kapi.link(r.metadata.name, 'ns', ns, 'replicasets.v1.apps', r.metadata.name)),
      h('td', {class: 'num'}, r.spec.replicas ?? 1), h('td', {class: 'num'}, (r.status && r.status.replicas) || 0),
      h('td', {class: 'num'}, (r.status && r.status.readyReplicas) || 0), h('td', {}, kapi.age(r.metadata.creationTimestamp)))));

  const render = () => {
    const out = [];
    for (const [k, e] of Object.entries(errors)) out.push(kapi.errorBox(e, 'list ' + k));
    const deps = (data.deployments || []).slice().sort(byName);
    const rss = data.replicasets || [], pods = data.pods || [];
    const shownRs = new Set(), shownPods = new Set();
    for (const d of deps) {
      const st = d.status || {};
      const mine = rss.filter(r => owned(r, d.metadata.uid));
      const myPods = pods.filter(p => mine.some(r => owned(p, r.metadata.uid)));
      mine.forEach(r => shownRs.add(r.metadata.uid));
      myPods.forEach(p => shownPods.add(p.metadata.uid));
      out.push(h('section', {class: 'deployment', 'data-name': d.metadata.name},
        h('h3', {}, 'Deployment ', kapi.link(d.metadata.name, 'ns', ns, 'deployments.v1.apps', d.metadata.name)),
        h('p', {}, 'Ready ', h('strong', {class: 'ready'}, (st.readyReplicas || 0) + '/' + (d.spec.replicas ?? 1)),
          ' · up-to-date ', st.updatedReplicas || 0, ' · available ', st.availableReplicas || 0, ' ',
          kapi.conditions(st.conditions)),
        mine.length ? rsTable(mine) : null,
        podsTable(myPods)));
    }
    const loneRs = rss.filter(r => !shownRs.has(r.metadata.uid));
    if (loneRs.length) out.push(h('h3', {}, 'Other ReplicaSets'), rsTable(loneRs));
    const lone = pods.filter(p => !shownPods.has(p.metadata.uid));
    if (data.pods) out.push(h('h3', {}, deps.length ? 'Other pods' : 'Pods'), podsTable(lone));
    kapi.fill(sec.body, out.length ? out : h('p', {class: 'muted'}, 'No workloads.'));
  };

  let ok = false;
  await Promise.all(Object.keys(data).map(kind =>
    kapi.liveList(base(kind !== 'pods') + '/' + kind, (items) => { data[kind] = items; render(); },
      kind === 'pods' ? sec.badge : null)
      .then(() => { ok = true; }, (e) => { errors[kind] = e; render(); })));
  if (!data.pods) sec.badge.remove();
  if (!ok) throw new Error('no workloads readable');
};
