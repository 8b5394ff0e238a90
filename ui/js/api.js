/* api.js: the API, from this origin, with the browser's client certificate:
 * requests, server-side Tables, watches streamed with fetch, discovery. */
'use strict';

kapi.ApiError = class extends Error {
  constructor(status, body, text) {
    super(body && body.message ? body.message : (text || 'HTTP ' + status).slice(0, 300));
    this.status = status;
    this.reason = body && body.reason;
  }
};

kapi.TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

kapi.api = {
  async request(method, path, {accept = 'application/json', body, signal} = {}) {
    const headers = {Accept: accept};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {method, headers, signal, cache: 'no-store', credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    const text = await r.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    if (!r.ok) throw new kapi.ApiError(r.status, data, text);
    return data;
  },
  get: (path) => kapi.api.request('GET', path),
  table: (path) => kapi.api.request('GET', path, {accept: kapi.TABLE}),
  create: (path, body) => kapi.api.request('POST', path, {body}),

  /* Streams ?watch=1 from resourceVersion rv and calls onEvent({type,
   * object}) per event; reconnects from the last version seen; a 410 (too
   * old) calls onEvent({type: 'RESYNC'}) so the caller lists again.
   * onState(true|false) tells whether the stream is open, onState(null)
   * that the watch was refused (no retry). Returns stop(). */
  watch(path, rv, onEvent, {accept = 'application/json', onState = () => {}} = {}) {
    const ctl = new AbortController();
    let stopped = false, since = rv;
    const rvOf = (o) => (o && o.metadata && o.metadata.resourceVersion) ||
      (o && o.rows && o.rows.length && o.rows[0].object && o.rows[0].object.metadata &&
       o.rows[0].object.metadata.resourceVersion);
    const run = async () => {
      while (!stopped) {
        try {
          const sep = path.includes('?') ? '&' : '?';
          const url = path + sep + 'watch=1&allowWatchBookmarks=true&resourceVersion=' + encodeURIComponent(since);
          const r = await fetch(url, {headers: {Accept: accept}, signal: ctl.signal, cache: 'no-store'});
          if (r.status === 410) { onEvent({type: 'RESYNC'}); return; }
          /* refused (a user who may list but not watch): no retry */
          if (r.status >= 400 && r.status < 500 && r.status !== 429) { onState(null); return; }
          if (!r.ok) throw new kapi.ApiError(r.status, null, '');
          onState(true);
          const reader = r.body.getReader(), dec = new TextDecoder();
          let buf = '';
          for (;;) {
            const {value, done} = await reader.read();
            if (done) break;
            buf += dec.decode(value, {stream: true});
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line) continue;
              const ev = JSON.parse(line);
              if (ev.type === 'ERROR') {
                if (ev.object && ev.object.code === 410) { onEvent({type: 'RESYNC'}); return; }
                continue;
              }
              since = rvOf(ev.object) || since;
              if (ev.type !== 'BOOKMARK') onEvent(ev);
            }
          }
        } catch (e) {
          if (stopped) return;
        }
        onState(false);
        if (!stopped) await new Promise(res => setTimeout(res, 2000));
      }
    };
    run();
    return () => { stopped = true; ctl.abort(); };
  },

  /* Aggregated discovery (apidiscovery.k8s.io/v2) of /api and /apis, once
   * per page load: [{group, version, resource, kind, namespaced, verbs}]. */
  async resources() {
    if (kapi.api._resources) return kapi.api._resources;
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const [core, groups] = await Promise.all([
      kapi.api.request('GET', '/api', {accept}), kapi.api.request('GET', '/apis', {accept})]);
    const out = [];
    for (const g of [...(core.items || []), ...(groups.items || [])]) {
      const group = (g.metadata && g.metadata.name) || '';
      (g.versions || []).forEach((v, i) => {
        for (const r of v.resources || []) {
          out.push({group, version: v.version, preferred: i === 0, resource: r.resource,
            kind: r.responseKind && r.responseKind.kind, namespaced: r.scope === 'Namespaced',
            verbs: r.verbs || [], shortNames: r.shortNames || []});
        }
      });
    }
    kapi.api._resources = out;
    return out;
  },

  /* A route's resource token (pods, deployments.v1.apps, deployments.apps)
   * to its discovery entry, or null. */
  async findResource(token) {
    const parts = token.split('.');
    const resource = parts[0];
    let version = null, group = '';
    if (parts.length > 2 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1])) {
      version = parts[1];
      group = parts.slice(2).join('.');
    } else if (parts.length > 1) {
      group = parts.slice(1).join('.');
    }
    const all = await kapi.api.resources();
    return all.find(r => r.resource === resource && r.group === group &&
      (version ? r.version === version : r.preferred)) || null;
  },

  /* The token a route uses for a discovery entry. */
  token: (r) => r.group ? r.resource + '.' + r.version + '.' + r.group : r.resource,

  /* The API path of a resource (in ns when given), or of one object. */
  path(r, ns, name) {
    let p = r.group ? '/apis/' + encodeURIComponent(r.group) + '/' + encodeURIComponent(r.version) : '/api/' + r.version;
    if (ns && r.namespaced) p += '/namespaces/' + encodeURIComponent(ns);
    p += '/' + encodeURIComponent(r.resource);
    if (name) p += '/' + encodeURIComponent(name);
    return p;
  },

  /* SelfSubjectAccessReview: may I? (true/false) */
  async may(verb, resource, {group = '', namespace = '', name = ''} = {}) {
    try {
      const r = await kapi.api.create('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
        spec: {resourceAttributes: {verb, group, resource, namespace, name}}});
      return !!(r.status && r.status.allowed);
    } catch (e) {
      return false;
    }
  },
};
