"""Quote attribution on PolNeAR, scored by ../shared/peers/polnear_score.py (the shared scorer).

usage: python3 bench/polnear_quotes.py BINARY SPLIT_DIR...
Runs `BINARY digest --format json FILE` on every article of each split and prints
precision, recall, F1 and the number of gold quotes, plus articles per second; then the share
of matched gold quotes whose speaker is right (the scorer's matching and speaker rule, counted
over every gold quote one of ours matches, whatever its speaker).
"""
import glob, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "peers"))
import polnear_score  # noqa: E402
from polnear_score import PRON, STOP, gold_quotes, words  # noqa: E402

binary = sys.argv[1]
seen = {}


def digest(path):
    out = subprocess.run([binary, "digest", "--format", "json", path], capture_output=True)
    try:
        seen[path] = json.loads(out.stdout)
    except ValueError:
        seen[path] = {}
    return seen[path]


def speaker_share(split):
    """(matched, right): gold direct quotes matched by one of ours, and of those the ones
    whose speaker the scorer would accept."""
    matched = right = 0
    for txt in sorted(glob.glob(f"{split}/text/*.txt")):
        stem = os.path.basename(txt)[:-4]
        anns = sorted(glob.glob(f"{split}/attributions/{stem}_*.ann"))
        if not anns or txt not in seen:
            continue
        gold = gold_quotes(anns[0], open(txt, encoding="utf-8").read())
        ours = [
            (v.get("text", ""), q.get("speaker"))
            for st in seen[txt].get("stories", [])
            for q in st.get("quotes", [])
            for v in q.get("variants", []) or [{"text": q.get("text", "")}]
            if len(words(v.get("text", ""))) >= 4
        ]
        used = set()
        for gc, gs in gold:
            gw = set(words(gc))
            for i, (oc, osp) in enumerate(ours):
                if i in used or len(gw & set(words(oc))) / max(len(gw), 1) < 0.6:
                    continue
                used.add(i)
                gsw = set(words(gs or "")) - STOP
                if gs is None:
                    ok = False
                elif gsw <= PRON:
                    ok = bool(osp)
                else:
                    ok = bool(gsw & (set(words(osp or "")) - STOP))
                matched += 1
                right += ok
                break
    return matched, right


for split in sys.argv[2:]:
    t = time.time()
    p, r, f, n = polnear_score.score(split, digest)
    dt = time.time() - t
    files = len(os.listdir(os.path.join(split, "text")))
    name = os.path.basename(split.rstrip('/'))
    print(f"{name}: P/R/F1/n = {p:.3f} {r:.3f} {f:.3f} {n}  ({files / dt:.0f} articles/s incl. process start)")
    m, ok = speaker_share(split)
    print(f"{name}: right speaker in {ok} of {m} matched gold quotes = {ok / max(m, 1):.3f}")
