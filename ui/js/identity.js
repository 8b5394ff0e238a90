/* identity.js: who you are (SelfSubjectReview), what you may do
 * (SelfSubjectRulesReview), and the page for a browser without a
 * certificate. */
'use strict';

kapi.identity = {
  user: null,   /* status.userInfo of the SelfSubjectReview */

  /* Asks who we are. Resolves to userInfo, or null for anonymous. */
  async load() {
    try {
      const r = await kapi.api.create('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview'});
      const u = (r.status && r.status.userInfo) || {};
      kapi.identity.user = u.username === 'system:anonymous' ? null : u;
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) throw e;
      kapi.identity.user = null;
    }
    return kapi.identity.user;
  },

  badge() {
    const u = kapi.identity.user;
    if (!u) return 'not signed in';
    const groups = (u.groups || []).filter(g => g !== 'system:authenticated');
    return kapi.h('span', {title: (u.groups || []).join(', ')},
      'signed in as ', kapi.h('strong', {id: 'username'}, u.username),
      groups.length ? ' (' + groups.join(', ') + ')' : '');
  },

  /* The page an anonymous browser gets instead of a bare 403. */
  anonymousPage(main) {
    const h = kapi.h;
    const origin = location.origin;
    kapi.fill(main,
      h('h1', {id: 'anonymous'}, 'Sign in with a client certificate'),
      h('div', {class: 'notice'},
        h('p', {}, 'This browser sent no client certificate, so the API sees it as ',
          h('code', {}, 'system:anonymous'), ', which may read nothing here. kapi knows users by the ',
          'client certificates its CA signed: the certificate\'s CN is the user name, each O a group.'),
        h('h3', {}, '1. Get a certificate'),
        h('p', {}, 'An administrator issues one on the kapi host (README.md, sections "Pointing kubectl, curl or a browser at it" and "Web view"):'),
        h('pre', {class: 'yaml'}, 'kapictl --state var user add alice --group dev\n' +
          '# writes var/users/alice.crt, alice.key, alice.conf (kubeconfig)\n' +
          '# and alice.p12, the PKCS#12 bundle for a browser (empty password)'),
        h('p', {}, 'The administrator\'s own certificate is var/pki/admin.crt with its key; ',
          h('code', {}, 'openssl pkcs12 -export -in var/pki/admin.crt -inkey var/pki/admin.key -out admin.p12 -passout pass:'),
          ' turns it into a bundle.'),
        h('h3', {}, '2. Import it into the browser'),
        h('p', {}, 'Firefox: Settings, Privacy & Security, Certificates, View Certificates, Your Certificates, Import. ',
          'Chromium and Chrome: Settings, Privacy and security, Security, Manage certificates, Import ',
          '(on Linux: ', h('code', {}, 'pk12util -d sql:$HOME/.pki/nssdb -i alice.p12 -W ""'), ').'),
        h('h3', {}, '3. Open this page again'),
        h('p', {}, 'Restart the browser (it asks for a certificate only when it connects) and open ',
          h('a', {href: origin + '/ui/'}, origin + '/ui/'),
          '. What you see is what RBAC lets your user read; kubectl with the same certificate ',
          '(the kubeconfig kapictl wrote) sees the same.')));
  },

  /* #/access[/NS]: SelfSubjectRulesReview in a namespace. */
  async accessPage(main, ns) {
    const h = kapi.h;
    ns = ns || 'default';
    const form = h('form', {class: 'inline'},
      h('label', {}, 'Namespace ', h('input', {type: 'text', name: 'ns', value: ns})),
      h('button', {type: 'submit'}, 'Show'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = kapi.route('access', form.elements.ns.value.trim());
    });
    const out = h('div', {}, h('p', {class: 'muted'}, 'Asking the API…'));
    kapi.fill(main, h('h1', {}, 'What I may do'), form, out);
    let review;
    try {
      review = await kapi.api.create('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {namespace: ns}});
    } catch (e) {
      kapi.fill(out, kapi.errorBox(e, 'SelfSubjectRulesReview'));
      return;
    }
    const st = review.status || {};
    const list = (a) => (a && a.length ? a.join(', ') : '');
    kapi.fill(out,
      h('p', {}, 'The rules that apply to you in namespace ', h('strong', {}, ns),
        ' (cluster-wide rules included), as the API\'s SelfSubjectRulesReview reports them.'),
      h('h2', {}, 'Resources'),
      kapi.table(['Verbs', 'API groups', 'Resources', 'Resource names'],
        (st.resourceRules || []).map(r => h('tr', {},
          h('td', {}, list(r.verbs)), h('td', {}, (r.apiGroups || []).map(g => g === '' ? '""' : g).join(', ')),
          h('td', {}, list(r.resources)), h('td', {}, list(r.resourceNames))))),
      h('h2', {}, 'Non-resource URLs'),
      kapi.table(['Verbs', 'URLs'], (st.nonResourceRules || []).map(r => h('tr', {},
        h('td', {}, list(r.verbs)), h('td', {}, list(r.nonResourceURLs))))),
      st.incomplete ? h('p', {class: 'warn'}, 'The list may be incomplete: ', st.evaluationError || '') : null);
  },
};
