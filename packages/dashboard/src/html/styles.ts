/** The one stylesheet, inline in every page: nothing is loaded from elsewhere. */
export const STYLES = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d232a;color:#fff;padding:.6rem 1rem}
header nav{display:flex;gap:1.2rem;align-items:center}
header a{color:#cfe3ff;text-decoration:none}
main{padding:1rem 1.5rem;max-width:1200px}
h1{font-size:1.4rem;margin:.4rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #dde1e6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid #dde1e6;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
.flash{padding:.5rem .8rem;border-radius:4px}
.flash.success{background:#e3f6e8;border:1px solid #7cc48f}
.flash.error{background:#fdeaea;border:1px solid #e08a8a}
.badge{background:#d9822b;color:#fff;border-radius:3px;padding:0 .4rem;font-size:.8rem}
form.inline{display:inline}
button{cursor:pointer}
.muted{color:#68727d}
.filters{display:flex;gap:.6rem;align-items:end;margin-bottom:.8rem;flex-wrap:wrap}
svg.chart{background:#fff;border:1px solid #dde1e6;max-width:100%;height:auto}
.legend{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle}
.legend.handled{background:#3b7dd8}
.legend.failed{background:#d9534f}
.filters label{display:flex;flex-direction:column;font-size:.85rem}
`;
