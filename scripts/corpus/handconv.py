"""Turn hand-written corpus batches into hand_*.jsonl records.

The hand-written messages are authored in a compact line format and appended to
paseban/nlp/corpus/hand_*.jsonl with the next free "h-NNNNN" id::

    #> hand_aduan_jalan.jsonl aduan jalan normal     target file and default labels
    i min jln deket psr bogor bolong2 parahhh 😡 ¦ u=tinggi; l=Pasar Bogor

The first character is the platform (i=instagram f=facebook w=whatsapp x=x y=youtube
t=tiktok). After "¦" come overrides: i= intent, t= topic, u= urgency, k= kelurahan (name or
alias; "-" for none), kc= kecamatan name, s= street, rt=, rw=, l= landmark, g=+ (same group
as the previous line: a paraphrase). Unambiguous kelurahan/kecamatan names and RT/RW numbers
in the text are filled in automatically; explicit values win. Warnings are printed for
anything that looks like a place but is not labelled.

Usage: python scripts/corpus/handconv.py BATCH.txt [--dry]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refdata import (
    AMBIGUOUS_NAMES,
    EXTRA_SPELLINGS,
    INTENTS,
    KECAMATAN,
    KELURAHAN,
    LANDMARKS,
    TOPICAL_INTENTS,
    TOPICS,
    URGENCIES,
    kecamatan_of,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "paseban" / "nlp" / "corpus"
PLATFORM_LETTERS = {
    "i": "instagram",
    "f": "facebook",
    "w": "whatsapp",
    "x": "x",
    "y": "youtube",
    "t": "tiktok",
}


def norm(s: str) -> str:
    return " " + re.sub(r"[^0-9a-z]+", " ", s.lower()).strip() + " "


def spelling_table() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for code, (name, aliases) in KELURAHAN.items():
        for sp in (name, *aliases, *EXTRA_SPELLINGS.get(code, ())):
            out.append((norm(sp), code))
    out.sort(key=lambda p: -len(p[0]))
    return out


SPELLINGS = spelling_table()
KEC_BY_NAME = {norm(n): c for c, n in KECAMATAN.items()}


def resolve_kel(value: str) -> str:
    key = norm(value)
    for sp, code in SPELLINGS:
        if sp == key:
            return code
    raise SystemExit(f"unknown kelurahan {value!r}")


def resolve_kec(value: str) -> str:
    key = norm(value)
    if key in KEC_BY_NAME:
        return KEC_BY_NAME[key]
    raise SystemExit(f"unknown kecamatan {value!r}")


def detect_places(text: str) -> tuple[set[str], set[str], set[str]]:
    """Return (kelurahan codes, ambiguous kelurahan codes, kecamatan codes) seen in text."""
    t = norm(text)
    kels: set[str] = set()
    amb: set[str] = set()
    consumed = t
    for sp, code in SPELLINGS:
        if sp in consumed:
            if sp.strip() in AMBIGUOUS_NAMES and not re.search(r" (kel|kelurahan)" + sp, t):
                amb.add(code)
            else:
                kels.add(code)
            consumed = consumed.replace(sp, " # ")
    kecs = {c for n, c in KEC_BY_NAME.items() if n in t}
    # "tanah sareal" alone is the kelurahan; with kec./kecamatan in front it is the kecamatan
    if "32.71.06.1001" in kels and re.search(r" (kec|kecamatan) tanah (sareal|sereal) ", t):
        kels.discard("32.71.06.1001")
    elif "32.71.06.1001" in kels:
        kecs.discard("32.71.06")
    return kels, amb, kecs


RT_RE = re.compile(r"\brt\.?\s*0*(\d{1,3})\b", re.I)
RW_RE = re.compile(r"\brw\.?\s*0*(\d{1,3})\b", re.I)
RTRW_SLASH_RE = re.compile(r"\brt\.?\s*0*(\d{1,3})\s*/\s*(?:rw\.?\s*)?0*(\d{1,3})\b", re.I)


def two(n: str) -> str:
    return f"{int(n):02d}"


def existing() -> tuple[int, set[str]]:
    max_id = 0
    texts: set[str] = set()
    for path in sorted(CORPUS.glob("hand*_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                if rec["id"].startswith("h-"):  # the second batch numbers its own h2- ids
                    max_id = max(max_id, int(rec["id"].split("-")[1]))
                texts.add(rec["text"])
    return max_id, texts


def parse_meta(meta: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in meta.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


def main(argv: list[str]) -> int:
    src = Path(argv[1])
    dry = "--dry" in argv
    max_id, seen = existing()
    target = None
    d_intent = d_topic = d_urg = None
    out: dict[str, list[dict[str, object]]] = {}
    prev_group = None
    problems = 0
    for lineno, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or (line.startswith("#") and not line.startswith("#>")):
            continue
        if line.startswith("#>"):
            parts = line[2:].split()
            target, d_intent, d_topic, d_urg = parts[0], parts[1], parts[2], parts[3]
            continue
        if target is None:
            raise SystemExit(f"{src}:{lineno}: no #> header yet")
        plat, _, rest = line.partition(" ")
        if plat not in PLATFORM_LETTERS:
            raise SystemExit(f"{src}:{lineno}: bad platform {plat!r}")
        text, _, meta_s = rest.partition(" ¦ ")
        text = text.strip()
        meta = parse_meta(meta_s)
        intent = meta.get("i", d_intent)
        topic = meta.get("t", d_topic)
        urg = meta.get("u", d_urg)
        if intent not in TOPICAL_INTENTS:
            topic = None
            if "u" not in meta:
                urg = "normal"
        if (
            intent not in INTENTS
            or urg not in URGENCIES
            or (topic is not None and topic not in TOPICS)
        ):
            raise SystemExit(f"{src}:{lineno}: bad labels {intent} {topic} {urg}")
        if intent in TOPICAL_INTENTS and topic is None:
            raise SystemExit(f"{src}:{lineno}: topic missing")
        kels, amb, kecs = detect_places(text)
        kel = kec = None
        landmark = meta.get("l") or None
        if "k" in meta:
            kel = None if meta["k"] == "-" else resolve_kel(meta["k"])
        elif landmark and LANDMARKS.get(landmark):
            kel = LANDMARKS[landmark]
        elif len(kels) == 1:
            kel = next(iter(kels))
        elif len(kels) > 1:
            print(f"WARN {src}:{lineno}: several kelurahan {sorted(kels)}: {text}")
            problems += 1
        if amb and "k" not in meta and kel is None:
            print(f"WARN {src}:{lineno}: ambiguous name {sorted(amb)} unlabelled: {text}")
            problems += 1
        if landmark and landmark not in LANDMARKS:
            print(f"note {src}:{lineno}: landmark not in table: {landmark}")
        if "kc" in meta:
            kec = None if meta["kc"] == "-" else resolve_kec(meta["kc"])
        if kel is not None:
            if kec is not None and kec != kecamatan_of(kel):
                raise SystemExit(f"{src}:{lineno}: kecamatan/kelurahan mismatch")
            kec = kecamatan_of(kel)
        elif kec is None and "kc" not in meta and len(kecs) == 1:
            kec = next(iter(kecs))
        elif kec is None and len(kecs) > 1:
            print(f"WARN {src}:{lineno}: several kecamatan: {text}")
        rt = rw = None
        m = RTRW_SLASH_RE.search(text)
        if m:
            rt, rw = two(m.group(1)), two(m.group(2))
        else:
            m1, m2 = RT_RE.search(text), RW_RE.search(text)
            rt = two(m1.group(1)) if m1 else None
            rw = two(m2.group(1)) if m2 else None
        if "rt" in meta:
            rt = None if meta["rt"] == "-" else two(meta["rt"])
        if "rw" in meta:
            rw = None if meta["rw"] == "-" else two(meta["rw"])
        street = meta.get("s") or None
        if street == "-":
            street = None
        if (
            street is None
            and "s" not in meta
            and re.search(r"\b(jl|jln|gg)\b\.?\s*[a-z]", text, re.I)
        ):
            print(f"WARN {src}:{lineno}: jl/gg without street: {text}")
            problems += 1
        if text in seen:
            print(f"ERROR {src}:{lineno}: duplicate text: {text}")
            problems += 1
            continue
        seen.add(text)
        max_id += 1
        rid = f"h-{max_id:05d}"
        group = prev_group if meta.get("g") == "+" and prev_group else rid
        prev_group = group
        rec = {
            "id": rid,
            "text": text,
            "intent": intent,
            "topic": topic,
            "urgency": urg,
            "kelurahan": kel,
            "kecamatan": kec,
            "street": street,
            "rt": rt,
            "rw": rw,
            "landmark": landmark,
            "platform": PLATFORM_LETTERS[plat],
            "source": "hand",
            "group": group,
        }
        out.setdefault(target, []).append(rec)
    total = sum(len(v) for v in out.values())
    if dry:
        for recs in out.values():
            for r in recs:
                print(json.dumps(r, ensure_ascii=False))
        print(f"{total} records (dry run), {problems} warnings")
        return 0
    for target_name, recs in out.items():
        with (CORPUS / target_name).open("a", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {total} records, {problems} warnings, last id h-{max_id:05d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
