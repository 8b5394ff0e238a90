/* dom.js: building elements without innerHTML. Every piece of object data
 * reaches the page as a text node or an attribute value, never as markup. */
'use strict';
const kapi = window.kapi = {};

/* h('td', {class: 'num'}, 'text', childNode, [more]) */
kapi.h = function (tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  kapi.append(el, children);
  return el;
};

kapi.append = function (el, ...children) {
  for (const c of [children].flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
};

/* Replaces el's children. */
kapi.fill = function (el, ...children) {
  el.replaceChildren();
  return kapi.append(el, children);
};

/* A link to a page of the view: parts are encoded one by one. */
kapi.route = (...parts) => '#/' + parts.map(encodeURIComponent).join('/');
kapi.link = (text, ...parts) => kapi.h('a', {href: kapi.route(...parts)}, text);

/* kubectl's short ages: 42s, 7m, 5h, 3d. */
kapi.age = function (ts) {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return s + 's';
  if (s < 7200) return Math.floor(s / 60) + 'm';
  if (s < 172800) return Math.floor(s / 3600) + 'h';
  return Math.floor(s / 86400) + 'd';
};

/* An error as a box the user can read: what was refused, and why. */
kapi.errorBox = function (err, what) {
  const box = kapi.h('div', {class: 'error', role: 'alert'});
  if (err && err.status === 403) {
    kapi.append(box, kapi.h('strong', {}, 'Forbidden'), what ? ' (' + what + ')' : '', ': ',
      err.message, '. ', 'Your certificate\'s user and groups do not grant this; ',
      'ask a cluster administrator for a Role or RoleBinding that does.');
  } else if (err && err.status === 404) {
    kapi.append(box, kapi.h('strong', {}, 'Not found'), ': ', err.message);
  } else {
    kapi.append(box, kapi.h('strong', {}, 'Error'), what ? ' (' + what + ')' : '', ': ',
      err && err.message ? err.message : String(err));
  }
  return box;
};

/* A table from column titles and rows of cells (strings or nodes). */
kapi.table = function (titles, rows) {
  return kapi.h('table', {},
    kapi.h('thead', {}, kapi.h('tr', {}, titles.map(t => kapi.h('th', {}, t)))),
    kapi.h('tbody', {}, rows));
};

/* Conditions as tags: green when a positive condition holds. */
kapi.conditions = function (conds) {
  return (conds || []).map(c => {
    const good = c.status === 'True' ? !/Failure|Pressure|Unavailable/.test(c.type) : false;
    const cls = 'tag ' + (good ? 'ok' : c.status === 'True' ? 'bad' : 'warn');
    return kapi.h('span', {class: cls, title: [c.reason, c.message].filter(Boolean).join(': ')},
      c.type + '=' + c.status + (c.reason ? ' (' + c.reason + ')' : ''));
  });
};
