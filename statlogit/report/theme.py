"""The report's stylesheet: system fonts, aligned numbers, phone and print layouts."""

CSS = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --band: #f5f6f8;
        --ok: #1e6b34; --warn: #8a5a00; --fail: #a1151f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 2px solid var(--rule); }
p, li { overflow-wrap: anywhere; }
nav ol { margin: 0; padding-left: 1.25rem; columns: 2 12rem; font-size: 0.95rem; }
nav a { color: #1f5a96; }
.note { color: var(--muted); font-style: italic; }
.table-wrap { overflow-x: auto; margin: 0.35rem 0 1rem; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 0.92rem; }
p.caption { font-weight: 600; margin: 1rem 0 0.35rem; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid var(--ink); white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { font-weight: 600; white-space: nowrap; padding-right: 1.25rem; }
table.facts td { overflow-wrap: anywhere; }
.verdict { font-weight: 600; white-space: nowrap; }
.v-ok { color: var(--ok); } .v-warn { color: var(--warn); } .v-fail { color: var(--fail); }
.v-na { color: var(--muted); font-weight: 400; }
.cards { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 26rem), 1fr)); }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 0.6rem 0.8rem; }
.card h3 { font-size: 1rem; margin: 0 0 0.4rem; display: flex; justify-content: space-between; gap: 0.5rem; }
.card .verdict { text-transform: uppercase; font-size: 0.85rem; }
.card dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.6rem; font-size: 0.92rem; }
.card dt { color: var(--muted); } .card dd { margin: 0; overflow-wrap: anywhere; }
table.data td { min-width: 4rem; }
figure { margin: 1rem 0 1.5rem; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { color: var(--muted); font-size: 0.9rem; text-align: center; margin-top: 0.35rem; }
ul { padding-left: 1.25rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: 0.75rem 0.75rem 2rem; }
  h1 { font-size: 1.35rem; }
  table { font-size: 0.85rem; }
  th, td { padding: 0.25rem 0.4rem; }
  nav ol { columns: 1; }
}
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2, p.caption { break-after: avoid; page-break-after: avoid; }
  .table-wrap { overflow: visible; }
  table, figure, tr, .card { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 5px; }
  thead th { white-space: normal; }
  tbody tr:nth-child(even) { background: none; }
  .cards { display: block; } .card { margin-bottom: 0.4rem; }
  figure img { max-width: 100%; max-height: 10cm; width: auto; height: auto; }
  a { color: inherit; text-decoration: none; }
}
"""
