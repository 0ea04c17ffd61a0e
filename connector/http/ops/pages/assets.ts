/** The dashboard's one stylesheet, served at /ops/assets/ops.css (CSP: styles from self only). */
export const OPS_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #1d2430; color: #fff; }
header a { color: #cfd8e6; text-decoration: none; margin-right: 1rem; }
header a[aria-current] { color: #fff; border-bottom: 2px solid #6cb4ff; }
header .logout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: .7rem; }
.card { background: #fff; border: 1px solid #e3e6eb; border-radius: 6px; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.4rem; }
.ok { color: #17803d; } .bad { color: #b42318; } .muted { color: #6b7280; }
.flash { background: #e7f6ec; border: 1px solid #9bd5ad; padding: .5rem .8rem; }
.error { background: #fdecea; border: 1px solid #f2a7a0; padding: .5rem .8rem; }
pre { background: #fff; border: 1px solid #e3e6eb; padding: .6rem; overflow: auto; max-height: 28rem; font-size: .82rem; }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .8rem; }
form.filters label, form.login label { display: flex; flex-direction: column; font-size: .8rem; }
form.login { display: grid; gap: .7rem; max-width: 22rem; }
button { cursor: pointer; padding: .3rem .7rem; border: 1px solid #9aa4b2; border-radius: 4px; background: #fff; }
button.primary { background: #1f6feb; border-color: #1f6feb; color: #fff; }
svg.chart { background: #fff; border: 1px solid #e3e6eb; }
dl.story { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.story dt { font-weight: 600; }
`;
