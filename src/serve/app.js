"use strict";
const TILES = {AK:[0,0],ME:[0,11],VT:[1,10],NH:[1,11],WA:[2,1],ID:[2,2],MT:[2,3],ND:[2,4],MN:[2,5],IL:[2,6],WI:[2,7],MI:[2,8],NY:[2,9],RI:[2,10],MA:[2,11],
OR:[3,1],NV:[3,2],WY:[3,3],SD:[3,4],IA:[3,5],IN:[3,6],OH:[3,7],PA:[3,8],NJ:[3,9],CT:[3,10],CA:[4,1],UT:[4,2],CO:[4,3],NE:[4,4],MO:[4,5],KY:[4,6],WV:[4,7],VA:[4,8],MD:[4,9],DE:[4,10],
AZ:[5,2],NM:[5,3],KS:[5,4],AR:[5,5],TN:[5,6],NC:[5,7],SC:[5,8],DC:[5,9],OK:[6,4],LA:[6,5],MS:[6,6],AL:[6,7],GA:[6,8],HI:[7,0],TX:[7,4],FL:[7,9]};
const $ = id => document.getElementById(id);
let schema = null, names = {};
const params = new URLSearchParams(location.search);
let states = (params.get("j") || "").split(",").filter(Boolean);
// The date of the events (`d=2018-06-01`); empty means today, which the
// server supplies. It is sent as the fact `as_of`.
let asOf = /^\d{4}-\d{2}-\d{2}$/.test(params.get("d") || "") ? params.get("d") : "";
const dated = () => asOf ? Object.assign({}, facts, {as_of: asOf}) : facts;
// Answers so far, kept in the URL (`f=concern:child_abuse,victim_age:10`)
// so a page can be bookmarked, reloaded or shared with a colleague.
let facts = {};
for (const pair of (params.get("f") || "").split(",").filter(Boolean)) {
  const [k, v] = pair.split(":");
  if (!k || v === undefined) continue;
  facts[k] = v === "true" ? true : v === "false" ? false : /^-?\d+$/.test(v) ? parseInt(v, 10) : v;
}
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}
async function api(path, body) {
  const r = await fetch(path, body ? {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body)} : {});
  return {status: r.status, json: await r.json()};
}
function keepUrl() {
  const p = new URLSearchParams();
  if (states.length) p.set("j", states.join(","));
  const f = Object.entries(facts).map(([k, v]) => k + ":" + v).join(",");
  if (f) p.set("f", f);
  if (asOf) p.set("d", asOf);
  history.replaceState(null, "", "?" + p.toString());
  $("chosen").textContent = states.length ? "Answering for: " + states.map(s => names[s] + " (" + s + ")").join(" and ") : "No state chosen yet.";
}
async function next() {
  keepUrl();
  const form = $("question");
  form.replaceChildren();
  if (!states.length) return;
  for (const j of states) {
    const r = await api("/v1/next-question", {jurisdiction: j, facts: dated()});
    if (r.status !== 200) { form.append(el("p", {}, r.json.error)); return; }
    if (r.json.question) { ask(r.json.question); return; }
  }
  form.append(el("p", {}, "Nothing more to ask."));
  await answer(false);
}
function ask(f) {
  const form = $("question");
  const id = "q-" + f.name;
  form.append(el("label", {for: id}, f.doc || f.name));
  let input;
  if (f.kind.type === "enum") {
    input = el("select", {id});
    for (const v of f.kind.values) input.append(el("option", {value: v.name}, v.doc || v.name));
  } else if (f.kind.type === "bool") {
    input = el("select", {id});
    input.append(el("option", {value: "true"}, "Yes"), el("option", {value: "false"}, "No"));
  } else {
    input = el("input", {id, type: "number", min: f.kind.lo, max: f.kind.hi, required: "", inputmode: "numeric"});
  }
  const go = el("button", {type: "submit", class: "primary"}, "Next");
  form.append(input, go);
  form.onsubmit = ev => {
    ev.preventDefault();
    let v = input.value;
    if (f.kind.type === "bool") v = v === "true";
    else if (f.kind.type === "int") { v = parseInt(v, 10); if (Number.isNaN(v)) return; }
    facts[f.name] = v;
    next();
  };
  input.focus();
}
function card(a) {
  const c = el("div", {class: "card " + a.action});
  c.append(el("h3", {}, a.name + " (" + a.jurisdiction + ")"), el("p", {class: "summary"}, a.summary));
  if (a.citations.length) c.append(el("p", {}, "Under: " + a.citations.join("; ")));
  if (a.notes.length) { const u = el("ul", {}); a.notes.forEach(n => u.append(el("li", {}, n))); c.append(el("details", {}, el("summary", {}, "Notes"), u)); }
  if (a.in_force_since) c.append(el("p", {}, "In force since " + a.in_force_since + (a.as_of ? " (answer for " + a.as_of + ")" : "") + "."));
  if (a.upcoming) c.append(el("p", {class: "upcoming"}, "From " + a.upcoming.from + " this becomes: " + a.upcoming.summary));
  if (a.unverified) c.append(el("p", {class: "unverified"}, "Unverified: " + a.unverified));
  if (a.assumed.length) { const u = el("ul", {}); a.assumed.forEach(x => u.append(el("li", {}, x.meaning))); c.append(el("p", {}, "Assumed (not asked):"), u); }
  const why = el("button", {type: "button"}, "Why?");
  why.onclick = () => answer(true);
  const notice = el("a", {href: "/notice/" + a.jurisdiction + "?format=html" + (asOf ? "&as_of=" + asOf : ""), target: "_blank", rel: "noopener"}, "Printable notice for clients in " + a.name);
  c.append(el("p", {}, why, " ", notice));
  if (a.explain) {
    const u = el("ul", {});
    u.append(el("li", {}, "Rule " + a.rule + (a.explain.condition ? ": when " + a.explain.condition : " (the default)")));
    a.explain.held.forEach(h => u.append(el("li", {}, "held: " + h)));
    a.explain.not_matched.forEach(m => u.append(el("li", {}, m.rule + " did not apply: needs " + m.failed + ", but " + m.actual)));
    c.append(u);
  }
  return c;
}
async function answer(explain) {
  const r = await api("/v1/decide", {jurisdictions: states, facts: dated(), explain});
  const box = $("answer");
  box.replaceChildren();
  if (r.status !== 200) { box.append(el("p", {}, r.json.error)); return; }
  r.json.answers.forEach(a => box.append(card(a)));
  if (r.json.answers.length > 1) {
    const m = r.json.combined;
    const c = el("div", {class: "card " + (m.conflicts.length ? "conflict" : m.action)});
    c.append(el("h3", {}, "Together (" + m.jurisdictions.join(" + ") + ")"), el("p", {class: "summary"}, m.summary));
    m.conflicts.forEach(x => c.append(el("p", {}, x)));
    box.append(c);
  }
  box.append(el("p", {}, r.json.answers[0].disclaimer));
}
async function drawMap() {
  const concern = $("concern").value;
  const age = $("mapage").value;
  const r = await api("/v1/matrix?concern=" + encodeURIComponent(concern) + (age ? "&victim_age=" + encodeURIComponent(age) : "") + (asOf ? "&as_of=" + asOf : ""));
  const map = $("map");
  map.replaceChildren();
  for (const t of r.json.tiles || []) {
    const pos = TILES[t.code]; if (!pos) continue;
    const b = el("button", {type: "button", "data-action": t.action, title: t.name + ": " + t.action.replaceAll("_", " "), "aria-label": t.name + ", " + t.action.replaceAll("_", " ")}, t.code);
    b.style.gridRow = pos[0] + 1; b.style.gridColumn = pos[1] + 1;
    b.onclick = () => { states = [t.code]; facts = {concern}; $("state").value = t.code; next(); };
    map.append(b);
  }
}
async function start() {
  schema = (await api("/v1/schema")).json;
  const list = (await api("/v1/jurisdictions")).json;
  for (const j of list) { names[j.code] = j.name; $("state").append(el("option", {value: j.code}, j.name + " (" + j.code + ")")); }
  const concern = schema.facts.find(f => f.name === "concern");
  for (const v of concern.kind.values) $("concern").append(el("option", {value: v.name}, v.doc || v.name));
  states = states.filter(s => names[s]);
  if (states.length) $("state").value = states[0];
  $("state").onchange = () => { states = [$("state").value]; facts = {}; next(); };
  $("add").onclick = () => { const s = $("state").value; if (!states.includes(s)) states.push(s); facts = {}; next(); };
  $("restart").onclick = () => { facts = {}; $("answer").replaceChildren(el("p", {}, "Answer the questions.")); next(); };
  $("asof").value = asOf;
  $("asof").onchange = () => { asOf = $("asof").value; drawMap(); next(); };
  $("concern").onchange = drawMap;
  $("mapage").onchange = drawMap;
  keepUrl();
  await drawMap();
  if (states.length) await next();
}
start();
