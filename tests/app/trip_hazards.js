// Returns what a person on a small phone would trip over on this page, one line each.
const out = [];
const width = window.innerWidth;
const page = document.documentElement.scrollWidth;
if (page > width) {
  let widest = null;
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.right > width && (!widest || r.right > widest[1])) widest = [e, r.right];
  }
  out.push(`the page is ${page} px wide (${widest ? describe(widest[0]) : '?'})`);
}
function describe(e) {
  const cls = typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '';
  const text = (e.textContent || e.value || e.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 24);
  return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls} "${text}"`;
}
function shown(e) {
  const r = e.getBoundingClientRect();
  // Off the page until focused (the skip link) counts when it shows.
  return r.width > 0 && r.height > 0 && r.right > 0 && getComputedStyle(e).visibility !== 'hidden';
}
// A link within running text: its block says more than the link does.
function inSentence(e) {
  if (getComputedStyle(e).display !== 'inline') return false;
  let block = e.parentElement;
  while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
  if (!block) return false;
  const own = (e.textContent || '').trim().length;
  const around = (block.textContent || '').replace(/\s+/g, '').length;
  return around > own + 12;
}
for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (!shown(e)) continue;
  const r = e.getBoundingClientRect();
  if (e.type === 'checkbox' || e.type === 'radio') {
    if (r.width < 24 || r.height < 24) out.push(`${describe(e)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
    const label = e.closest('label');
    const target = label ? label.getBoundingClientRect() : r;
    if (target.height < 44) out.push(`${describe(label || e)} is ${Math.round(target.height)} px tall`);
    continue;
  }
  if (e.tagName === 'A' && inSentence(e)) continue;
  if (r.height < 44) out.push(`${describe(e)} is ${Math.round(r.height)} px tall`);
  if (r.width < 44) out.push(`${describe(e)} is ${Math.round(r.width)} px wide`);
}
const banner = document.querySelector('.banner');
if (banner) {
  const size = (e) => parseFloat(getComputedStyle(e).fontSize);
  const body = size(document.body);
  for (const e of [banner, ...banner.querySelectorAll('*')]) {
    if (shown(e) && e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && size(e) < body) {
      out.push(`banner text ${describe(e)} is ${size(e)} px, the body ${body} px`);
    }
  }
}
return out;
