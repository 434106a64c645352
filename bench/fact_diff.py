"""Which multi-article facts a change to the aligner adds, on the labelled story sets.

usage: python3 bench/fact_diff.py OLD_BINARY NEW_BINARY [MODEL]
Splits ../shared/data/stories/{basil,ecbplus}.jsonl into one JSONL file per labelled story,
runs `BINARY digest --format json --model MODEL FILE` (MODEL: none, static or transformer;
default static) with both binaries on each, and prints every fact of two or more statements
that the new binary gives and the old one does not (each statement: article id and text), then
their number. An aligner change that claims to join only what states the same thing should
print few, and each printed join should read as one claim.
"""
import collections, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STORIES = os.path.join(HERE, "..", "..", "shared", "data", "stories")


def facts(binary, path, model):
    out = subprocess.run(
        [binary, "digest", "--format", "json", "--model", model, path], capture_output=True
    )
    if out.returncode != 0:
        sys.exit(f"{binary} failed on {path}: {out.stderr.decode(errors='replace')}")
    d = json.loads(out.stdout)
    return {
        tuple(sorted((v["article"], v["text"]) for v in f["variants"]))
        for s in d.get("stories", [d])
        for f in s["facts"]
    }


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    model = sys.argv[3] if len(sys.argv) > 3 else "static"
    added = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["basil", "ecbplus"]:
            groups = collections.defaultdict(list)
            with open(os.path.join(STORIES, f"{name}.jsonl"), encoding="utf-8") as f:
                for line in f:
                    groups[json.loads(line)["story"]].append(line)
            for story, lines in sorted(groups.items()):
                path = os.path.join(tmp, f"{story}.jsonl")
                with open(path, "w", encoding="utf-8") as f:
                    f.write("".join(lines))
                for fact in sorted(facts(new, path, model) - facts(old, path, model)):
                    if len(fact) < 2:
                        continue
                    added += 1
                    print(f"== {story}")
                    for article, text in fact:
                        print(f"   {article}: {text[:200]}")
    print(f"multi-article facts the new binary adds ({model}): {added}")


if __name__ == "__main__":
    main()
