/* app.js: the router. Routes (the worker redirects a browser that opens an
 * API path to the matching one, fcgi/http/browser.c):
 *   #/ or #/namespaces       who you are, the namespaces
 *   #/ns/NS                  a namespace's workloads, services, config, events
 *   #/ns/NS/RES              RES's Table in NS   (RES: pods, deployments.v1.apps)
 *   #/ns/NS/RES/NAME         one object's YAML
 *   #/cluster/RES[/NAME]     a cluster-scoped kind (or all namespaces), an object
 *   #/kinds                  every kind discovery lists
 *   #/access[/NS]            what you may do (SelfSubjectRulesReview) */
'use strict';

/* One page at a time: what a page starts (watches) stops when it is left,
 * even if it registers after the user moved on. */
class Page {
  constructor() { this.alive = true; this.stops = []; }
  onLeave(fn) { if (this.alive) this.stops.push(fn); else fn(); }
  leave() { this.alive = false; for (const f of this.stops.splice(0)) { try { f(); } catch (e) { /* gone */ } } }
}
kapi.page = new Page();

function parseHash() {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(p => {
    try { return decodeURIComponent(p); } catch (e) { return p; }
  });
}

async function render() {
  kapi.page.leave();
  kapi.page = new Page();
  const main = document.getElementById('main');
  const [what, a, b, c] = parseHash();
  main.dataset.page = what || 'namespaces';
  delete main.dataset.ready;
  kapi.fill(main, kapi.h('p', {class: 'muted'}, 'Loading…'));
  try {
    if (!what || what === 'namespaces') await kapi.pages.namespaces(main);
    else if (what === 'kinds') await kapi.pages.kinds(main);
    else if (what === 'access') await kapi.identity.accessPage(main, a);
    else if (what === 'ns' && a && !b) await kapi.pages.namespace(main, a);
    else if (what === 'ns' && a && b && !c) await kapi.pages.list(main, a, b);
    else if (what === 'ns' && a && b && c) await kapi.pages.object(main, a, b, c);
    else if (what === 'cluster' && a && !b) await kapi.pages.list(main, '', a);
    else if (what === 'cluster' && a && b) await kapi.pages.object(main, '', a, b);
    else kapi.fill(main, kapi.errorBox(new Error('no such page: ' + location.hash)));
  } catch (e) {
    kapi.fill(main, kapi.errorBox(e));
  }
  main.dataset.ready = '1';
}

async function start() {
  const main = document.getElementById('main');
  let user;
  try {
    user = await kapi.identity.load();
  } catch (e) {
    kapi.fill(main, kapi.errorBox(e, 'SelfSubjectReview'));
    return;
  }
  if (!user) {
    document.querySelector('header nav').remove();   /* nothing there to read */
    kapi.fill(document.getElementById('whoami'), kapi.identity.badge());
    kapi.identity.anonymousPage(main);
    main.dataset.page = 'anonymous';
    main.dataset.ready = '1';
    return;
  }
  kapi.fill(document.getElementById('whoami'), kapi.identity.badge());
  window.addEventListener('hashchange', render);
  render();
}

document.addEventListener('DOMContentLoaded', start);
