"""trafilatura-eval snippets, scored for corroborate's output and for trafilatura in the same run.
usage: extract_snippets.py TRAFILATURA_EVAL_DIR OURS_JSONL  -> prints JSON {ours: {...}, trafilatura: {...}}
A must-contain snippet found is a true positive, missed a false negative; a must-not-contain
snippet found is a false positive, avoided a true negative (trafilatura's own evaluation)."""
import gzip, json, os, sys, time

data, ours_path = sys.argv[1:3]
ev = json.load(open(os.path.join(data, "evaldata.json")))
ours = {}
for line in open(ours_path):
    o = json.loads(line)
    ours[os.path.basename(o["path"])] = o.get("text") or ""

import trafilatura
t0 = time.time()
traf = {}
for v in ev.values():
    html = gzip.open(os.path.join(data, "html", v["file"] + ".gz"), "rt", errors="replace").read()
    traf[v["file"]] = trafilatura.extract(html) or ""
secs = time.time() - t0

def score(res):
    tp = fn = fp = tn = 0
    for v in ev.values():
        text = res.get(v["file"], "")
        for s in v.get("with", []):
            if s in text: tp += 1
            else: fn += 1
        for s in v.get("without", []):
            if s in text: fp += 1
            else: tn += 1
    p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1)
    return {"found": round(tp / max(tp + fn, 1), 4), "avoided": round(tn / max(tn + fp, 1), 4),
            "P": round(p, 4), "R": round(r, 4), "F1": round(2 * p * r / max(p + r, 1e-9), 4),
            "accuracy": round((tp + tn) / max(tp + tn + fp + fn, 1), 4)}

print(json.dumps({"ours": score(ours), "trafilatura": dict(score(traf), seconds=round(secs, 2), pages=len(ev))}))
