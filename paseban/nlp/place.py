"""Where a message is about: kelurahan and kecamatan (official names, aliases, misspellings),
street, RT/RW and landmark; the receiving account's wilayah as a marked fallback.

A place is taken only with evidence: an exact name or alias, a landmark, a street of the city's
street table (streets.py), or a misspelt name right after a place word ("di", "kel.", "warga",
"jl.") or before RT/RW. Ordinary words are never read as misspelt names ("gunung atau" is not
Gunung Batu, "sempak" is not Semplak), and a text that names another city and not ours gets no
place of ours (elsewhere.py): "di menteng" in a Jakarta flood report is not Menteng, Bogor Barat.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from paseban.domain.geo import Centre, nearest_kelurahan
from paseban.domain.wilayah import Level, Wilayah
from paseban.nlp.elsewhere import regions as other_regions
from paseban.nlp.normalize import known_words
from paseban.nlp.pipeline import Place
from paseban.nlp.place_words import (
    AFTER_WORDS,
    COMMON_WORDS,
    CONTEXT_WORDS,
    DIRECTION_WORDS,
    DIRECTIONS,
    FUNCTION_WORDS,
    FUZZY_CUTOFF,
    FUZZY_CUTOFF_ALONE,
    FUZZY_MIN_LENGTH,
    GENERIC_LANDMARK_WORDS,
    PLACE_ABBREVIATIONS,
    PLACE_WORDS,
    RAW_REPEAT,
    RAW_TOKEN,
    RT,
    RTRW,
    RW,
    STREET,
    STREET_CUTOFF,
    STREET_STOP,
    STREET_WORDS,
    surface_form,
)
from paseban.nlp.streets import Street
from paseban.nlp.streets import bundled as bundled_streets


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: Level
    kecamatan: str | None
    landmark: str | None = None
    generic: bool = False  # a landmark named the way every city's is ("balai kota")


@dataclass(frozen=True)
class Found:
    """One place named in the text: what, how sure, why, and the tokens it spans."""

    entry: Entry
    confidence: float
    reason: str
    start: int
    end: int
    strong: bool = False  # an exact name right after a place word ("kel. empang")


@dataclass(frozen=True)
class StreetHit:
    street: Street
    confidence: float
    reason: str
    start: int  # first token of the name (after "jl", "jalan")
    end: int


class Gazetteer:
    """An index of surface forms -> places, built from reference data.

    `streets`: the city's street table (streets.Street rows, e.g. from the database); None takes
    the table bundled for the city, when there is one."""

    def __init__(
        self,
        wilayah: Iterable[Wilayah],
        landmarks: Iterable[tuple[str, list[str], str]] = (),
        streets: Iterable[Street] | None = None,
    ):
        self.by_code: dict[str, Wilayah] = {}
        self._centres: list[Centre] | None = None
        self.forms: dict[str, list[Entry]] = {}
        self.fuzzy_forms: list[str] = []
        city: str | None = None
        for w in wilayah:
            if w.level not in (Level.KECAMATAN, Level.KELURAHAN):
                continue
            self.by_code[w.code] = w
            kec = w.parent_code if w.level is Level.KELURAHAN else w.code
            if city is None and kec:
                city = kec.rsplit(".", 1)[0]
            entry = Entry(w.code, w.name, w.level, kec)
            for surface in {w.name, *w.aliases}:
                form = surface_form(surface)
                for variant in {form, form.replace(" ", "")}:
                    self._add(variant, entry)
        # "Cilendek" without Barat or Timur names the kecamatan both are in
        stems: dict[str, set[str | None]] = {}
        for w in self.by_code.values():
            words = surface_form(w.name).split()
            if w.level is Level.KELURAHAN and len(words) > 1 and words[-1] in DIRECTIONS:
                stems.setdefault(" ".join(words[:-1]), set()).add(w.parent_code)
        for stem, parents in stems.items():
            parent = next(iter(parents))
            seat = self.by_code.get(parent or "")
            if len(parents) == 1 and seat is not None and stem not in self.forms:
                self._add(stem, Entry(seat.code, seat.name, Level.KECAMATAN, seat.code))
        for name, aliases, code in landmarks:
            mark = self.by_code.get(code)
            if mark is None:
                continue
            for surface in {name, *aliases}:
                form = surface_form(surface)
                generic = all(t in GENERIC_LANDMARK_WORDS for t in form.split())
                entry = Entry(
                    code,
                    mark.name,
                    Level.KELURAHAN,
                    mark.parent_code,
                    landmark=name,
                    generic=generic,
                )
                self._add(form, entry)
        # a token can start a name: the first word of a form, or the start of a name written in two
        # parts ("ci bogor", "tegal gundil" written "tegalgun dil" is not worth the cost)
        starts = {f.split(" ", 1)[0] for f in self.forms}
        starts |= {f[:k] for f in self.forms if " " not in f for k in range(2, len(f) - 2)}
        self.first_tokens = frozenset(starts)
        self.prefixes: dict[str, list[str]] = {}
        for form in sorted(self.forms):
            kelurahan_level = any(e.level is Level.KELURAHAN for e in self.forms[form])
            if " " not in form and len(form) >= FUZZY_MIN_LENGTH and kelurahan_level:
                self.prefixes.setdefault(form[:3], []).append(form)
        self.max_tokens = max((f.count(" ") + 1 for f in self.forms), default=1)
        self.city = city
        self.regions = other_regions(city) if city else None
        self.known = known_words()
        self._index_streets(list(streets) if streets is not None else list(streets_for(city)))

    def _index_streets(self, table: list[Street]) -> None:
        self.streets = table
        self.street_forms: dict[tuple[str, ...], list[Street]] = {}
        self.street_alone: dict[tuple[str, ...], list[Street]] = {}
        for street in table:
            for alias in street.aliases:
                self.street_forms.setdefault(tuple(alias.split()), []).append(street)
            for alias in street.alone:
                self.street_alone.setdefault(tuple(alias.split()), []).append(street)
        every = [*self.street_forms, *self.street_alone]
        self.street_longest = max((len(g) for g in every), default=1)
        self.street_first = frozenset(g[0] for g in self.street_alone)
        self.street_prefixes: dict[str, list[str]] = {}
        for gram in sorted(self.street_forms):
            if len(gram) == 1 and len(gram[0]) >= FUZZY_MIN_LENGTH:
                self.street_prefixes.setdefault(gram[0][:3], []).append(gram[0])

    def _add(self, form: str, entry: Entry) -> None:
        bucket = self.forms.setdefault(form, [])
        if entry not in bucket:
            bucket.append(entry)

    # --- streets ----------------------------------------------------------------------------------

    def _street_at(
        self, tokens: list[str], i: int, table: dict[tuple[str, ...], list[Street]]
    ) -> tuple[Street, int] | None:
        n = len(tokens)
        for size in range(min(self.street_longest, n - i), 0, -1):
            hit = table.get(tuple(tokens[i : i + size]))
            if hit:
                return hit[0], size
        return None

    def _streets(self, tokens: list[str]) -> list[StreetHit]:
        """Streets of the table named in the text: after a street word ("jl. lolongok",
        "jalan raya tajur", a misspelling too), or a distinctive name alone ("pajajaran")."""
        if not self.streets:
            return []
        found: list[StreetHit] = []
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            if tok in STREET_WORDS and i + 1 < n:
                start = i + 1
                hit = self._street_at(tokens, start, self.street_forms)
                if hit is None and tokens[start] == "raya" and start + 1 < n:
                    start += 1
                    hit = self._street_at(tokens, start, self.street_forms)
                if hit is not None:
                    street, size = hit
                    found.append(
                        StreetHit(
                            street,
                            0.9,
                            f"jalan: '{' '.join(tokens[i : start + size])}'",
                            start,
                            start + size,
                        )
                    )
                    i = start + size
                    continue
                word = tokens[start]
                bucket = self.street_prefixes.get(word[:3])
                if bucket and len(word) >= FUZZY_MIN_LENGTH and word not in self.known:
                    best = process.extractOne(
                        word, bucket, scorer=fuzz.ratio, score_cutoff=STREET_CUTOFF
                    )
                    if best is not None:
                        street = self.street_forms[(best[0],)][0]
                        found.append(
                            StreetHit(
                                street, 0.75, f"jalan mirip '{best[0]}': '{word}'", start, start + 1
                            )
                        )
                        i = start + 1
                        continue
            elif tok in self.street_first:
                hit = self._street_at(tokens, i, self.street_alone)
                if hit is not None:
                    street, size = hit
                    found.append(
                        StreetHit(
                            street, 0.85, f"jalan: '{' '.join(tokens[i : i + size])}'", i, i + size
                        )
                    )
                    i += size
                    continue
            i += 1
        return found

    # --- kelurahan and kecamatan ------------------------------------------------------------------

    def _candidates(self, raw_tokens: list[str], cued: frozenset[int] = frozenset()) -> list[Found]:
        """Kelurahan, kecamatan and landmarks named in the tokens. `cued`: positions that count as
        coming right after a place word (the token after a street name: "jalan lolongok empang")."""
        tokens = [PLACE_ABBREVIATIONS.get(t, t) for t in raw_tokens]
        expanded = [t in PLACE_ABBREVIATIONS for t in raw_tokens]
        found: list[Found] = []
        n = len(tokens)
        i = 0
        forms, prefixes = self.forms, self.prefixes
        first_tokens = self.first_tokens
        while i < n:
            tok = tokens[i]
            prev = tokens[i - 1] if i else ""
            matched = 0
            if prev in DIRECTION_WORDS:
                i += 1
                continue
            in_context = prev in CONTEXT_WORDS or i in cued
            if len(tok) > 6 and tok.endswith("nya") and tok[:-3] in forms:
                tok = tokens[i] = tok[:-3]  # "sempurnya" -> "sempur"
            if tok in first_tokens:
                for size in range(min(self.max_tokens, n - i), 0, -1):
                    part = tokens[i : i + size]
                    spaced = " ".join(part)
                    entries = forms.get(spaced)
                    gram = spaced
                    if entries is None and size > 1:
                        gram = "".join(part)
                        entries = forms.get(gram)
                    if not entries:
                        continue
                    nxt = tokens[i + size] if i + size < n else ""
                    # "genteng bocor", "kayu manis" (cinnamon), "skr" (sekarang, not Sukaresmi)
                    ordinary = gram in COMMON_WORDS or all(expanded[i : i + size])
                    if ordinary and not in_context and nxt not in AFTER_WORDS:
                        continue
                    strong = prev in PLACE_WORDS
                    conf = 0.95 if strong else 0.9
                    found.extend(
                        Found(e, conf, f"nama: '{spaced}'", i, i + size, strong) for e in entries
                    )
                    matched = size
                    break
            bucket = prefixes.get(tok[:3]) if not matched and len(tok) >= 3 else None
            if bucket:
                match = self._misspelt(tokens, expanded, i, bucket, in_context)
                if match is not None:
                    found.extend(match)
                    matched = match[0].end - i
            i += matched or 1
        return found

    def _misspelt(
        self, tokens: list[str], expanded: list[bool], i: int, bucket: list[str], in_context: bool
    ) -> list[Found] | None:
        """A misspelt name starting at token i ("tegal gundul", "rancamaja", "batu tlis").

        Never across a function word ("gunung atau" is not Gunung Batu, "palem dan" is not
        Paledang), never an everyday word on its own ("sempak" is not Semplak) unless a place word
        comes right before ("kel. kebon pedas"); and everyday words in a name only where a place is
        expected: after a place word, "di", "warga", "rt 3", or before RT/RW."""
        n = len(tokens)
        prev = tokens[i - 1] if i else ""
        strong = prev in PLACE_WORDS
        cue = in_context or (i + 1 < n and tokens[i + 1] in AFTER_WORDS) or _after_rt_rw(tokens, i)
        known = self.known
        if not cue and (tokens[i] in known or not tokens[i].isalpha()):
            return None  # without a cue every part must be a word nobody uses otherwise
        for size in (3, 2, 1):
            if i + size > n:
                continue
            part = tokens[i : i + size]
            if any(p in FUNCTION_WORDS or not p.isalpha() for p in part):
                continue
            everyday = [tokens[j] in known and not expanded[j] for j in range(i, i + size)]
            if any(everyday) and not (strong or (cue and size > 1)):
                continue
            joined = "".join(part)
            if len(joined) < FUZZY_MIN_LENGTH:
                continue
            # without a place word nearby, only a close misspelling of seven letters or more that
            # is no everyday word ("pamoyanaan", "ciluwar"; not the Javanese "bondong"); an
            # abbreviation alone ("skr" is sekarang, not Sukaresmi) needs a place word too
            if not cue and (len(joined) < 7 or any(everyday) or all(expanded[i : i + size])):
                continue
            cutoff = FUZZY_CUTOFF if cue else FUZZY_CUTOFF_ALONE
            hit = process.extractOne(joined, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit is None or (hit[0] in COMMON_WORDS and not cue):
                continue
            spaced = " ".join(part)
            conf = 0.8 if strong else 0.7 if cue else 0.6
            return [
                Found(e, conf, f"mirip '{hit[0]}': '{spaced}'", i, i + size)
                for e in self.forms[hit[0]]
            ]
        return None

    def near(self, lat: float, lon: float, *, max_km: float = 3.0) -> Place | None:
        """The kelurahan whose centre is nearest a point the citizen sent (a WhatsApp location,
        a map pin), within `max_km`; None outside the city or without centres."""
        centres = self._centres
        if centres is None:
            centres = self._centres = [
                Centre(w.code, w.lat, w.lon)
                for w in self.by_code.values()
                if w.level is Level.KELURAHAN and w.lat is not None and w.lon is not None
            ]
        hit = nearest_kelurahan(lat, lon, centres, max_km=max_km)
        if hit is None:
            return None
        w = self.by_code[hit.code]
        return Place(
            kelurahan=w.code,
            kecamatan=w.parent_code,
            source="location",
            confidence=0.85 if hit.distance_km <= 1.5 else 0.7,
            reason=f"lokasi yang dikirim warga, {hit.distance_km:.1f} km dari pusat Kel. {w.name}",
        )

    def locate(self, normalized: str, original: str = "", *, fallback: str | None = None) -> Place:
        # place names are matched on the citizen's own words (lower-cased, letters repeated three
        # times collapsed), not on the slang-normalised text, which would turn "tgl" into "tanggal"
        source = original or normalized
        tokens = RAW_TOKEN.findall(RAW_REPEAT.sub(r"\1", source.lower()))
        place = Place()
        mentions, own = self.regions.mentions(tokens) if self.regions else ([], False)
        hits = self._streets(tokens)
        found = self._candidates(tokens, frozenset(h.end for h in hits))
        ours = [(c.start, c.end) for c in found]
        other = None
        if not own:
            other = next(
                (name for s, e, name in mentions if not any(s < b and a < e for a, b in ours)),
                None,
            )
        if other is not None:
            # "pindah dari Jakarta ke Kelurahan Kayu Manis": a kelurahan named after a place word
            # ("kel.", "kelurahan") is ours even when the text names another city too
            strong = [c for c in found if c.strong]
            if strong:
                found, hits, other = strong, [], None
        if other is None:
            # names every city has (Jl. Sudirman, "balai kota") count when the message is known to
            # be about our city: it reached one of our accounts, or it names the city
            place = self._from_text(tokens, hits, found, trusted=fallback is not None or own)
        place = self._details(place, source)
        if other is not None:
            place = replace(place, reason=f"teks tentang daerah lain: '{other}'")
        if place.kelurahan is None and place.kecamatan is None and fallback:
            home = self.by_code.get(fallback)
            if home is not None:
                own_kel = home.code if home.level is Level.KELURAHAN else None
                own_kec = home.parent_code if home.level is Level.KELURAHAN else home.code
                why = f"wilayah akun penerima ({home.name})"
                conf = 0.5
                if place.street and own_kel and self._street_passes(place.street, own_kel):
                    why += f", dilalui {place.street}"
                    conf = 0.7
                place = replace(
                    place,
                    kelurahan=own_kel,
                    kecamatan=own_kec,
                    source="fallback",
                    confidence=conf,
                    reason=why,
                )
        return place

    def _street_passes(self, name: str, kelurahan: str) -> bool:
        return any(s.name == name and kelurahan in s.kelurahan for s in self.streets)

    def _from_text(
        self, tokens: list[str], hits: list[StreetHit], found: list[Found], *, trusted: bool
    ) -> Place:
        street_span = {j: h for h in hits for j in range(h.start, h.end)}
        candidates = []
        for c in found:
            owner = street_span.get(c.start)
            # a name inside a street's name counts only where that street runs: "jl. batutulis" is
            # in Batu Tulis, "jl. suryakencana" is not in Kencana
            if owner is not None and c.entry.code not in owner.street.kelurahan:
                continue
            if c.entry.generic and not trusted:
                continue
            candidates.append(c)
        kelurahan = [c for c in candidates if c.entry.level is Level.KELURAHAN]
        kecamatan = [c for c in candidates if c.entry.level is Level.KECAMATAN]
        name = hits[0].street.name if hits else None
        if not trusted:
            hits = [h for h in hits if not h.street.generic]
        street = hits[0] if hits else None
        if kelurahan:
            # a kelurahan the named street runs through wins, then one inside a named kecamatan,
            # otherwise the first named
            named_kec = {c.entry.kecamatan for c in kecamatan}
            on_street = {k for h in hits for k in h.street.kelurahan}
            # a name written next to the street ("jl. semplak cilendek barat") says more than the
            # name inside the street's own name ("semplak")
            kelurahan.sort(key=lambda c: c.start in street_span)
            best = next(
                (c for c in kelurahan if c.entry.code in on_street),
                next((c for c in kelurahan if c.entry.kecamatan in named_kec), kelurahan[0]),
            )
            entry = best.entry
            reason = best.reason
            if street is not None and entry.code in on_street:
                reason = f"{street.reason}, {best.reason}"
            # "kecamatan tanah sareal" names the kecamatan, not the kelurahan of the same name
            pos = best.start
            if pos and tokens[pos - 1] in ("kecamatan", "kec") and entry.kecamatan:
                kec = self.by_code.get(entry.kecamatan)
                if kec and surface_form(kec.name) == surface_form(entry.name):
                    return Place(
                        kecamatan=kec.code,
                        street=name,
                        source="text",
                        confidence=best.confidence,
                        reason=reason,
                    )
            return Place(
                kelurahan=entry.code,
                kecamatan=entry.kecamatan,
                street=name,
                landmark=entry.landmark,
                source="text",
                confidence=best.confidence,
                reason=reason,
            )
        if street is not None:
            codes = [c for c in street.street.kelurahan if c in self.by_code]
            parents = {self.by_code[c].parent_code for c in codes}
            if len(codes) == 1:
                return Place(
                    kelurahan=codes[0],
                    kecamatan=self.by_code[codes[0]].parent_code,
                    street=name,
                    source="text",
                    confidence=street.confidence,
                    reason=street.reason,
                )
            if kecamatan:
                best = kecamatan[0]
                return Place(
                    kecamatan=best.entry.code,
                    street=name,
                    source="text",
                    confidence=best.confidence,
                    reason=f"{street.reason}, {best.reason}",
                )
            if len(parents) == 1:
                return Place(
                    kecamatan=parents.pop(),
                    street=name,
                    source="text",
                    confidence=street.confidence - 0.1,
                    reason=f"{street.reason} (satu kecamatan)",
                )
            return Place(street=name, confidence=0.0, reason=street.reason)
        if kecamatan:
            best = kecamatan[0]
            return Place(
                kecamatan=best.entry.code,
                source="text",
                confidence=best.confidence,
                reason=best.reason,
            )
        return Place(street=name)

    def _details(self, place: Place, text: str) -> Place:
        """RT, RW and, when the street table did not name it, the street as written; not an
        everyday word after "jalan" ("jalan jadi kayak sungai" names no street)."""
        rt = rw = None
        if m := RTRW.search(text):
            rt, rw = m.group(1).zfill(2), m.group(2).zfill(2)
        else:
            if m := RT.search(text):
                rt = m.group(1).zfill(2)
            if m := RW.search(text):
                rw = m.group(1).zfill(2)
        street = place.street
        if street is None and (m := STREET.search(text)):
            name = STREET_STOP.sub("", m.group(1)).strip(" .,")
            words = name.lower().split()
            if words and words[0] == "raya":
                words = words[1:]
            if words and words[0] not in self.known:
                street = "Jl. " + " ".join(w[:1].upper() + w[1:] for w in name.split())
        return replace(place, rt=rt, rw=rw, street=street)


def _after_rt_rw(tokens: list[str], i: int) -> bool:
    """Token i follows an RT/RW number: "rt 3/1 cikret", "rt 6 rw 8 situgde"."""
    if i == 0 or not tokens[i - 1].isdigit():
        return False
    for j in range(i - 2, max(i - 6, -1), -1):
        if tokens[j] in AFTER_WORDS:
            return True
        if not tokens[j].isdigit():
            return False
    return False


def streets_for(city: str | None) -> tuple[Street, ...]:
    """The street table bundled for a city (none for most cities)."""
    return bundled_streets(city) if city else ()
