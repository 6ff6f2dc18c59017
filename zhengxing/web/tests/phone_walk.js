// What one page shows that a person on a phone would trip over (phone_walk.py, Walk.check): a
// function of the least height of a tap target, returning lists of strings.
(tap) => {
  const width = window.innerWidth;
  const shown = (e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : '')
    + ' “' + (e.innerText || e.value || e.getAttribute('name') || '').trim().slice(0, 24) + '”';
  // inside a box that scrolls or clips sideways, an element may be wider than the phone
  const scrolled = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden' || x === 'clip') return true;
    }
    return false;
  };
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    if ((r.right > width + 1 || r.left < -1) && !scrolled(e)) {
      // the outermost only: its children are wide because it is
      if (!wide.some((w) => w.contains(e))) wide.push(e);
    }
  }
  const controls = [];
  for (const e of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!shown(e)) continue;
    const labelled = (e.labels && e.labels.length > 0 && Array.from(e.labels).some((l) => l.innerText.trim()))
      || (e.getAttribute('aria-label') || '').trim() || e.getAttribute('aria-labelledby');
    if (!labelled) controls.push('unlabelled ' + name(e));
    const r = e.getBoundingClientRect();
    if ((r.left < -1 || r.right > width + 1) && !scrolled(e)) controls.push('off the screen ' + name(e));
  }
  const small = [];
  for (const e of document.querySelectorAll('main button.primary, main .button.primary, main summary.primary')) {
    if (!shown(e)) continue;
    const h = e.getBoundingClientRect().height;
    if (h < tap) small.push(name(e) + ' ' + Math.round(h) + 'px');
  }
  // a box to tick: its target is its label's whole line when it sits in one
  for (const e of document.querySelectorAll('main input[type=checkbox], main input[type=radio]')) {
    if (!shown(e)) continue;
    const target = e.closest('label') || e;
    const h = target.getBoundingClientRect().height;
    if (h < tap) small.push(name(target) + ' ' + Math.round(h) + 'px');
  }
  const words = [];
  for (const e of document.querySelectorAll('h1, h2, h3, button, .button, label, th, summary, legend, option')) {
    if (e.tagName === 'OPTION' ? e.parentElement && shown(e.parentElement) : shown(e))
      words.push((e.innerText || e.textContent || '').trim());
  }
  for (const e of document.querySelectorAll('[placeholder], [aria-label]')) {
    words.push(e.getAttribute('placeholder') || '', e.getAttribute('aria-label') || '');
  }
  return {
    scroll: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    width: width,
    wide: wide.slice(0, 5).map((e) => name(e) + ' ' + Math.round(e.getBoundingClientRect().right) + 'px'),
    controls: controls,
    small: small,
    words: words.filter((w) => w),
  };
}
