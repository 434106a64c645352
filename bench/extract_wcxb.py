"""WCXB articles: corroborate's output and trafilatura's, scored in the same run.
usage: extract_wcxb.py WCXB_SPLIT_DIR OURS_JSONL  -> prints JSON {ours: {...}, trafilatura: {...}}

Word F1 per page (WCXB's own `word_f1`: \\w+ tokens, lowercased, bag of words; an empty gold text
scores 1 for an empty extraction and 0 otherwise), averaged over pages; publication-date accuracy
(first 10 characters equal, over pages with a gold `publish_date`); author accuracy (lowercased
alphanumeric words equal, over pages with a gold `author`). The shared `extract_eval.py wcxb` stops
with a KeyError on the ground-truth files that lack `main_content`; this one scores them."""
import glob, gzip, json, os, re, sys, time
from collections import Counter

data, ours_path = sys.argv[1:3]


def toks(t):
    return re.findall(r"\w+", (t or "").lower())


def word_f1(pred, gold):
    a, b = Counter(toks(pred)), Counter(toks(gold))
    if not b:
        return 1.0 if not a else 0.0
    if not a:
        return 0.0
    i = sum((a & b).values())
    p, r = i / sum(a.values()), i / sum(b.values())
    return 2 * p * r / (p + r) if p + r else 0.0


def norm_author(s):
    return " ".join(re.findall(r"[^\W_]+", (s or "").lower()))


pages = {}
for p in sorted(glob.glob(f"{data}/ground-truth/*.json")):
    g = json.load(open(p))["ground_truth"]
    k = os.path.basename(p)[:-5]
    pages[k] = (f"{data}/html/{k}.html.gz", g.get("main_content") or "", g.get("publish_date"), g.get("author"))

ours = {}
for line in open(ours_path):
    o = json.loads(line)
    ours[os.path.basename(o.get("path", "")).split(".")[0]] = {
        "text": o.get("text") or "", "date": o.get("date"), "author": " ".join(o.get("authors") or [])}

import trafilatura

t0 = time.time()
traf = {}
for k, (p, _, _, _) in pages.items():
    html = gzip.open(p, "rt", errors="replace").read()
    meta = trafilatura.extract_metadata(html)
    traf[k] = {"text": trafilatura.extract(html) or "", "date": meta.date if meta else None,
               "author": (meta.author if meta else None) or ""}
secs = time.time() - t0


def score(res):
    f = 0.0
    dn = dok = an = aok = 0
    for k, (_, gold, gdate, gauthor) in pages.items():
        o = res.get(k) or {}
        f += word_f1(o.get("text") or "", gold)
        if gdate:
            dn += 1
            dok += str(o.get("date") or "")[:10] == gdate[:10]
        if gauthor:
            an += 1
            mine = norm_author(o.get("author"))
            aok += bool(mine) and mine == norm_author(gauthor)
    return {"F1": round(f / len(pages), 4), "date_acc": round(dok / max(dn, 1), 4), "dates": f"{dok}/{dn}",
            "author_acc": round(aok / max(an, 1), 4), "authors": f"{aok}/{an}", "pages": len(pages)}


print(json.dumps({"ours": score(ours), "trafilatura": dict(score(traf), seconds=round(secs, 2),
                                                             pages_per_s=round(len(pages) / secs, 1))}))
