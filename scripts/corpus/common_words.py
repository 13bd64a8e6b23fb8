"""Write paseban/nlp/lexicons/common_words.txt: the words that occur three or more times in the
team's corpus of citizen messages (paseban/nlp/corpus/*.jsonl), less the given and family names
of lokal-id's lists. The masker takes none of them for a person's name without a cue.

    .venv/bin/python scripts/corpus/common_words.py
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from lokal.samaran._names import FAMILY_NAMES, GIVEN_NAMES

ROOT = Path(__file__).resolve().parents[2]
HEADER = """# Words common in the team's corpus of citizen messages (paseban/nlp/corpus/*.jsonl), three
# or more times, without the given and family names of lokal-id's lists: a word here is not
# taken for a person's name without a cue. Made by scripts/corpus/common_words.py.
"""


def main() -> None:
    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "paseban/nlp/corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", json.loads(line)["text"]))
    names = GIVEN_NAMES | FAMILY_NAMES
    words = sorted(w for w, n in counts.items() if n >= 3 and w not in names and len(w) > 1)
    target = ROOT / "paseban/nlp/lexicons/common_words.txt"
    target.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} kata ditulis ke {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
