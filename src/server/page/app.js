// Status page: polls /status every 2 s and redraws. Plain script, no build step.
// All server text goes through textContent, never innerHTML.
(function () {
  'use strict';
  var POLL_MS = 2000;
  var charts = {}; // group name -> { plot, key }
  var RESOURCE_COLORS = { cpus: '#7c3aed', mem: '#0891b2', disk: '#a16207', gpus: '#db2777' };
  var redraws = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function time(ms) { return new Date(ms).toLocaleTimeString(); }

  function setText(testid, text) {
    var node = document.querySelector('[data-testid="' + testid + '"]');
    if (node) node.textContent = text;
  }

  function groupSection(name) {
    var id = 'group-' + name;
    var section = document.querySelector('[data-testid="' + id + '"]');
    if (section) return section;
    section = el('article', { class: 'group', 'data-testid': id }, [
      el('h2', {}, [el('span', { text: name }), el('span', { class: 'badge', 'data-testid': 'direction-' + name })]),
      el('div', { class: 'chart', 'data-testid': 'chart-' + name }),
      el('div', { class: 'plan', 'data-testid': 'plan-' + name }),
    ]);
    document.getElementById('groups').appendChild(section);
    return section;
  }

  function resourcesOf(history) {
    var seen = {};
    history.forEach(function (p) { Object.keys(p.util || {}).forEach(function (r) { seen[r] = true; }); });
    return Object.keys(seen).sort();
  }

  // Capacity (nodes) and the planned size on the left axis; demand (pending instances) on an
  // axis of its own (a queue of 200 must not flatten a group of 5 nodes); utilization per
  // resource in percent on the right.
  function drawChart(group, container) {
    var history = group.history || [];
    var resources = resourcesOf(history);
    var key = resources.join(',');
    var data = [
      history.map(function (p) { return p.at / 1000; }),
      history.map(function (p) { return p.nodes; }),
      history.map(function (p) { return p.target; }),
      history.map(function (p) { return p.pending; }),
    ];
    resources.forEach(function (r) {
      data.push(history.map(function (p) { return p.util && p.util[r] !== undefined ? p.util[r] * 100 : null; }));
    });
    var existing = charts[group.name];
    if (existing && existing.key === key) {
      existing.plot.setData(data);
      return;
    }
    if (existing) existing.plot.destroy();
    var series = [
      {},
      { label: 'nodes', stroke: '#2563eb', width: 2, scale: 'n' },
      { label: 'target', stroke: '#16a34a', dash: [6, 4], width: 2, scale: 'n' },
      { label: 'pending', stroke: '#dc2626', width: 1, scale: 'p' },
    ];
    resources.forEach(function (r) {
      series.push({ label: r + ' %', stroke: RESOURCE_COLORS[r] || '#6b7280', width: 1, scale: '%' });
    });
    var plot = new uPlot({
      width: chartWidth(container),
      height: 220,
      series: series,
      scales: {
        n: { range: function (u, min, max) { return [0, Math.max(1, max + 1)]; } },
        p: { range: function (u, min, max) { return [0, Math.max(1, Math.ceil(max * 1.1))]; } },
        '%': { range: [0, 100] },
      },
      axes: [
        {},
        { scale: 'n', label: 'nodes' },
        // Whole instances: no 0.2 ticks on the pending axis.
        { scale: 'p', side: 1, label: 'pending', stroke: '#dc2626', grid: { show: false }, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] },
        { scale: '%', side: 1, label: '%', grid: { show: false }, size: 40 },
      ],
    }, data, container);
    // Which scale (axis) each series is drawn on, readable without the canvas.
    container.dataset.scales = series.slice(1).map(function (x) { return x.label + ':' + x.scale; }).join(',');
    charts[group.name] = { plot: plot, key: key };
  }

  // The chart follows its box: full width on a phone, the grid column on a desktop.
  function chartWidth(container) { return Math.max(240, (container.clientWidth || 560) - 8); }

  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (name) {
      var box = document.querySelector('[data-testid="chart-' + name + '"]');
      if (box) charts[name].plot.setSize({ width: chartWidth(box), height: 220 });
    });
  });

  // Who leads: this replica, another one, or nobody yet.
  function leaderText(l) {
    var me = l.replicaId ? ' (' + l.replicaId + ')' : '';
    if (l.mode === 'single') return 'leader: this process (single replica)';
    if (l.role === 'leader') return 'leader: this replica' + me + ', term ' + l.term;
    if (l.role === 'follower') return 'leader: ' + (l.leaderId ? 'replica ' + l.leaderId : 'another replica') + '; this one' + me + ' follows';
    return 'leader: none known; this replica' + me + ' is ' + l.role;
  }

  function drawPlan(group, container, badge) {
    container.replaceChildren();
    var plan = group.plan;
    badge.className = 'badge' + (group.paused ? ' paused' : plan ? ' ' + plan.direction : '');
    if (!plan) {
      badge.textContent = group.paused ? 'paused' : 'no plan yet';
      container.appendChild(el('p', { class: 'muted', text: 'min ' + group.min + ', max ' + group.max + '; waiting for the first cycle' }));
      return;
    }
    var arrow = plan.direction === 'none' ? 'hold at ' + plan.current : plan.current + ' → ' + plan.target;
    badge.textContent = (group.paused ? 'paused · ' : '') + arrow;
    container.appendChild(el('div', { text: 'plan at ' + time(plan.at) + ': ' + plan.direction + ' (min ' + group.min + ', max ' + group.max + ')' }));
    container.appendChild(el('ul', { class: 'reasons' }, plan.reasons.map(function (r) { return el('li', { text: r }); })));
    if (plan.removals.length) {
      container.appendChild(el('ul', { class: 'reasons' }, plan.removals.map(function (r) {
        return el('li', { text: 'remove ' + r.hostname + (r.instanceId ? ' (' + r.instanceId + ')' : '') + ': ' + r.reason });
      })));
    }
  }

  function drawInFlight(ops) {
    var body = document.querySelector('[data-testid="in-flight"] tbody');
    body.replaceChildren();
    if (!ops.length) body.appendChild(el('tr', {}, [el('td', { colspan: '4', class: 'muted', text: 'none' })]));
    ops.forEach(function (o) {
      body.appendChild(el('tr', {}, [o.group, o.kind, o.detail, time(o.since)].map(function (t) { return el('td', { text: t }); })));
    });
  }

  function drawEvents(events) {
    var list = document.querySelector('[data-testid="event-log"]');
    list.replaceChildren();
    events.slice().reverse().forEach(function (e) {
      list.appendChild(el('li', { class: e.level, 'data-seq': String(e.seq) , text: time(e.at) + ' ' + (e.group ? '[' + e.group + '] ' : '') + e.message }));
    });
  }

  function sourceText(name, s) {
    if (!s) return '';
    if (s.mode === 'events') return name + ': events';
    return name + ': polled' + (s.refused ? ' (no event stream served)' : s.connected ? ' (catching up)' : '');
  }

  function draw(status) {
    var l = status.leader;
    setText('leader', leaderText(l));
    var c = status.lastCycle;
    setText('last-cycle', c ? 'last cycle: ' + time(c.at) + (c.ok ? '' : ' failed: ' + (c.error ? c.error.message : '')) + (c.skipped ? ' (no action: ' + c.skipped + ')' : '') : 'last cycle: none yet');
    setText('ready', (status.ready ? 'ready' : 'not ready') + (status.dryRun ? ' · dry run' : ''));
    var src = status.sources || {};
    setText('sources', [sourceText('Mesos', src.mesos), sourceText('Marathon', src.marathon)].filter(Boolean).join(' · '));
    status.groups.forEach(function (g) {
      var section = groupSection(g.name);
      drawPlan(g, section.querySelector('[data-testid="plan-' + g.name + '"]'), section.querySelector('[data-testid="direction-' + g.name + '"]'));
      drawChart(g, section.querySelector('[data-testid="chart-' + g.name + '"]'));
    });
    drawInFlight(status.inFlight);
    drawEvents(status.events);
    redraws += 1;
    document.body.dataset.redraws = String(redraws);
    document.body.dataset.lastUpdate = String(status.now) + '-' + redraws;
  }

  function poll() {
    // Relative to the page: behind DC/OS adminrouter it is served at /service/<name>/.
    fetch('status', { cache: 'no-store' })
      .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
      .then(function (status) { draw(status); setText('connection', ''); })
      .catch(function (e) { setText('connection', 'cannot reach the autoscaler: ' + e.message); })
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  poll();
})();
