"""Rebuilds the MEANTIME cases of test_data/stories from ../shared/data/meantime-en/meantime.conll.

usage: python3 test_data/meantime.py   (from the repository root)

MEANTIME (CC BY 4.0) keeps Wikinews articles as tokens, one sentence a row group. Tokens are
re-joined with spaces; the space before closing punctuation, clitics and closing quotes and the
one after opening quotes are removed. The first sentence is the title, the second the date; the
rest is the text, three sentences a paragraph.
"""
import collections, datetime, json, os, re

HERE = os.path.dirname(os.path.abspath(__file__))
CONLL = os.path.join(HERE, "..", "..", "shared", "data", "meantime-en", "meantime.conll")


def read_docs():
    docs = collections.OrderedDict()
    for line in open(CONLL, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        docs.setdefault(f[0], collections.OrderedDict()).setdefault(int(f[1]), []).append(f[3])
    return docs


def detok(words):
    s = " ".join(words)
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    s = re.sub(r'" (.*?) "', r'"\1"', s)
    s = re.sub(r"`` ?", '"', s)
    s = re.sub(r" ?''", '"', s)
    s = re.sub(r"([“‘]) ", r"\1", s)
    s = re.sub(r" ([”’])", r"\1", s)
    return s


def article(docs, doc):
    s = [detok(w) for _, w in sorted(docs[doc].items())]
    title, date, body = s[0], s[1], s[2:]
    d = datetime.datetime.strptime(date.replace(",", ""), "%B %d %Y").strftime("%Y-%m-%d")
    paras = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
    return title, d, "\n\n".join(paras)


def main():
    docs = read_docs()
    out = os.path.join(HERE, "stories")
    pile = os.path.join(out, "meantime-jsonl-two-stories")
    os.makedirs(pile, exist_ok=True)
    with open(os.path.join(pile, "articles.jsonl"), "w", encoding="utf-8") as f:
        for doc in ["corpus_gm/127226", "corpus_gm/127227", "corpus_stock/113227", "corpus_stock/113267"]:
            t, d, body = article(docs, doc)
            rec = {"id": "wikinews-" + doc.split("/")[1], "outlet": "en.wikinews.org", "title": t,
                   "date": d, "url": None, "text": body}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    np = os.path.join(out, "meantime-newsplease")
    os.makedirs(np, exist_ok=True)
    t, d, body = article(docs, "corpus_apple/287096")
    rec = {"authors": [], "date_download": None, "date_modify": None, "date_publish": d + " 00:00:00",
           "description": None, "filename": None, "image_url": None, "language": "en",
           "localpath": None, "maintext": body, "source_domain": "en.wikinews.org", "title": t,
           "title_page": None, "title_rss": None, "url": None}
    with open(os.path.join(np, "wikinews-287096.json"), "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=2, ensure_ascii=False)
        f.write("\n")


main()
