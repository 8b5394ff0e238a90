/* yaml.js: a small YAML printer for JSON objects, laid out as kubectl's
 * -o yaml (lists not indented under their key,
 * keys sorted, multi-line strings as literal blocks, anything YAML would
 * read as another type double-quoted). */
'use strict';

kapi.yaml = (function () {
  const reserved = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
  const number = /^[-+]?(\.?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|\.inf|\.nan)$/i;
  const timestamp = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$/;

  /* Plain when YAML reads it back as the same string (go-yaml's rule,
   * which kubectl's output follows), else double-quoted. */
  function quoteIfNeeded(s) {
    if (s === '' || reserved.test(s) || number.test(s) || timestamp.test(s) ||
        /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) || /\s$|:$|: | #|[\x00-\x1f\x7f]/.test(s)) return JSON.stringify(s);
    return s;
  }

  function scalar(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return quoteIfNeeded(v);
    return String(v);
  }

  /* A string printed as a literal block: lines, no control characters
   * other than newline, not starting with a space. */
  const literal = (v) => typeof v === 'string' && v.includes('\n') &&
    !/[\x00-\x09\x0b-\x1f\x7f]/.test(v) && !/^[ \n]/.test(v) && !/\n\n$/.test(v);

  const isBlock = (v) => v !== null && typeof v === 'object' && Object.keys(v).length > 0;

  function inline(prefix, v, ind) {
    if (literal(v)) {
      const body = v.replace(/\n$/, '').split('\n').map(l => l ? ' '.repeat(ind) + l : '');
      return [prefix + (v.endsWith('\n') ? '|' : '|-'), ...body];
    }
    if (Array.isArray(v)) return [prefix + '[]'];
    if (v !== null && typeof v === 'object') return [prefix + '{}'];
    return [prefix + scalar(v)];
  }

  function lines(v, ind) {
    const pad = ' '.repeat(ind), out = [];
    if (Array.isArray(v)) {
      for (const item of v) {
        if (isBlock(item)) {
          const sub = lines(item, ind + 2);
          out.push(pad + '- ' + sub[0].slice(ind + 2), ...sub.slice(1));
        } else {
          out.push(...inline(pad + '- ', item, ind + 2));
        }
      }
    } else {
      for (const k of Object.keys(v).sort()) {
        const item = v[k];
        const key = pad + quoteIfNeeded(k) + ':';
        if (isBlock(item)) out.push(key, ...lines(item, Array.isArray(item) ? ind : ind + 2));
        else out.push(...inline(key + ' ', item, ind + 2));
      }
    }
    return out;
  }

  return (v) => (isBlock(v) ? lines(v, 0) : inline('', v, 2)).join('\n') + '\n';
})();
