/* object.js: one object as YAML (#/ns/NS/RES/NAME, #/cluster/RES/NAME),
 * managedFields left out as kubectl does. A Secret's values (data,
 * stringData, and kubectl's last-applied annotation, which holds them too)
 * are hidden until the user clicks Reveal. */
'use strict';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

kapi.pages.object = async function (main, ns, token, name) {
  const h = kapi.h;
  const r = await kapi.api.findResource(token);
  if (!r) { kapi.fill(main, kapi.errorBox(new Error('the server does not serve "' + token + '"'))); return; }
  const list = ns && r.namespaced ? kapi.route('ns', ns, token) : kapi.route('cluster', token);
  kapi.fill(main,
    h('div', {class: 'crumbs'}, ns ? [kapi.link(ns, 'ns', ns), ' / '] : '', h('a', {href: list}, r.kind), ' / ', name),
    h('h1', {}, r.kind, ' ', name));
  let obj;
  try {
    obj = await kapi.api.get(kapi.api.path(r, ns, name));
  } catch (e) {
    kapi.append(main, kapi.errorBox(e, 'get ' + r.resource + ' ' + name));
    return;
  }
  if (obj.metadata) delete obj.metadata.managedFields;
  const pre = h('pre', {class: 'yaml', id: 'yaml'});
  const show = (o) => { pre.textContent = kapi.yaml(o); };
  if (r.kind === 'Secret' && !r.group) {
    const btn = h('button', {type: 'button', id: 'reveal'}, 'Reveal values');
    btn.addEventListener('click', () => { show(obj); btn.remove(); });
    kapi.append(main, h('p', {}, 'Values are hidden. ', btn));
    show(kapi.hideSecret(obj));
  } else {
    show(obj);
  }
  kapi.append(main, pre);
};

/* A copy of a Secret with every value replaced. */
kapi.hideSecret = function (s) {
  const c = JSON.parse(JSON.stringify(s));
  for (const f of ['data', 'stringData'])
    if (c[f]) for (const k of Object.keys(c[f])) c[f][k] = '(hidden)';
  const ann = c.metadata && c.metadata.annotations;
  if (ann && ann[LAST_APPLIED]) ann[LAST_APPLIED] = '(hidden)';
  return c;
};
