"""How well the public masking hides citizens' names and house-level addresses (issue 16).

    .venv/bin/python bench/pii.py          # both sets; the test set is held out (never tuned on)

Prints recall (a labelled span counts only when all its letters and digits are masked),
precision (masked stretches that touch no labelled span are false masks) and how many messages
without personal data lost words anyway."""

from __future__ import annotations

import time

from paseban.nlp import mask_eval


def main() -> None:
    for split in ("dev", "test"):
        rows = mask_eval.load(split)
        started = time.perf_counter()
        result = mask_eval.score(rows)
        elapsed = time.perf_counter() - started
        print(mask_eval.render(split, result))
        print(
            f"{len(rows)} pesan dalam {elapsed:.2f} s ({1000 * elapsed / len(rows):.2f} ms/pesan)"
        )
        print()


if __name__ == "__main__":
    main()
