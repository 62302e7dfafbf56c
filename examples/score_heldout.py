"""Recall and precision of `foedus check` on a held-out article against its gold file.

    .venv/bin/python examples/score_heldout.py examples/heldout/russia_dprk_treaty.md [--db PATH]

A found claim matches a gold claim when their spans overlap (offsets into the file's text). Extraction:
recall = gold claims found / gold claims, precision = found claims matching a gold claim / found claims.
Verdicts: of the matched claims, how many got the expected verdict (or one the gold file also accepts).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def score(article: Path, con) -> dict:
    from foedus.claims.evaluate import check_text
    from foedus.claims.extract import detect_format

    raw = article.read_text(encoding="utf-8")
    gold = json.loads(article.with_suffix(".gold.json").read_text(encoding="utf-8"))["claims"]
    _, judged = check_text(con, raw, detect_format(raw, article.name))
    found = [j.to_json() for j in judged]

    def overlaps(a, b):
        return a["start"] < b["end"] and b["start"] < a["end"]

    matched = [(g, next((f for f in found if overlaps(f, g)), None)) for g in gold]
    hits = [(g, f) for g, f in matched if f is not None]
    right_kind = sum(g["kind"] == f["kind"] for g, f in hits)
    right = sum(f["verdict"] in [g["expected_verdict"], *g.get("also_acceptable", [])] for g, f in hits)
    spurious = [f for f in found if not any(overlaps(f, g) for g in gold)]
    return {
        "article": article.name, "gold": len(gold), "found": len(found), "matched": len(hits),
        "recall": round(len(hits) / len(gold), 3) if gold else None,
        "precision": round((len(found) - len(spurious)) / len(found), 3) if found else None,
        "kind_agreement": f"{right_kind}/{len(hits)}", "verdict_agreement": f"{right}/{len(hits)}",
        "missed": [g["text"] for g, f in matched if f is None],
        "spurious": [f["text"] for f in spurious],
        "verdict_differences": [{"text": g["text"], "expected": g["expected_verdict"], "got": f["verdict"],
                                 "explanation": f["explanation"]}
                                for g, f in hits if f["verdict"] not in [g["expected_verdict"],
                                                                         *g.get("also_acceptable", [])]],
    }


def main() -> None:
    from foedus.config import db_path
    from foedus.store import connect

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="+", type=Path)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    con = connect(db_path(args.db), read_only=True)
    print(json.dumps([score(a, con) for a in args.articles], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
