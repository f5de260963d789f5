() => {
  const problems = [];
  const roots = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return false;
      if (e.getAttribute && e.getAttribute('aria-hidden') === 'true') return false;
      if (e.hidden) return false;
    }
    return true;
  };
  const label = (el) => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 80);
  const ownText = (el) => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  for (const root of roots) {
    // 1. A box narrower than its content, when the box cuts the overflow off (hidden, clip,
    //    ellipsis) or scrolls it out of sight sideways.
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('.js-plotly-plot, [data-testid="stDataFrame"], svg, canvas, input, textarea')) continue;
      if (!visible(el)) continue;
      const s = getComputedStyle(el);
      const text = label(el);
      if (!text) continue;
      const cuts = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
      if (cuts && el.scrollWidth > el.clientWidth + 1) {
        problems.push({kind: 'cut off sideways', text, box: el.clientWidth, content: el.scrollWidth, testid: (el.closest('[data-testid]')||el).getAttribute('data-testid')});
      }
      if (s.overflowY === 'hidden' || s.overflowY === 'clip' || s.webkitLineClamp !== 'none') {
        const box = el.getBoundingClientRect();
        // Text inside a box of its own that scrolls up and down is not cut off, only scrolled.
        const scrolls = (node) => {
          for (let e = node.parentElement; e && e !== el; e = e.parentElement) {
            const oy = getComputedStyle(e).overflowY;
            if (oy === 'auto' || oy === 'scroll') return true;
          }
          return false;
        };
        const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let below = false;
        for (let t = texts.nextNode(); t && !below; t = texts.nextNode()) {
          if (!t.textContent.trim() || scrolls(t)) continue;
          const range = document.createRange();
          range.selectNodeContents(t);
          below = [...range.getClientRects()].some(r => r.width > 0 && r.bottom > box.bottom + 2);
        }
        if (below) problems.push({kind: 'cut off below', text, testid: (el.closest('[data-testid]')||el).getAttribute('data-testid')});
      }
    }
    // 2. A word broken across two lines (no hyphen, no space): "Wolverhamp ton".
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('.js-plotly-plot, svg, [data-testid="stDataFrame"], script, style')) continue;
      if (!visible(parent)) continue;
      const re = /[\p{L}\p{N}]{2,}/gu;
      let m;
      while ((m = re.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) problems.push({kind: 'word broken across lines', text: m[0], context: label(parent)});
      }
    }
    // 3. Chart text outside the chart's box (clipped by the plot's edge).
    for (const plot of root.querySelectorAll('.js-plotly-plot')) {
      if (!visible(plot)) continue;
      const box = plot.getBoundingClientRect();
      for (const t of plot.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (!t.textContent.trim() || r.width === 0) continue;
        if (t.textContent.includes('\u2026')) {
          problems.push({kind: 'chart text shortened with an ellipsis', text: t.textContent.trim().slice(0, 80)});
        }
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          problems.push({kind: 'chart text outside the chart', text: t.textContent.trim().slice(0, 80)});
        }
      }
    }
    // 4. Data grids: columns scrolled out of sight to the right.
    for (const grid of root.querySelectorAll('[data-testid="stDataFrame"]')) {
      if (!visible(grid)) continue;
      const scroller = grid.querySelector('.dvn-scroller');
      const table = grid.querySelector('table[role="grid"]');
      const shown = table ? table.querySelectorAll('thead th').length : 0;
      const total = table ? Number(table.getAttribute('aria-colcount')) : 0;
      if ((scroller && scroller.scrollWidth > scroller.clientWidth + 1) || shown < total) {
        const heads = table ? [...table.querySelectorAll('thead th')].map(th => th.textContent).join(' | ') : '';
        problems.push({kind: 'table columns out of sight', text: heads, shown, total});
      }
    }
  }
  return problems;
}
