"""Quote attribution on PolNeAR, scored by ../shared/peers/polnear_score.py (the shared scorer).

usage: python3 bench/polnear_quotes.py BINARY SPLIT_DIR...
Runs `BINARY digest --format json FILE` on every article of each split and prints
precision, recall, F1 and the number of gold quotes, plus articles per second.
"""
import json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "peers"))
import polnear_score  # noqa: E402

binary = sys.argv[1]


def digest(path):
    out = subprocess.run([binary, "digest", "--format", "json", path], capture_output=True)
    try:
        return json.loads(out.stdout)
    except ValueError:
        return {}


for split in sys.argv[2:]:
    t = time.time()
    p, r, f, n = polnear_score.score(split, digest)
    dt = time.time() - t
    files = len(os.listdir(os.path.join(split, "text")))
    print(f"{os.path.basename(split.rstrip('/'))}: P/R/F1/n = {p:.3f} {r:.3f} {f:.3f} {n}  ({files / dt:.0f} articles/s incl. process start)")
