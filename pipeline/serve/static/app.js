// xxgk serve: the little the pages need beyond HTML. No framework, no request to another site.
"use strict";

// A newer version of the warehouse: ask the server every 15 s whether the published file is
// still the one this page was built from.
(function versionPoll() {
  const token = document.body.dataset.version;
  const banner = document.getElementById("newer");
  if (!token || !banner) return;
  const check = () => {
    fetch("/api/version?v=" + encodeURIComponent(token), {credentials: "same-origin", cache: "no-store"})
      .then(r => r.ok ? r.json() : null)
      .then(j => { if (j && j.newer) { banner.hidden = false; } })
      .catch(() => {});
  };
  setInterval(check, 15000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) check(); });
})();

// Sortable tables: a click on a header sorts the rows by that column (numbers as numbers).
function sortKey(td) {
  if (!td) return {num: false, v: ""};
  const raw = td.dataset.sort !== undefined ? td.dataset.sort : td.textContent.trim();
  const t = raw.replace(/[,\s]|个百分点|%/g, "");
  if (t !== "" && t !== "—" && !isNaN(Number(t))) return {num: true, v: Number(t)};
  return {num: false, v: raw};
}
document.querySelectorAll("table.sortable").forEach(table => {
  const ths = table.querySelectorAll("thead th");
  ths.forEach((th, col) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const asc = !th.classList.contains("sorted-asc");
      ths.forEach(h => h.classList.remove("sorted-asc", "sorted-desc"));
      th.classList.add(asc ? "sorted-asc" : "sorted-desc");
      const keys = new Map(rows.map(r => [r, sortKey(r.cells[col])]));
      rows.sort((a, b) => {
        const x = keys.get(a), y = keys.get(b);
        let c;
        if (x.num && y.num) c = x.v - y.v;
        else if (x.num !== y.num) c = x.num ? -1 : 1;
        else c = String(x.v).localeCompare(String(y.v), "zh-CN");
        return asc ? c : -c;
      });
      rows.forEach(r => body.appendChild(r));
    });
  });
});

// The report page: a click on a cell opens the source panel at the cell's line.
(function reportPanel() {
  const panel = document.getElementById("panel");
  if (!panel) return;
  const id = panel.dataset.report;
  const body = document.getElementById("panel-body");
  const where = document.getElementById("panel-where");
  let selected = null;
  const show = (line, label) => {
    panel.hidden = false;
    where.textContent = label || (line ? "第 " + line + " 行" : "");
    fetch("/report/" + encodeURIComponent(id) + "/source?line=" + encodeURIComponent(line || 0), {credentials: "same-origin"})
      .then(r => r.text().then(t => ({ok: r.ok, t})))
      .then(({ok, t}) => {
        body.innerHTML = ok ? t : "";
        if (!ok) body.textContent = t;
        const hit = body.querySelector(".ln.hl");
        if (hit) hit.scrollIntoView({block: "center"});
      })
      .catch(e => { body.textContent = String(e); });
  };
  const pick = td => {
    if (selected) selected.classList.remove("selected");
    selected = td;
    td.classList.add("selected");
    show(td.dataset.line, td.title);
  };
  document.querySelectorAll("td.cell").forEach(td => {
    if (!td.dataset.state && !td.dataset.line) return;
    td.addEventListener("click", () => pick(td));
    td.addEventListener("keydown", e => { if (e.key === "Enter") pick(td); });
  });
  document.querySelectorAll("a.line").forEach(a => a.addEventListener("click", e => {
    e.preventDefault();
    show(a.dataset.line, "");
  }));
  document.querySelectorAll("a.goto").forEach(a => a.addEventListener("click", () => {
    const td = document.getElementById(a.getAttribute("href").slice(1));
    if (td && td.classList.contains("cell")) pick(td);
  }));
  document.getElementById("panel-close").addEventListener("click", () => { panel.hidden = true; });
  // arriving with #c-… (from the data quality page): open that cell
  if (location.hash.startsWith("#c-")) {
    const td = document.getElementById(location.hash.slice(1));
    if (td) { td.scrollIntoView({block: "center"}); pick(td); }
  }
})();

// The SQL page: Ctrl+Enter runs; a view's name inserts a query on it.
(function sqlPage() {
  const text = document.getElementById("sql-text");
  if (!text) return;
  text.addEventListener("keydown", e => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      document.getElementById("run").click();
    }
  });
  document.querySelectorAll("a.insert").forEach(a => a.addEventListener("click", e => {
    e.preventDefault();
    text.value = "select *\nfrom " + a.dataset.view + "\nlimit 100";
    text.focus();
  }));
})();

// The report page: why each version is, or is not, the report of record, loaded after the page.
(function versionReasons() {
  const cells = document.querySelectorAll("#version-table td.why");
  if (cells.length === 0) return;
  const panel = document.getElementById("panel");
  const id = panel && panel.dataset.report;
  if (!id) return;
  fetch("/report/" + encodeURIComponent(id) + "/versions", {credentials: "same-origin"})
    .then(r => r.ok ? r.text() : Promise.reject(r.status))
    .then(t => {
      const box = document.createElement("div");
      box.innerHTML = t;
      box.querySelectorAll("tr[data-id]").forEach(tr => {
        const td = document.querySelector('#version-table td.why[data-id="' + tr.dataset.id + '"]');
        const reason = tr.querySelector("td.reason");
        if (td && reason) td.innerHTML = reason.innerHTML;
      });
    })
    .catch(() => {});
})();
