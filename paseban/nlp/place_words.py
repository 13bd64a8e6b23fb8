"""The words and patterns the place finder reads by: place cues ("di", "kel.", "warga"), names
that are also everyday words, directions, abbreviations of place names, street and RT/RW
patterns, and the thresholds of the fuzzy comparison. Data, kept apart from the matcher."""

from __future__ import annotations

import re

# names that are also everyday words: only matched after a place word ("kel. genteng",
# "di genteng", "lurah genteng"); "genteng bocor" is a roof, not a kelurahan
COMMON_WORDS = frozenset(
    {"genteng", "gudang", "empang", "curug", "babakan", "pakuan", "kencana", "kayu manis"}
)
AFTER_WORDS = frozenset({"rt", "rw"})  # "genteng rt 5" is the kelurahan too
# "arah bubulak", "jurusan bubulak": a direction or a bus route, not where the problem is
DIRECTION_WORDS = frozenset({"arah", "jurusan", "tujuan", "trayek", "menuju"})
PLACE_WORDS = frozenset(
    {
        "kelurahan",
        "kecamatan",
        "desa",
        "kel",
        "kec",
        "kelurhan",
        "kelurhn",
        "klurahan",
        "lurah",
        "camat",
        "kampung",
        "kp",
        "kmp",
        "kmpg",
    }
)
CONTEXT_WORDS = PLACE_WORDS | {
    "di",
    "daerah",
    "wilayah",
    "warga",
    "sekitar",
    "dekat",
    "deket",
    "dkt",
    "ke",
    "dari",
    "dr",
    "pasar",
    "psr",
    "tps",
    "jalan",
    "jl",
    "jln",
    "gang",
    "gg",
    "perumahan",
    "perum",
    "komplek",
    "kompleks",
    "rw",
    "rt",
    "wil",
    "dket",
}
RAW_TOKEN = re.compile(r"[a-z0-9]+")
RAW_REPEAT = re.compile(r"([a-z])\1{2,}")
# abbreviations people use in place names ("kd. badak", "kb kalapa", "bbkn pasar")
PLACE_ABBREVIATIONS = {
    "kd": "kedung",
    "kdg": "kedung",
    "kdng": "kedung",
    "kb": "kebon",
    "kbn": "kebon",
    "tnh": "tanah",
    "tn": "tanah",
    "psr": "pasar",
    "lw": "lawang",
    "bbkn": "babakan",
    "bbk": "babakan",
    "bbakan": "babakan",
    "sndg": "sindang",
    "sdg": "sindang",
    "tgl": "tegal",
    "gn": "gunung",
    "gng": "gunung",
    "mkr": "mekar",
    "crg": "curug",
    "cldk": "cilendek",
    "ps": "pasir",
    "psir": "pasir",
    "skr": "sukaresmi",
    "btl": "batutulis",
    "btr": "bantar",
    "bjg": "bojong",
    "bj": "bojong",
    "kdung": "kedung",
    "kbon": "kebon",
}
FUZZY_CUTOFF = 86.0
FUZZY_CUTOFF_ALONE = 90.0  # a misspelling with no place word before it must be closer
FUZZY_MIN_LENGTH = 6

RT = re.compile(r"\brt\.?\s*[:/]?\s*0*(\d{1,3})\b", re.I)
RW = re.compile(r"\brw\.?\s*[:/]?\s*0*(\d{1,3})\b", re.I)
RTRW = re.compile(
    r"\brt\.?\s*(?:/\s*rw\.?)?\s*[:.]?\s*0*(\d{1,3})\s*/\s*(?:rw\.?\s*)?0*(\d{1,3})\b", re.I
)
_NOT_A_STREET = (
    "di|dkt|dekat|deket|yang|yg|ke|ini|itu|rusak|bolong|depan|arah|sudah|udah|udh|menuju|dari|"
    "utama|nya|gang|kampung|kami|kita|sini|situ|disini|tersebut|berlubang|nya|yg|aja|juga|jg|"
    "lingkungan|setapak|alternatif|protokol|tol|umum|desa|kota|besar|kecil"
)
STREET = re.compile(
    r"\b(?i:jl|jln|jalan)\.?\s+(?!(?i:" + _NOT_A_STREET + r")\b)"
    r"((?:raya\s+)?[A-Za-z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|\d+|bin\s+[A-Za-z]+|no\.?\s*\d+))*)"
)
STREET_STOP = re.compile(
    r"\s+(?:yang|yg|di|dekat|deket|sudah|udah|udh|rusak|bolong|berlubang|macet|banjir|depan|"
    r"arah|kel|kec|rt|rw|no)\b.*$",
    re.I,
)


# never part of a misspelt place name
_FUNCTION_TEXT = (
    "atau dan di ke dari yang itu ini dengan dgn untuk utk pada juga jg saja aja sudah udah "
    "udh belum blm tidak ga gak nggak gk ada adalah karena krn kalau kalo jadi lagi lg mau "
    "akan bisa harus masih sama tapi tp oleh bagi para kami kita saya aku dia mereka nya ya "
    "min kak pak bu dong deh sih kok nih tuh pun lah kah agar biar bila jika ketika saat "
    "setelah sebelum sampai sampe hingga terus trus banget bgt sekali sangat paling lebih "
    "kurang kapan mana gimana kenapa apa siapa"
)
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
STREET_WORDS = frozenset({"jl", "jln", "jalan", "jlan", "jalam"})
# a landmark alias made only of these words names a place every city has ("balai kota", "kebun
# raya", "alun alun"): it places a message only when the message is known to be about our city
GENERIC_LANDMARK_WORDS = frozenset(
    {
        "balai",
        "kota",
        "balaikota",
        "balkot",
        "kebun",
        "raya",
        "krb",
        "alun",
        "stasiun",
        "st",
        "terminal",
        "pasar",
        "psr",
        "rsud",
        "masjid",
        "agung",
        "istana",
        "presiden",
        "lapangan",
        "taman",
        "tugu",
        "gedung",
        "kantor",
        "walikota",
        "pemkot",
    }
)
STREET_CUTOFF = 88.0
DIRECTIONS = frozenset({"barat", "timur", "utara", "selatan", "tengah"})


def surface_form(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text.lower())).strip()
