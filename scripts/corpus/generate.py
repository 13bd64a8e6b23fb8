"""Generate and check the Paseban message-understanding corpus.

    python scripts/corpus/generate.py           # writes paseban/nlp/corpus/generated.jsonl
    python scripts/corpus/generate.py --check   # validates every corpus file, prints counts

The generator composes Indonesian citizen messages (informal, slang, typos, Sundanese and
English mixing, emoji, formal letters) from phrase banks in gen_data.py and place phrases
built from every kelurahan of Kota Bogor with its aliases, misspellings and abbreviations.
It is deterministic: random.Random(20261127), no set iteration, so two runs give
byte-identical output. Python 3.11 standard library only; reference codes are copied into
refdata.py, nothing is read from outside the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_data as D
from refdata import (
    AMBIGUOUS_NAMES,
    EXTRA_SPELLINGS,
    INTENTS,
    KECAMATAN,
    KELURAHAN,
    KEYS,
    LANDMARKS,
    PLATFORMS,
    TOPICAL_INTENTS,
    TOPICS,
    URGENCIES,
    kecamatan_of,
    near_key,
)

SEED = 20261127
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "paseban" / "nlp" / "corpus"
OUT = CORPUS / "generated.jsonl"

# How many generated messages per intent (per topic for the topical intents).
#
# Trimmed (issue 13): real comments (../shared/train, labelled in corpus/real/), real SMS and the
# hand-written files now teach questions, praise, chatter, spam and abuse, and templates taught
# the model template patterns instead of citizens' language. The generator keeps only what real
# text does not cover: complaints about every city topic placed in every kelurahan of Kota Bogor
# (names, misspellings, abbreviations, RT/RW, streets, landmarks), urgent reports, formal
# letters, complaints phrased as questions, and a few placed proposals.
PER_TOPIC = {"aduan": 20, "pertanyaan": 0, "aspirasi": 5}
PER_INTENT = {"apresiasi": 0, "informasi": 0, "spam": 0, "kasar": 0}

# coverage the team's corpus must reach (checked by --check); real comments and SMS add to it
MIN_TOTAL = 3500
MIN_PER_INTENT = 250
MIN_PER_TOPIC = 50
MIN_PER_KECAMATAN = 100
MIN_KELURAHAN_NAMED = 60
MIN_DARURAT = 150
MIN_TINGGI = 300

# topics whose problems sit on a street or near a landmark
STREET_TOPICS = (
    "jalan",
    "drainase",
    "pju",
    "pohon_taman",
    "lalu_lintas",
    "ketertiban",
    "sampah",
    "kebakaran",
    "keamanan",
    "lingkungan",
    "banjir_longsor",
)

# streets: label -> kelurahan code when the street is named after its kelurahan
STREETS: list[tuple[str, str | None]] = [
    ("Jl. Pajajaran", None),
    ("Jl. Raya Pajajaran", None),
    ("Jl. Sholeh Iskandar", None),
    ("Jl. Raya Dramaga", None),
    ("Jl. Abdullah bin Nuh", None),
    ("Jl. Juanda", None),
    ("Jl. Ir. H. Juanda", None),
    ("Jl. Sudirman", None),
    ("Jl. Pemuda", None),
    ("Jl. Raya Pemuda", None),
    ("Jl. Empang", "32.71.01.1003"),
    ("Jl. Batutulis", "32.71.01.1001"),
    ("Jl. Raya Tajur", "32.71.02.1006"),
    ("Jl. Raya Semplak", "32.71.04.1007"),
    ("Jl. Raya Kedung Halang", "32.71.05.1003"),
    ("Jl. Raya Cipaku", "32.71.01.1016"),
    ("Jl. Raya Sindang Barang", "32.71.04.1002"),
    ("Jl. Kebon Pedes", "32.71.06.1002"),
    ("Jl. Raya Cikaret", "32.71.01.1008"),
    ("Jl. Mulyaharja", "32.71.01.1007"),
    ("Jl. Rancamaya", "32.71.01.1010"),
    ("Jl. Raya Katulampa", "32.71.02.1003"),
    ("Jl. Gunung Batu", "32.71.04.1015"),
    ("Jl. Pasir Kuda", "32.71.04.1013"),
    ("Jl. Raya Tanah Baru", "32.71.05.1007"),
    ("Jl. Bantarjati", "32.71.05.1001"),
    ("Jl. Paledang", "32.71.03.1002"),
    ("Jl. Sempur", "32.71.03.1006"),
    ("Jl. Sukasari", "32.71.02.1001"),
    ("Jl. Pamoyanan", "32.71.01.1005"),
    ("Jl. Bondongan", "32.71.01.1002"),
    ("Jl. Lawang Gintung", "32.71.01.1004"),
    ("Jl. Suryakencana", None),
    ("Jl. Otista", None),
    ("Jl. Siliwangi", None),
    ("Jl. Kapten Muslihat", None),
    ("Jl. Dewi Sartika", None),
    ("Jl. Mayor Oking", None),
    ("Jl. Merdeka", None),
    ("Jl. Veteran", None),
    ("Jl. Ahmad Yani", None),
    ("Jl. Pandu Raya", None),
    ("Jl. Bangbarung", None),
    ("Jl. Jalak Harupat", None),
    ("Jl. Salak", None),
    ("Jl. Pangrango", None),
    ("Jl. Dadali", None),
    ("Jl. Malabar", None),
    ("Jl. Lodaya", None),
    ("Jl. Dr. Semeru", None),
    ("Jl. Pahlawan", None),
    ("Jl. Pangeran Sogiri", None),
    ("Jl. KS Tubun", None),
    ("Jl. Tentara Pelajar", None),
    ("Jl. Perintis Kemerdekaan", None),
    ("Jl. Nyi Raja Permas", None),
    ("Jl. MA Salmun", None),
    ("Jl. Binamarga", None),
    ("Jl. Raya Cilendek", None),
]
STREET_KEC = {"Jl. Raya Cilendek": "32.71.04"}
GANGS = [
    "Mawar",
    "Melati",
    "Kenanga",
    "Masjid",
    "Haji Sanusi",
    "Swadaya",
    "Bhakti",
    "Kelor",
    "Dahlia",
    "Sadar",
    "Anggrek",
    "Kemuning",
    "Flamboyan",
    "Nangka",
    "Rambutan",
    "Haji Umar",
    "Mushola",
    "Damai",
    "Sawo",
    "Duku",
]
# landmark label -> text forms (the kelurahan comes from refdata.LANDMARKS)
LANDMARK_FORMS: dict[str, list[str]] = {
    "Pasar Bogor": ["psr bogor", "pasar bogor", "Pasar Bogor"],
    "Kebun Raya": ["kebun raya", "Kebun Raya"],
    "Kebun Raya Bogor": ["kebun raya bogor", "KRB"],
    "Istana Bogor": ["istana bogor"],
    "Balai Kota": ["balai kota", "balkot"],
    "Stasiun Bogor": ["stasiun bogor", "st. bogor"],
    "Botani Square": ["botani square", "botani", "bosq"],
    "Lapangan Sempur": ["lapangan sempur"],
    "Terminal Bubulak": ["terminal bubulak"],
    "Terminal Baranangsiang": ["terminal baranangsiang"],
    "Tugu Kujang": ["tugu kujang"],
    "Pasar Anyar": ["pasar anyar", "psr anyar"],
    "Pasar Kebon Kembang": ["pasar kebon kembang"],
    "Pasar Jambu Dua": ["pasar jambu dua", "psr jambu dua"],
    "Pasar Merdeka": ["pasar merdeka"],
    "Pasar Sukasari": ["pasar sukasari"],
    "Pasar Gunung Batu": ["pasar gunung batu", "psr gn batu"],
    "Pasar Bantarjati": ["pasar bantarjati"],
    "Jembatan Merah": ["jembatan merah"],
    "Bogor Trade Mall": ["btm"],
    "Alun-alun Kota Bogor": ["alun2 kota bogor", "alun-alun kota bogor"],
    "Air Mancur": ["air mancur"],
}
STREET_LANDMARKS = [k for k in LANDMARK_FORMS if not k.startswith("Pasar ")]
PASAR_LANDMARKS = [k for k in LANDMARK_FORMS if k.startswith("Pasar ")]
KEC_FORMS = [
    "kec. {n}",
    "kecamatan {n}",
    "kec {n}",
    "wilayah {n}",
    "daerah {n}",
    "{n}",
    "Kec. {N}",
    "Kecamatan {N}",
]


class Place(dict):
    """A place phrase and the labels it carries."""


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in pairs)
    x = rng.randrange(total)
    for value, w in pairs:
        if x < w:
            return value
        x -= w
    raise AssertionError


class Cycle:
    """Deterministic round-robin over a shuffled list, reshuffled each lap."""

    def __init__(self, rng: random.Random, items: list) -> None:
        self.rng, self.items, self.queue = rng, list(items), []

    def next(self):
        if not self.queue:
            self.queue = list(self.items)
            self.rng.shuffle(self.queue)
        return self.queue.pop()


class Places:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.kel = Cycle(rng, sorted(KELURAHAN))
        self.kec = Cycle(rng, sorted(KECAMATAN))
        self.street = Cycle(rng, STREETS)
        self.street_lm = Cycle(rng, STREET_LANDMARKS)
        self.pasar = Cycle(rng, PASAR_LANDMARKS)

    def spelling(self, code: str, bare: bool = False) -> str:
        name, aliases = KELURAHAN[code]
        spellings = [name, *aliases, *EXTRA_SPELLINGS.get(code, ())]
        sp = self.rng.choice(spellings)
        if self.rng.random() < 0.6:
            sp = sp.lower()
        if bare:
            return sp
        ambiguous = name.lower() in AMBIGUOUS_NAMES
        prefixes = ["kel. ", "kel ", "kelurahan ", "Kel. ", "Kelurahan "]
        if not ambiguous:
            prefixes += ["", "", "", "", "daerah "]
        return self.rng.choice(prefixes) + sp

    def rtrw(self) -> tuple[str, str | None, str | None]:
        rt, rw = self.rng.randint(1, 15), self.rng.randint(1, 20)
        form = self.rng.randrange(8)
        if form == 0:
            return f"rt {rt:02d} rw {rw:02d}", f"{rt:02d}", f"{rw:02d}"
        if form == 1:
            return f"RT {rt} RW {rw}", f"{rt:02d}", f"{rw:02d}"
        if form == 2:
            return f"rt{rt:02d}/rw{rw:02d}", f"{rt:02d}", f"{rw:02d}"
        if form == 3:
            return f"rt {rt}/{rw}", f"{rt:02d}", f"{rw:02d}"
        if form == 4:
            return f"RT.{rt:03d}/RW.{rw:03d}", f"{rt:02d}", f"{rw:02d}"
        if form == 5:
            return f"RT {rt:02d}/RW {rw:02d}", f"{rt:02d}", f"{rw:02d}"
        if form == 6:
            return f"rw {rw}", None, f"{rw:02d}"
        return f"rt {rt}", f"{rt:02d}", None

    def formal_kel_rtrw(self) -> Place:
        code = self.kel.next()
        rt, rw = self.rng.randint(1, 15), self.rng.randint(1, 20)
        name = KELURAHAN[code][0]
        text = self.rng.choice(
            [
                f"RT {rt:02d} RW {rw:02d} Kelurahan {name}",
                f"RT {rt:03d}/RW {rw:03d} Kel. {name}",
                f"RT {rt:02d}/{rw:02d} Kelurahan {name}",
            ]
        )
        return Place(
            text=text,
            kelurahan=code,
            kecamatan=kecamatan_of(code),
            street=None,
            rt=f"{rt:02d}",
            rw=f"{rw:02d}",
            landmark=None,
        )

    def street_text(self, label: str) -> str:
        if label.startswith("Gg. "):
            name = label[4:]
            prefix = self.rng.choice(["gg. ", "gang ", "gg ", "Gg. ", "Gang "])
        else:
            name = label[4:]
            prefix = self.rng.choice(["jl. ", "jln ", "jalan ", "jl ", "Jl. ", "Jln. "])
        if prefix[0].islower() or self.rng.random() < 0.4:
            name = name.lower()
        return prefix + name

    def make(self, kind: str) -> Place:
        p = Place(
            text="", kelurahan=None, kecamatan=None, street=None, rt=None, rw=None, landmark=None
        )
        if kind in ("kel", "kel_rtrw", "gang_kel"):
            code = self.kel.next()
            p["kelurahan"], p["kecamatan"] = code, kecamatan_of(code)
            kel_text = self.spelling(code)
            if kind == "kel":
                p["text"] = kel_text
            elif kind == "kel_rtrw":
                rtrw, p["rt"], p["rw"] = self.rtrw()
                p["text"] = (
                    f"{rtrw} {kel_text}" if self.rng.random() < 0.6 else f"{kel_text} {rtrw}"
                )
            else:
                label = "Gg. " + self.rng.choice(GANGS)
                p["street"] = label
                p["text"] = f"{self.street_text(label)} {kel_text}"
                if self.rng.random() < 0.5:
                    rtrw, p["rt"], p["rw"] = self.rtrw()
                    p["text"] = f"{self.street_text(label)} {rtrw} {kel_text}"
        elif kind == "kec":
            code = self.kec.next()
            name = KECAMATAN[code]
            forms = (
                KEC_FORMS
                if code != "32.71.06"
                else [f for f in KEC_FORMS if f.lower().startswith("kec")]
            )
            if code == "32.71.04" and self.rng.random() < 0.25:
                p["text"] = self.rng.choice(["daerah cilendek", "cilendek", "sekitar cilendek"])
            else:
                p["text"] = self.rng.choice(forms).replace("{n}", name.lower()).replace("{N}", name)
            p["kecamatan"] = code
        elif kind == "street":
            label, code = self.street.next()
            p["street"], p["text"] = label, self.street_text(label)
            if code:
                p["kelurahan"], p["kecamatan"] = code, kecamatan_of(code)
            elif label in STREET_KEC:
                p["kecamatan"] = STREET_KEC[label]
        elif kind in ("landmark", "pasar"):
            label = self.street_lm.next() if kind == "landmark" else self.pasar.next()
            p["landmark"] = label
            p["text"] = self.rng.choice(LANDMARK_FORMS[label])
            code = LANDMARKS.get(label)
            if code:
                p["kelurahan"], p["kecamatan"] = code, kecamatan_of(code)
        else:
            raise ValueError(kind)
        return p

    def for_topic(self, topic: str | None) -> Place:
        if topic in STREET_TOPICS:
            kind = weighted(
                self.rng,
                [
                    ("kel", 40),
                    ("kel_rtrw", 15),
                    ("gang_kel", 8),
                    ("street", 17),
                    ("kec", 10),
                    ("landmark", 10),
                ],
            )
        elif topic == "pasar":
            kind = weighted(self.rng, [("pasar", 60), ("kel", 25), ("kec", 15)])
        else:
            kind = weighted(self.rng, [("kel", 55), ("kel_rtrw", 25), ("kec", 20)])
        return self.make(kind)

    def kel_only(self) -> Place:
        return self.make("kel")

    def bare_kel(self) -> Place:
        code = self.kel.next()
        return Place(
            text=self.spelling(code, bare=True),
            kelurahan=code,
            kecamatan=kecamatan_of(code),
            street=None,
            rt=None,
            rw=None,
            landmark=None,
        )


NO_PLACE = Place(
    text="", kelurahan=None, kecamatan=None, street=None, rt=None, rw=None, landmark=None
)
PLACEHOLDER = "\u0000"


class Noise:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def slang(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            w = m.group(0)
            opts = D.SLANG.get(w.lower())
            if opts and self.rng.random() < 0.5:
                return self.rng.choice(opts)
            return w

        return re.sub(r"[A-Za-z]+", sub, text)

    def repeat(self, text: str) -> str:
        words = [w for w in D.REPEATABLE if re.search(rf"\b{w}\b", text)]
        if not words or self.rng.random() > 0.3:
            return text
        w = self.rng.choice(words)
        return re.sub(rf"\b{w}\b", w + w[-1] * self.rng.randint(2, 4), text, count=1)

    def punct(self, text: str) -> str:
        if "?" in text and self.rng.random() < 0.4:
            text = text.replace("?", self.rng.choice(["??", "???", "?!", "? "]).rstrip(), 1)
        return text

    def case(self, text: str, allow_caps: bool = True) -> str:
        r = self.rng.random()
        if r < 0.55:
            return text.lower()
        if allow_caps and r < 0.62:
            return text.upper()
        return text[:1].upper() + text[1:]

    def apply(self, template: str, place_text: str, formal: bool = False) -> str:
        text = template
        if not formal:
            text = self.slang(text)
            text = self.repeat(text)
            text = self.punct(text)
        text = text.replace(PLACEHOLDER, place_text)
        if not formal:
            text = self.case(text)
        text = re.sub(r"\s+", " ", text).strip()
        text = re.sub(r"\s+([,.!?])", r"\1", text)
        text = re.sub(r",+([.!?:])", r"\1", text)
        return text.strip(" ,")


class Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.places = Places(self.rng)
        self.noise = Noise(self.rng)
        self.records: list[dict[str, object]] = []
        # never repeat a hand-written text
        self.seen: set[str] = set()
        self.seen_keys: dict[str, str] = {}  # near_key -> group
        for path in sorted(CORPUS.glob("hand*_*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    self.seen.add(rec["text"])
                    self.seen_keys.setdefault(near_key(rec["text"]), rec["group"])

    # -- helpers -----------------------------------------------------------------------------
    def c(self, seq):
        return self.rng.choice(seq)

    def emo(self, mood: str) -> str:
        return self.c(D.EMOJI[mood]) if self.rng.random() < 0.55 else ""

    def phone(self) -> str:
        r = self.rng
        if r.random() < 0.3:
            return f"+62 8{r.randint(11, 59)}-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}"
        return f"08{r.randint(11, 99)}{r.randint(1000, 9999)}{r.randint(1000, 9999)}"

    def url(self) -> str:
        return self.c(["bit.ly/", "s.id/", "tinyurl.com/"]) + "".join(
            self.c("abcdefghkmnpqrstuvwxyz23456789") for _ in range(7)
        )

    def add(
        self, text: str, intent: str, topic: str | None, urgency: str, place: Place, group: str
    ) -> bool:
        text = text.strip()
        key = near_key(text)
        if not text or text in self.seen or self.seen_keys.get(key, group) != group:
            return False  # an exact or near duplicate of a message in another group
        self.seen.add(text)
        self.seen_keys[key] = group
        rec = {
            "id": f"g-{len(self.records) + 1:05d}",
            "text": text,
            "intent": intent,
            "topic": topic,
            "urgency": urgency,
            "kelurahan": place["kelurahan"],
            "kecamatan": place["kecamatan"],
            "street": place["street"],
            "rt": place["rt"],
            "rw": place["rw"],
            "landmark": place["landmark"],
            "platform": weighted(self.rng, D.PLATFORM_WEIGHTS),
            "source": "generated",
            "group": group,
        }
        self.records.append(rec)
        return True

    def emit(self, n: int, intent: str, topic: str | None, families: list, tag: str) -> None:
        """Call families round-robin until n new messages are added."""
        made, tries, i = 0, 0, 0
        while made < n and tries < n * 30:
            fam = families[i % len(families)]
            i += 1
            tries += 1
            out = fam()
            if out is None:
                continue
            text, urgency, place = out
            group = f"g-{intent}-{tag}-{fam.__name__}"
            if self.add(text, intent, topic, urgency, place, group):
                made += 1
        if made < n:
            raise SystemExit(f"could not make {n} distinct {intent}/{tag} messages (made {made})")

    # -- aduan -------------------------------------------------------------------------------
    def aduan(self, topic: str) -> None:
        P_all = D.PROBLEMS[topic]
        P = [x for x in P_all if x[1] != "darurat"]  # phrases that fit durations and "slow" remarks
        P_urgent = [x for x in P_all if x[1] == "darurat"]
        Q = D.COMPLAINT_QUESTIONS[topic]
        F = D.FORMAL[topic]
        S = D.SARCASM[topic]
        q_urg = (
            "tinggi"
            if topic
            in ("banjir_longsor", "sampah", "air_bersih", "listrik", "keamanan", "kebakaran")
            else "normal"
        )
        s_urg = "tinggi" if topic in ("sampah", "air_bersih", "listrik") else "normal"
        N = self.noise
        pl = self.places

        def place_for(at: str) -> Place:
            """A place for the clause: a spot ("di ...") or where the writer lives."""
            return pl.for_topic(topic if at.startswith(" di") else None)

        def pick(pool: list[tuple[str, str]]) -> tuple[str, str, str]:
            """A problem phrase, its urgency, and how to attach a place to it."""
            prob, urg = self.c(pool)
            if prob.startswith("~"):
                at = self.c(
                    [
                        f", saya warga {PLACEHOLDER},",
                        f" (warga {PLACEHOLDER})",
                        f", kami warga {PLACEHOLDER},",
                    ]
                )
                return prob[1:], urg, at
            return prob, urg, f" di {PLACEHOLDER}"

        def a_basic():
            prob, urg, at = pick(P)
            p = place_for(at)
            t = f"{self.c(D.OPENERS)} {prob}{at} {self.c(D.DURATIONS)} {self.emo('angry')}"
            return N.apply(t, p["text"]), urg, p

        def a_slow():
            prob, urg, at = pick(P)
            p = place_for(at)
            t = f"{prob}{at} {self.c(D.SLOW)} {self.emo('angry')}"
            return N.apply(t, p["text"]), urg, p

        def a_polite():
            prob, urg, at = pick(P_all)
            p = place_for(at)
            t = f"{self.c(D.OPENERS)}, {prob}{at}. {self.c(D.CLOSERS)} {self.emo('sad')}"
            return N.apply(t, p["text"]), urg, p

        def a_tag():
            prob, urg, at = pick(P)
            p = place_for(at)
            t = f"{PLACEHOLDER}: {prob} {self.c(D.DURATIONS)} {self.emo('sad')}"
            return N.apply(t, p["text"]), urg, p

        def a_noplace():
            prob, urg, _ = pick(P)
            t = f"{self.c(D.OPENERS)} {prob} {self.c(D.DURATIONS)}, {self.c(D.SLOW)} {self.emo('angry')}"
            return N.apply(t, ""), urg, NO_PLACE

        def a_caps():
            prob, urg, at = pick(P)
            p = place_for(at)
            t = f"{prob}{at.replace(PLACEHOLDER, p['text']).rstrip(',')}!!! {self.c(D.SLOW)}".upper()
            return re.sub(r"\s+", " ", t).strip(), urg, p

        def a_warga():
            prob, urg, _ = pick(P)
            p = pl.kel_only() if self.rng.random() < 0.7 else pl.make("kel_rtrw")
            t = f"warga {PLACEHOLDER} ngeluh {prob} {self.c(D.DURATIONS)}. {self.c(D.CLOSERS)}"
            return N.apply(t, p["text"]), urg, p

        def a_sunda():
            prob, urg, at = pick(P)
            p = place_for(at)
            where = (
                f"di {PLACEHOLDER} aya {prob}"
                if at.startswith(" di")
                else f"abdi warga {PLACEHOLDER}, {prob}"
            )
            t = (
                f"{self.c(['punten', 'punten pak', 'sampurasun', 'punten kang'])}, {where}, "
                f"{self.c(['tos lami', 'tos saminggu', 'ti kamari', 'tos sabulan'])} "
                f"{self.c(['teu acan aya nu ngurus', 'mohon dibantosan', 'hatur nuhun', 'kumaha ieu pak'])}"
            )
            return N.apply(t, p["text"]), urg, p

        def a_english():
            prob, urg, at = pick(P)
            p = place_for(at)
            t = (
                f"{prob}{at} "
                f"{self.c(['seriously when will this be fixed?', 'please fix asap', 'this is so bad', 'it has been weeks', 'no response at all'])} "
                f"{self.emo('angry')}"
            )
            return N.apply(t, p["text"]), urg, p

        def a_pii():
            prob, urg, _ = pick(P_all)
            p = pl.make("kel_rtrw")
            nik = "3271" + "".join(str(self.rng.randint(0, 9)) for _ in range(12))
            name = self.c(
                ["Dedi", "Yanti", "Agus", "Rina", "Hendra", "Euis", "Joko", "Siti", "Ujang", "Lina"]
            )
            contact = self.c(
                [
                    f"no hp {self.phone()}",
                    f"wa {self.phone()}",
                    f"NIK {nik}",
                    f"email {name.lower()}{self.rng.randint(70, 99)}@gmail.com",
                    f"NIK {nik}, hp {self.phone()}",
                ]
            )
            t = f"Saya {name}, {contact}, warga {PLACEHOLDER}, mau melaporkan {prob}. Mohon ditindaklanjuti."
            if urg == "darurat":
                t = f"Saya {name}, {contact}, warga {PLACEHOLDER}. Tolong, ada {prob} sekarang! Mohon segera dibantu."
            return N.apply(t, p["text"], formal=True), urg, p

        def q_when():
            qq = self.c(Q)
            p = pl.for_topic(topic) if "{loc}" in qq else NO_PLACE
            if "{kel}" in qq:
                p = pl.bare_kel()
            t = f"kapan {qq.replace('{loc}', PLACEHOLDER).replace('{kel}', PLACEHOLDER)}? {self.c(D.DURATIONS)} {self.emo('angry')}"
            return N.apply(t, p["text"]), q_urg, p

        def q_ask():
            qq = self.c(Q)
            p = pl.for_topic(topic) if "{loc}" in qq else NO_PLACE
            if "{kel}" in qq:
                p = pl.bare_kel()
            t = f"{self.c(D.OPENERS)} mau nanya, kapan {qq.replace('{loc}', PLACEHOLDER).replace('{kel}', PLACEHOLDER)}? {self.c(D.SLOW)}"
            return N.apply(t, p["text"]), q_urg, p

        def f_letter():
            frag, urg = self.c(F)
            p = pl.formal_kel_rtrw()
            t = (
                f"Dengan hormat, kami warga {PLACEHOLDER} ingin menyampaikan bahwa {frag}. "
                f"Mohon kiranya dapat segera ditindaklanjuti. Terima kasih."
            )
            return N.apply(t, p["text"], formal=True), urg, p

        def f_yth():
            frag, urg = self.c(F)
            p = pl.bare_kel()
            name = KELURAHAN[p["kelurahan"]][0]
            p = Place(p, text=name)
            who = self.c(["Bapak Lurah", "Ibu Lurah", "Bapak/Ibu Lurah"])
            t = (
                f"Yth. {who} {PLACEHOLDER}, bersama ini kami melaporkan bahwa {frag}. "
                f"Atas perhatian dan tindak lanjutnya kami ucapkan terima kasih."
            )
            return N.apply(t, p["text"], formal=True), urg, p

        def f_salam():
            frag, urg = self.c(F)
            p = pl.for_topic(topic)
            t = f"Assalamualaikum wr. wb. Mohon izin melaporkan, {frag}, lokasi di {PLACEHOLDER}. Wassalam."
            return N.apply(t, p["text"], formal=True), urg, p

        def s_sarcasm():
            if not S:
                return None
            line = self.c(S)
            p = place_for(line) if self.rng.random() < 0.7 else NO_PLACE
            t = (
                f"{line} {self.emo('sarcasm')} {PLACEHOLDER}"
                if p is not NO_PLACE
                else f"{line} {self.emo('sarcasm')}"
            )
            return N.apply(t, p["text"]), s_urg, p

        def e_help():
            if not P_urgent:
                return None
            prob, urg = self.c(P_urgent)
            p = place_for(prob)
            t = f"{self.c(['TOLONG', 'tolong', 'darurat min', 'min tolong', 'TOLONGGG'])}!!! {prob} di {PLACEHOLDER} {self.c(D.NOW)} {self.emo('fear')}"
            return N.apply(t, p["text"]), urg, p

        def e_report():
            if not P_urgent:
                return None
            prob, urg = self.c(P_urgent)
            p = place_for(prob)
            t = f"{self.c(['barusan', 'baru aja', 'sekarang', 'live'])} {prob} di {PLACEHOLDER}, {self.c(D.NOW)} {self.emo('fear')}"
            return N.apply(t, p["text"]), urg, p

        def e_caps():
            if not P_urgent:
                return None
            prob, urg = self.c(P_urgent)
            p = place_for(prob)
            t = f"{prob} di {p['text']} {self.c(D.NOW)}!!!".upper()
            return re.sub(r"\s+", " ", t), urg, p

        def e_sunda():
            if not P_urgent:
                return None
            prob, urg = self.c(P_urgent)
            p = place_for(prob)
            t = f"{self.c(['tulung', 'tulungan', 'punten darurat'])}!! aya {prob} di {PLACEHOLDER}, {self.c(['ayeuna', 'nembe pisan', 'gancang pak', 'enggal atuh'])}"
            return N.apply(t, p["text"]), urg, p

        def e_short():
            if not P_urgent:
                return None
            prob, urg = self.c(P_urgent)
            p = place_for(prob)
            t = self.c(
                [
                    f"{PLACEHOLDER} {prob}!! {self.emo('fear')}",
                    f"{prob} di {PLACEHOLDER} 🚨🚨",
                    f"@{self.c(['pemkotbogor', 'bpbdkotabogor', 'damkarkotabogor'])} {prob} di {PLACEHOLDER}, {self.c(D.NOW)}",
                ]
            )
            return N.apply(t, p["text"]), urg, p

        # kept: placed complaints, letters, complaint-questions, complaints that give a phone
        # number, NIK or e-mail (real comments rarely do, and SMS spam teaches "hubungi 08..."),
        # and urgent reports; the slang, English, Sundanese, ALL CAPS, tag and sarcasm families
        # are left to hand-written and real text (unused families stay defined above)
        del a_slow, a_tag, a_noplace, a_caps, a_sunda, a_english, q_ask, s_sarcasm
        fams = [
            a_basic,
            a_polite,
            a_warga,
            a_pii,
            q_when,
            f_letter,
            f_yth,
            f_salam,
            e_help,
            e_report,
        ]
        if topic in ("banjir_longsor", "kebakaran"):
            fams = [
                e_help,
                e_report,
                a_polite,
                e_caps,
                e_sunda,
                f_letter,
                e_short,
                a_basic,
                f_salam,
                a_pii,
                q_when,
                f_yth,
            ]
        elif P_urgent:
            fams = [*fams, e_caps, e_short]
        self.emit(PER_TOPIC["aduan"], "aduan", topic, fams, topic)

    # -- pertanyaan ----------------------------------------------------------------------------
    def pertanyaan(self, topic: str) -> None:
        Q = D.QUESTIONS[topic]
        N, pl = self.noise, self.places

        def fill(qq: str) -> tuple[str, Place]:
            if "{kel}" in qq:
                p = pl.bare_kel()
                return qq.replace("{kel}", PLACEHOLDER), p
            if "{loc}" in qq:
                p = pl.for_topic(None if topic not in ("pasar",) else "pasar")
                return qq.replace("{loc}", PLACEHOLDER), p
            return qq, NO_PLACE

        def t_tanya():
            qq, p = fill(self.c(Q))
            return (
                N.apply(f"{self.c(['min', 'kak', 'admin', 'pak'])} mau tanya, {qq}?", p["text"]),
                "normal",
                p,
            )

        def t_yakak():
            qq, p = fill(self.c(Q))
            return N.apply(f"{qq} ya kak? {self.emo('neutral')}", p["text"]), "normal", p

        def t_sunda():
            qq, p = fill(self.c(Q))
            return N.apply(f"punten, bade naros, {qq}? hatur nuhun", p["text"]), "normal", p

        def t_formal():
            qq, p = fill(self.c(Q))
            qq = qq[:1].upper() + qq[1:]
            t = f"{self.c(['Selamat pagi', 'Selamat siang', 'Assalamualaikum'])}, izin bertanya. {qq}? Terima kasih."
            return N.apply(t, p["text"], formal=True), "normal", p

        def t_short():
            qq, p = fill(self.c(Q))
            return (
                N.apply(f"{qq}?? {self.c(['makasih', 'thx', 'nuhun', ''])}", p["text"]),
                "normal",
                p,
            )

        def t_anyone():
            qq, p = fill(self.c(Q))
            return (
                N.apply(
                    f"ada yg tau ga {qq}? {self.c(['@' + u for u in D.USERNAMES] + [''])}",
                    p["text"],
                ),
                "normal",
                p,
            )

        self.emit(
            PER_TOPIC["pertanyaan"],
            "pertanyaan",
            topic,
            [t_tanya, t_yakak, t_sunda, t_formal, t_short, t_anyone],
            topic,
        )

    # -- aspirasi ------------------------------------------------------------------------------
    def aspirasi(self, topic: str) -> None:
        A = D.PROPOSALS[topic]
        N, pl = self.noise, self.places

        def prop() -> tuple[str, bool]:
            a = self.c(A)
            return a.lstrip("~"), not a.startswith("~")

        def located(local: str, general: str) -> tuple[str, str, Place]:
            a, is_local = prop()
            p = pl.for_topic(None) if is_local else pl.kel_only()
            t = (local if is_local else general).replace("{a}", a)
            return N.apply(t, p["text"]), "normal", p

        def s_usul():
            return located(
                f"usul min, gimana kalau di {PLACEHOLDER} {{a}}?",
                f"usul min dari warga {PLACEHOLDER}, gimana kalau {{a}}?",
            )

        def s_mohon():
            end = self.c(["🙏", "", "min", "pak"])
            return located(
                f"mohon di {PLACEHOLDER} {{a}} {end}",
                f"mohon {{a}} {end}, kami warga {PLACEHOLDER} butuh bgt",
            )

        def s_semoga():
            emo = self.emo("happy")
            return located(
                f"semoga di {PLACEHOLDER} {{a}}, biar warga seneng {emo}",
                f"semoga {{a}}, warga {PLACEHOLDER} pasti seneng {emo}",
            )

        def s_saran():
            return N.apply(f"saran aja min, sebaiknya {prop()[0]}", ""), "normal", NO_PLACE

        def s_formal():
            p = pl.formal_kel_rtrw()
            t = f"Kami warga {PLACEHOLDER} mengusulkan agar {prop()[0]}. Terima kasih atas perhatiannya."
            return N.apply(t, p["text"], formal=True), "normal", p

        def s_pengen():
            p = pl.kel_only()
            return (
                N.apply(
                    f"{self.c(['pak lurah', 'pak camat', 'min'])}, warga {PLACEHOLDER} pengen {prop()[0]}",
                    p["text"],
                ),
                "normal",
                p,
            )

        def s_gimana():
            return (
                N.apply(f"gimana kalo {prop()[0]}? biar bogor makin maju {self.emo('happy')}", ""),
                "normal",
                NO_PLACE,
            )

        # "semoga ..." is a wish, informasi by docs/labelling.md, not a proposal
        del s_semoga, s_saran, s_gimana
        self.emit(
            PER_TOPIC["aspirasi"], "aspirasi", topic, [s_usul, s_mohon, s_formal, s_pengen], topic
        )

    # -- apresiasi -----------------------------------------------------------------------------
    def apresiasi(self) -> None:
        N, pl = self.noise, self.places

        def p_praise():
            return (
                N.apply(f"{self.c(D.PRAISE)} {self.c(D.THANKED)} {self.emo('happy')}", ""),
                "normal",
                NO_PLACE,
            )

        def done(physical: bool = False) -> tuple[str, str]:
            pool = [
                x
                for x in D.DONE_BY
                if not physical or not x[1].startswith(("laporan", "ktp", "fogging", "langsung"))
            ]
            whos, what = self.c(pool)
            return self.c(whos), what

        def p_thanks():
            who, what = done()
            return N.apply(f"makasih {who}, {what} {self.emo('happy')}", ""), "normal", NO_PLACE

        def p_place():
            p = pl.for_topic("jalan")
            who, what = done(physical=True)
            t = f"{self.c(D.PRAISE)} {who}, {what} di {PLACEHOLDER} {self.emo('happy')}"
            return N.apply(t, p["text"]), "normal", p

        def p_nuhun():
            who, what = done()
            return N.apply(f"hatur nuhun {who}, {what} 🙏", ""), "normal", NO_PLACE

        def p_gercep():
            p = pl.for_topic("sampah")
            who, what = done(physical=True)
            t = f"kemarin lapor, hari ini {what} di {PLACEHOLDER}. {self.c(['gercep', 'mantap', 'salut', 'keren'])} {who}!"
            return N.apply(t, p["text"]), "normal", p

        def p_alhamdulillah():
            who, what = done()
            return (
                N.apply(f"alhamdulillah {what}, makasih {who} {self.emo('happy')}", ""),
                "normal",
                NO_PLACE,
            )

        def p_proud():
            p = pl.bare_kel()
            t = f"{self.c(['bangga sama', 'sukses terus', 'semangat terus', 'the best'])} kelurahan {PLACEHOLDER} {self.emo('happy')}"
            return N.apply(t, p["text"]), "normal", p

        def p_formal():
            who = self.c(
                [
                    "Dinas PUPR Kota Bogor",
                    "DLH Kota Bogor",
                    "Damkar Kota Bogor",
                    "BPBD Kota Bogor",
                    "Bapak Lurah dan jajaran",
                    "Ibu Camat beserta staf",
                    "Perumda Tirta Pakuan",
                    "Satpol PP Kota Bogor",
                ]
            )
            t = f"Terima kasih kepada {who} atas respons yang cepat. Semoga pelayanan seperti ini terus dipertahankan."
            return t, "normal", NO_PLACE

        self.emit(
            PER_INTENT["apresiasi"],
            "apresiasi",
            None,
            [p_praise, p_thanks, p_place, p_nuhun, p_gercep, p_alhamdulillah, p_proud, p_formal],
            "all",
        )

    # -- informasi -----------------------------------------------------------------------------
    def informasi(self) -> None:
        N, pl = self.noise, self.places

        def i_chat():
            return N.apply(f"{self.c(D.CHATTER)} {self.emo('neutral')}", ""), "normal", NO_PLACE

        def i_from():
            p = pl.kel_only() if self.rng.random() < 0.75 else pl.make("kec")
            return (
                N.apply(f"{self.c(D.CHATTER)} dari {PLACEHOLDER} {self.emo('neutral')}", p["text"]),
                "normal",
                p,
            )

        def i_tag():
            u1, u2 = self.c(D.USERNAMES), self.c(D.USERNAMES)
            t = self.c(
                [
                    f"@{u1} liat nih",
                    f"@{u1} @{u2} ini deket rumah kalian",
                    f"@{u1} tuh ada info",
                    f"@{u1} tah ieu",
                    f"@{u1} ajak2 yg lain",
                    f"@{u1} wkwk ini kamu bukan",
                ]
            )
            return N.apply(t, ""), "normal", NO_PLACE

        def i_news():
            t = f"info dari {self.c(D.MEDIA)}: {self.c(D.NEWS)}"
            return N.apply(t, ""), "normal", NO_PLACE

        def i_rt():
            return f"RT @{self.c(D.USERNAMES)}: {self.c(D.NEWS)}", "normal", NO_PLACE

        def i_occasion():
            return N.apply(f"{self.c(D.OCCASIONS)} {self.emo('happy')}", ""), "normal", NO_PLACE

        def i_warga():
            p = pl.kel_only()
            return (
                N.apply(f"warga {PLACEHOLDER} hadir {self.emo('neutral')}", p["text"]),
                "normal",
                p,
            )

        def i_home():
            p = pl.kel_only()
            t = self.c(
                [
                    f"ini deket rumah saya di {PLACEHOLDER} hehe",
                    f"dulu saya tinggal di {PLACEHOLDER}",
                    f"kangen {PLACEHOLDER} 🥺",
                    f"otw ke {PLACEHOLDER}",
                ]
            )
            return N.apply(t, p["text"]), "normal", p

        self.emit(
            PER_INTENT["informasi"],
            "informasi",
            None,
            [i_chat, i_from, i_tag, i_news, i_rt, i_occasion, i_warga, i_home],
            "all",
        )

    # -- spam ----------------------------------------------------------------------------------
    def obfuscate(self, text: str) -> str:
        table = {"a": "4", "o": "0", "i": "1", "e": "3", "s": "5", "l": "|", "g": "9"}
        out = []
        for ch in text:
            if ch.lower() in table and self.rng.random() < 0.35:
                out.append(table[ch.lower()])
            else:
                out.append(ch)
        return "".join(out)

    def cta(self) -> str:
        return self.c(D.SPAM_CTA).replace("{phone}", self.phone()).replace("{url}", self.url())

    def spam(self) -> None:
        def g_gamble():
            claim = self.c(D.GAMBLING_CLAIMS)
            if self.rng.random() < 0.5:
                claim = self.obfuscate(claim)
            return (
                f"{claim} di {self.c(D.GAMBLING_SITES)} {self.cta()} {self.c(['🔥', '💰', '🎰', '🤑', ''])}".strip(),
                "normal",
                NO_PLACE,
            )

        def g_caps():
            return (
                f"{self.c(D.GAMBLING_SITES).upper()} {self.c(D.GAMBLING_CLAIMS).upper()} 🔥🔥 {self.cta().upper()}",
                "normal",
                NO_PLACE,
            )

        def g_testimoni():
            t = f"{self.c(['alhamdulillah', 'gila', 'mantap', 'hoki bgt'])} wd {self.rng.randint(2, 50)}jt barusan main di {self.c(D.GAMBLING_SITES)}, {self.cta()}"
            return self.obfuscate(t) if self.rng.random() < 0.3 else t, "normal", NO_PLACE

        def l_loan():
            return (
                f"{self.c(D.LOANS)}, {self.cta()} {self.c(['💸', '✅', ''])}".strip(),
                "normal",
                NO_PLACE,
            )

        def v_prize():
            t = f"selamat anda mendapatkan {self.c(D.PRIZES)} dari {self.c(D.FAKE_ORGS)}, {self.cta()}"
            return (t.upper() if self.rng.random() < 0.3 else t), "normal", NO_PLACE

        def v_giveaway():
            t = f"GIVEAWAY {self.c(D.PRIZES)}! follow & tag 3 teman, pemenang diumumkan besok. {self.cta()}"
            return t, "normal", NO_PLACE

        def f_followers():
            return f"{self.c(D.FOLLOWERS)}, {self.cta()} ✨", "normal", NO_PLACE

        def m_promo():
            return f"{self.c(D.PROMOS)}, {self.cta()}", "normal", NO_PLACE

        self.emit(
            PER_INTENT["spam"],
            "spam",
            None,
            [g_gamble, g_caps, g_testimoni, l_loan, v_prize, v_giveaway, f_followers, m_promo],
            "all",
        )

    # -- kasar ---------------------------------------------------------------------------------
    def kasar(self) -> None:
        N, pl = self.noise, self.places

        def k_target():
            return N.apply(f"{self.c(D.TARGETS)} {self.c(D.INSULTS)}", ""), "normal", NO_PLACE

        def k_dasar():
            return (
                N.apply(
                    f"dasar {self.c(D.TARGETS)} {self.c(D.INSULTS)}, {self.c(D.RANTS)} {self.emo('angry')}",
                    "",
                ),
                "normal",
                NO_PLACE,
            )

        def k_shout():
            return f"{self.c(D.INSULTS).upper()}!!! {self.c(D.RANTS)}", "normal", NO_PLACE

        def k_place():
            p = pl.bare_kel()
            t = f"{self.c(['lurah', 'admin kelurahan', 'pegawai kelurahan'])} {PLACEHOLDER} {self.c(D.INSULTS)}, {self.c(D.RANTS)}"
            return N.apply(t, p["text"]), "normal", p

        def k_sunda():
            t = f"{self.c(['sia mah', 'eta', 'dasar'])} {self.c(D.TARGETS)} {self.c(['belegug', 'goblog', 'kehed', 'anjing'])} {self.c(['siah', 'pisan', ''])}"
            return N.apply(t, ""), "normal", NO_PLACE

        def k_emoji():
            return (
                f"{self.c(D.TARGETS)} {self.c(D.INSULTS)} {self.c(['🖕', '🤬', '💩', '😡'])}",
                "normal",
                NO_PLACE,
            )

        self.emit(
            PER_INTENT["kasar"],
            "kasar",
            None,
            [k_target, k_dasar, k_shout, k_place, k_sunda, k_emoji],
            "all",
        )

    def run(self) -> list[dict[str, object]]:
        for topic in TOPICS:
            self.aduan(topic)
        for topic in TOPICS:
            if PER_TOPIC["pertanyaan"]:
                self.pertanyaan(topic)
        for topic in TOPICS:
            self.aspirasi(topic)
        for intent, make in (
            ("apresiasi", self.apresiasi),
            ("informasi", self.informasi),
            ("spam", self.spam),
            ("kasar", self.kasar),
        ):
            if PER_INTENT[intent]:
                make()
        return self.records


def write(records: list[dict[str, object]]) -> None:
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# --check
# ---------------------------------------------------------------------------------------------
def check() -> int:
    problems: list[str] = []
    files = sorted(CORPUS.glob("hand*_*.jsonl")) + ([OUT] if OUT.exists() else [])
    if not files:
        print("no corpus files")
        return 1
    records: list[dict[str, object]] = []
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for path in files:
        source = "generated" if path == OUT else "hand"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: bad JSON ({exc})")
                continue
            if list(rec) != list(KEYS):
                problems.append(f"{where}: keys {list(rec)}")
                continue
            rid, text = rec["id"], rec["text"]
            if (
                not isinstance(rid, str)
                or not re.fullmatch(r"(?:h2?|g)-\d{5}", rid)
                or rid[0] != source[0]
            ):
                problems.append(f"{where}: bad id {rid!r}")
            if rid in ids:
                problems.append(f"{where}: duplicate id {rid}")
            ids.add(rid)
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{where}: empty text")
            elif text in texts:
                problems.append(f"{where}: duplicate text (also {texts[text]}): {text[:60]}")
            else:
                texts[text] = where
            intent, topic, urg = rec["intent"], rec["topic"], rec["urgency"]
            if intent not in INTENTS:
                problems.append(f"{where}: bad intent {intent!r}")
            if intent in TOPICAL_INTENTS and topic not in TOPICS:
                problems.append(f"{where}: {intent} needs a topic, got {topic!r}")
            if intent not in TOPICAL_INTENTS and topic is not None:
                problems.append(f"{where}: {intent} must have topic null")
            if urg not in URGENCIES:
                problems.append(f"{where}: bad urgency {urg!r}")
            if intent != "aduan" and urg != "normal":
                problems.append(f"{where}: {intent} should be urgency normal")
            kel, kec = rec["kelurahan"], rec["kecamatan"]
            if kel is not None and kel not in KELURAHAN:
                problems.append(f"{where}: unknown kelurahan {kel!r}")
            if kec is not None and kec not in KECAMATAN:
                problems.append(f"{where}: unknown kecamatan {kec!r}")
            if kel is not None and kec != kecamatan_of(str(kel)):
                problems.append(f"{where}: kecamatan {kec} is not the parent of {kel}")
            for key in ("rt", "rw"):
                v = rec[key]
                if v is not None and not (isinstance(v, str) and re.fullmatch(r"\d{2}", v)):
                    problems.append(f"{where}: bad {key} {v!r}")
            street = rec["street"]
            if street is not None and not (
                isinstance(street, str) and re.match(r"(Jl|Gg)\. \S", street)
            ):
                problems.append(f"{where}: bad street {street!r}")
            lm = rec["landmark"]
            if lm is not None and not (isinstance(lm, str) and lm.strip()):
                problems.append(f"{where}: bad landmark {lm!r}")
            if rec["platform"] not in PLATFORMS:
                problems.append(f"{where}: bad platform {rec['platform']!r}")
            if rec["source"] != source:
                problems.append(f"{where}: source should be {source}")
            if not isinstance(rec["group"], str) or not rec["group"]:
                problems.append(f"{where}: empty group")
            records.append(rec)

    first_group: dict[str, tuple[str, str]] = {}
    for rec in records:
        key = near_key(str(rec["text"]))
        seen_at = first_group.setdefault(key, (str(rec["group"]), str(rec["id"])))
        if seen_at[0] != rec["group"]:
            problems.append(f"{rec['id']}: near-duplicate of {seen_at[1]} but in another group")

    def show(title: str, counter: Counter, order=None) -> None:
        print(f"\n{title}")
        keys = order if order is not None else sorted(counter, key=lambda k: (-counter[k], str(k)))
        for k in keys:
            print(f"  {k!s:<22} {counter.get(k, 0):>6}")

    total = len(records)
    by_source = Counter(str(r["source"]) for r in records)
    intents = Counter(str(r["intent"]) for r in records)
    topics = Counter(str(r["topic"]) for r in records if r["topic"] is not None)
    urg = Counter(str(r["urgency"]) for r in records)
    kec = Counter(str(r["kecamatan"]) for r in records if r["kecamatan"])
    kel = Counter(str(r["kelurahan"]) for r in records if r["kelurahan"])
    platforms = Counter(str(r["platform"]) for r in records)
    groups = {str(r["group"]) for r in records}
    print(
        f"files: {len(files)}  messages: {total}  (hand {by_source['hand']}, generated {by_source['generated']})"
        f"  groups: {len(groups)}"
    )
    show("intent", intents, list(INTENTS))
    show("topic (aduan, pertanyaan, aspirasi)", topics, list(TOPICS))
    show("urgency", urg, list(URGENCIES))
    print("\nkecamatan named (directly or through a kelurahan)")
    for code, name in KECAMATAN.items():
        print(f"  {code} {name:<14} {kec.get(code, 0):>6}")
    named = [c for c in KELURAHAN if kel.get(c)]
    print(
        f"\nkelurahan named: {len(named)} of {len(KELURAHAN)}"
        f"  (least: {min(kel.values()) if kel else 0}, most: {max(kel.values()) if kel else 0})"
    )
    missing = [KELURAHAN[c][0] for c in KELURAHAN if not kel.get(c)]
    if missing:
        print("  not named: " + ", ".join(missing))
    with_place = sum(1 for r in records if r["kelurahan"] or r["kecamatan"])
    print(
        f"messages with a kelurahan or kecamatan: {with_place}; with street: "
        f"{sum(1 for r in records if r['street'])}; rt/rw: {sum(1 for r in records if r['rt'] or r['rw'])}; "
        f"landmark: {sum(1 for r in records if r['landmark'])}"
    )
    show("platform", platforms, list(PLATFORMS))

    if total < MIN_TOTAL:
        problems.append(f"only {total} messages (< {MIN_TOTAL})")
    for i in INTENTS:
        if intents[i] < MIN_PER_INTENT:
            problems.append(f"intent {i}: {intents[i]} < {MIN_PER_INTENT}")
    if intents and intents.most_common(1)[0][0] != "aduan":
        problems.append("aduan is not the largest intent")
    for t in TOPICS:
        if topics[t] < MIN_PER_TOPIC:
            problems.append(f"topic {t}: {topics[t]} < {MIN_PER_TOPIC}")
    for code in KECAMATAN:
        if kec[code] < MIN_PER_KECAMATAN:
            problems.append(f"kecamatan {code}: {kec[code]} < {MIN_PER_KECAMATAN}")
    if len(named) < MIN_KELURAHAN_NAMED:
        problems.append(f"only {len(named)} kelurahan named (< {MIN_KELURAHAN_NAMED})")
    if urg["darurat"] < MIN_DARURAT:
        problems.append(f"darurat: {urg['darurat']} < {MIN_DARURAT}")
    if urg["tinggi"] < MIN_TINGGI:
        problems.append(f"tinggi: {urg['tinggi']} < {MIN_TINGGI}")

    problems.extend(check_real())

    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems[:200]:
            print("  " + p)
        return 1
    print("\nOK")
    return 0


def check_real() -> list[str]:
    """Labels of real messages (corpus/real/*.csv, row,intent,topic,urgency): codes and the
    topic/urgency rules of docs/labelling.md. The texts are not in the repository."""
    import csv

    problems: list[str] = []
    for path in sorted((CORPUS / "real").glob("*.csv")):
        seen: set[str] = set()
        counts: Counter = Counter()
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != ["row", "intent", "topic", "urgency"]:
                problems.append(f"{path.name}: header {reader.fieldnames}")
                continue
            for n, row in enumerate(reader, 2):
                where = f"{path.name}:{n}"
                rid, intent = row["row"], row["intent"]
                topic, urg = row["topic"] or None, row["urgency"] or None
                if not re.fullmatch(r"[A-Z]\d{5}", rid or ""):
                    problems.append(f"{where}: bad row id {rid!r}")
                if rid in seen:
                    problems.append(f"{where}: duplicate row {rid}")
                seen.add(rid)
                if intent not in INTENTS:
                    problems.append(f"{where}: bad intent {intent!r}")
                if intent in TOPICAL_INTENTS and topic not in TOPICS:
                    problems.append(f"{where}: {intent} needs a topic, got {topic!r}")
                if intent not in TOPICAL_INTENTS and topic is not None:
                    problems.append(f"{where}: {intent} must have no topic")
                if intent == "aduan" and urg not in URGENCIES:
                    problems.append(f"{where}: aduan needs an urgency, got {urg!r}")
                if intent != "aduan" and urg is not None:
                    problems.append(f"{where}: {intent} must have no urgency")
                counts[intent] += 1
        print(f"\nreal labels {path.name}: {sum(counts.values())} rows")
        for intent in INTENTS:
            print(f"  {intent:<22} {counts.get(intent, 0):>6}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--check", action="store_true", help="validate all corpus files and print counts"
    )
    args = ap.parse_args(argv)
    if args.check:
        return check()
    records = Generator().run()
    write(records)
    print(f"wrote {len(records)} messages to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
