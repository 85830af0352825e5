// The Switchboard fleet console: renders the document pushed by /v1/events (server-sent events).
// Values from the store are only ever set as text (textContent), never parsed as HTML.
"use strict";
(function () {
  var doc = null;          // the last document
  var filterText = "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function age(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return "";
    var s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 60) return s + "s";
    if (s < 3600) return Math.floor(s / 60) + "m" + (s % 60 ? " " + (s % 60) + "s" : "");
    if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
    return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
  }

  function ageSpan(iso) {
    var a = el("span", "age", age(iso));
    a.setAttribute("data-since", iso);
    a.title = "since " + iso;
    return a;
  }

  function stateBadge(state) {
    return el("span", "state " + (/^[A-Z]+$/.test(state) ? state : "none"), state);
  }

  function globMatcher(text) {
    if (!text) return function () { return true; };
    if (text.indexOf("*") < 0 && text.indexOf("?") < 0) return function (s) { return s.indexOf(text) >= 0; };
    var re = new RegExp("^" + text.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
    return function (s) { return re.test(s); };
  }

  function renderHeader(d) {
    document.getElementById("source").textContent = d.store + " " + d.endpoints + " · root " + d.root;
    var conn = document.getElementById("conn");
    if (d.connection !== "connected") {
      conn.setAttribute("data-state", "store-down");
      conn.textContent = "store " + d.connection;
    } else if (!d.synced) {
      conn.setAttribute("data-state", "connecting");
      conn.textContent = "reading the store";
    } else {
      conn.setAttribute("data-state", "live");
      conn.textContent = "live";
    }
    document.body.setAttribute("data-synced", String(d.synced));
  }

  function chips(obj) {
    var td = el("td");
    Object.keys(obj || {}).forEach(function (k) { td.appendChild(el("span", "chip", k + " " + obj[k])); });
    return td;
  }

  function renderRollouts(d) {
    var body = document.querySelector("#rollouts tbody");
    body.textContent = "";
    d.rollouts.forEach(function (r) {
      var tr = el("tr");
      tr.setAttribute("data-rollout", r.service + "/" + r.plugin);
      tr.setAttribute("data-progress", r.progress);
      tr.appendChild(el("td", null, r.service));
      tr.appendChild(el("td", null, r.plugin));
      var flag = el("td", "flag");
      var f = r.flag || {};
      var parts = [];
      if (f.enabled !== undefined) parts.push("enabled " + f.enabled);
      parts.push("rollout " + (f.rollout || "all nodes"));
      if (f.artifact) parts.push("artifact " + f.artifact);
      if (f.canary) parts.push("canary " + f.canary);
      if (f.overrides) parts.push(f.overrides + " node override" + (f.overrides === 1 ? "" : "s"));
      flag.textContent = r.flag ? parts.join(" · ") : "(no desired state)";
      tr.appendChild(flag);
      var prog = el("td", "progress");
      var bar = el("span", "bar" + (r.progress < 100 ? " partial" : ""));
      var fill = el("span");
      fill.style.width = r.progress + "%";
      bar.appendChild(fill);
      bar.title = r.live + " of " + r.desired + " nodes live";
      prog.appendChild(bar);
      prog.appendChild(el("span", "pct", r.progress + "% (" + r.live + "/" + r.desired + " of " + r.nodes + ")"));
      tr.appendChild(prog);
      tr.appendChild(chips(r.states));
      tr.appendChild(chips(r.versions));
      var failing = el("td");
      (r.failing || []).slice(0, 5).forEach(function (x) {
        var line = el("div", "error", x.node + " " + x.state + ": " + x.error);
        line.title = x.error;
        failing.appendChild(line);
      });
      if ((r.failing || []).length > 5) failing.appendChild(el("div", "hint", "… and " + (r.failing.length - 5) + " more"));
      tr.appendChild(failing);
      body.appendChild(tr);
    });
    document.getElementById("rollouts-empty").hidden = d.rollouts.length > 0;
  }

  function renderServices(d) {
    var root = document.getElementById("services");
    root.textContent = "";
    var match = globMatcher(filterText);
    d.services.forEach(function (s) {
      var nodes = s.nodes.filter(function (n) { return match(n.node); });
      root.appendChild(el("h3", null, s.service + " — " + nodes.length + " of " + s.nodes.length + " node" + (s.nodes.length === 1 ? "" : "s")));
      var table = el("table");
      table.setAttribute("data-service", s.service);
      var head = el("tr");
      head.appendChild(el("th", null, "node"));
      head.appendChild(el("th", null, "agent"));
      s.plugins.forEach(function (p) { head.appendChild(el("th", null, p)); });
      var thead = el("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      var body = el("tbody");
      nodes.forEach(function (n) {
        var tr = el("tr");
        tr.setAttribute("data-node", s.service + "/" + n.node);
        tr.appendChild(el("td", null, n.node));
        var a = n.agent || {};
        var agent = el("td", "agent" + (a.attached === false ? " detached" : ""),
          a.attached === undefined ? "?" : (a.attached ? "attached" : "not attached"));
        if (a.hostJava) agent.appendChild(el("span", "age", "java " + a.hostJava));
        if (a.since) agent.appendChild(ageSpan(a.since));
        tr.appendChild(agent);
        var byPlugin = {};
        (n.plugins || []).forEach(function (p) { byPlugin[p.plugin] = p; });
        s.plugins.forEach(function (name) {
          var p = byPlugin[name];
          var td = el("td", "cell");
          td.setAttribute("data-id", s.service + "/" + n.node + "/" + name);
          if (!p) {
            td.textContent = "–";
            td.setAttribute("data-state", "");
          } else {
            var state = p.state || "UNKNOWN";
            td.setAttribute("data-state", state);
            if (p.desired === false && state === "INACTIVE") td.className += " off";
            td.appendChild(stateBadge(state));
            if (p.version) td.appendChild(el("span", "version", p.version));
            if (p.since) td.appendChild(ageSpan(p.since));
            if (p.error) {
              var e = el("div", "error", p.error);
              e.title = p.error;
              td.appendChild(e);
            }
            td.title = "desired " + p.desired + ", generation " + p.generation + (p.sha256 ? ", sha256 " + p.sha256 : "");
          }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      root.appendChild(table);
    });
    document.getElementById("services-empty").hidden = d.services.length > 0;
  }

  function renderFlips(d) {
    var list = document.getElementById("flips");
    list.textContent = "";
    document.getElementById("flips-hint").textContent =
      "flag and state changes seen by this console in the last " + Math.round(d.windowSeconds / 60) + " minutes, newest first";
    d.flips.forEach(function (f) {
      var li = el("li", "flip");
      li.setAttribute("data-kind", f.kind);
      var t = new Date(Date.parse(f.at));
      li.appendChild(el("span", "time", t.toTimeString().slice(0, 8)));
      li.appendChild(el("span", "kind kind-" + f.kind, f.kind));
      var where = f.service + (f.node ? "/" + f.node : "") + (f.plugin ? " " + f.plugin : "");
      li.appendChild(el("span", null, where + " " + f.what + ": "));
      li.appendChild(f.what === "state" ? stateBadge(f.from) : el("code", null, f.from));
      li.appendChild(el("span", "arrow", "→"));
      li.appendChild(f.what === "state" ? stateBadge(f.to) : el("code", null, f.to));
      li.appendChild(ageSpan(f.at));
      list.appendChild(li);
    });
    document.getElementById("flips-empty").hidden = d.flips.length > 0;
  }

  function render() {
    if (!doc) return;
    renderHeader(doc);
    renderRollouts(doc);
    renderServices(doc);
    renderFlips(doc);
    tick();
  }

  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (e) { e.textContent = age(e.getAttribute("data-since")); });
    if (doc) document.getElementById("updated").textContent = "last change " + age(doc.at) + " ago";
  }

  function connect() {
    var source = new EventSource("v1/events");
    source.addEventListener("fleet", function (ev) {
      doc = JSON.parse(ev.data);
      document.body.setAttribute("data-event-id", ev.lastEventId);
      render();
    });
    source.onerror = function () {
      var conn = document.getElementById("conn");
      conn.setAttribute("data-state", "reconnecting");
      conn.textContent = "console unreachable, reconnecting";
    };
  }

  document.getElementById("filter").addEventListener("input", function (e) {
    filterText = e.target.value.trim();
    if (doc) renderServices(doc);
  });
  setInterval(tick, 1000);
  connect();
})();
