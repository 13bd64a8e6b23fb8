"""Reference vocabulary for the Paseban training corpus.

Copied from the project's reference tables (topics, intents, urgency, and the Kemendagri
codes of Kota Bogor's 6 kecamatan and 68 kelurahan, Kepmendagri 300.2.2-2138/2025), so that
the corpus tools never read shared files at run time. Python 3.11 standard library only.
"""

from __future__ import annotations

INTENTS = ("aduan", "pertanyaan", "aspirasi", "apresiasi", "informasi", "spam", "kasar")
TOPICAL_INTENTS = ("aduan", "pertanyaan", "aspirasi")
TOPICS = (
    "jalan",
    "drainase",
    "banjir_longsor",
    "sampah",
    "lingkungan",
    "pju",
    "pohon_taman",
    "lalu_lintas",
    "ketertiban",
    "kebakaran",
    "air_bersih",
    "adminduk",
    "kesehatan",
    "pendidikan",
    "sosial",
    "perizinan",
    "pasar",
    "listrik",
    "keamanan",
    "pelayanan",
    "lainnya",
)
URGENCIES = ("darurat", "tinggi", "normal")
PLATFORMS = ("instagram", "facebook", "whatsapp", "x", "youtube", "tiktok")
KEYS = (
    "id",
    "text",
    "intent",
    "topic",
    "urgency",
    "kelurahan",
    "kecamatan",
    "street",
    "rt",
    "rw",
    "landmark",
    "platform",
    "source",
    "group",
)

KECAMATAN: dict[str, str] = {
    "32.71.01": "Bogor Selatan",
    "32.71.02": "Bogor Timur",
    "32.71.03": "Bogor Tengah",
    "32.71.04": "Bogor Barat",
    "32.71.05": "Bogor Utara",
    "32.71.06": "Tanah Sareal",
}

# code -> (official name, aliases from the reference table)
KELURAHAN: dict[str, tuple[str, tuple[str, ...]]] = {
    "32.71.01.1001": ("Batu Tulis", ("Batutulis",)),
    "32.71.01.1002": ("Bondongan", ()),
    "32.71.01.1003": ("Empang", ()),
    "32.71.01.1004": ("Lawanggintung", ("Lawang Gintung",)),
    "32.71.01.1005": ("Pamoyanan", ()),
    "32.71.01.1006": ("Rangga Mekar", ("Ranggamekar",)),
    "32.71.01.1007": ("Mulya Harja", ("Mulyaharja",)),
    "32.71.01.1008": ("Cikaret", ()),
    "32.71.01.1009": ("Bojong Kerta", ("Bojongkerta",)),
    "32.71.01.1010": ("Rancamaya", ()),
    "32.71.01.1011": ("Kertamaya", ()),
    "32.71.01.1012": ("Harjasari", ()),
    "32.71.01.1013": ("Muara Sari", ("Muarasari",)),
    "32.71.01.1014": ("Genteng", ()),
    "32.71.01.1015": ("Pakuan", ()),
    "32.71.01.1016": ("Cipaku", ()),
    "32.71.02.1001": ("Sukasari", ()),
    "32.71.02.1002": ("Baranangsiang", ()),
    "32.71.02.1003": ("Katulampa", ()),
    "32.71.02.1004": ("Sindangsari", ()),
    "32.71.02.1005": ("Sindangrasa", ()),
    "32.71.02.1006": ("Tajur", ()),
    "32.71.03.1001": ("Gudang", ()),
    "32.71.03.1002": ("Paledang", ()),
    "32.71.03.1003": ("Pabaton", ()),
    "32.71.03.1004": ("Cibogor", ()),
    "32.71.03.1005": ("Babakan", ()),
    "32.71.03.1006": ("Sempur", ()),
    "32.71.03.1007": ("Tegallega", ()),
    "32.71.03.1008": ("Babakan Pasar", ("Babakanpasar",)),
    "32.71.03.1009": ("Panaragan", ()),
    "32.71.03.1010": ("Ciwaringin", ()),
    "32.71.03.1011": ("Kebon Kalapa", ("Kebon Kelapa", "Kebonkalapa")),
    "32.71.04.1001": ("Menteng", ()),
    "32.71.04.1002": ("Sindang Barang", ("Sindangbarang",)),
    "32.71.04.1003": ("Bubulak", ()),
    "32.71.04.1004": ("Marga jaya", ("Marga Jaya", "Margajaya")),
    "32.71.04.1005": ("Balumbang Jaya", ("Balumbangjaya", "Balungbang Jaya")),
    "32.71.04.1006": ("Situ Gede", ("Situgede",)),
    "32.71.04.1007": ("Semplak", ()),
    "32.71.04.1008": ("Cilendek Barat", ("Cilendekbarat",)),
    "32.71.04.1009": ("Cilendek Timur", ("Cilendektimur",)),
    "32.71.04.1010": ("Curug Mekar", ("Curugmekar",)),
    "32.71.04.1011": ("Curug", ()),
    "32.71.04.1012": ("Pasir Jaya", ("Pasirjaya",)),
    "32.71.04.1013": ("Pasir Kuda", ("Pasirkuda",)),
    "32.71.04.1014": ("Pasir Mulya", ("Pasirmulya",)),
    "32.71.04.1015": ("Gunung Batu", ("Gunungbatu",)),
    "32.71.04.1016": ("Loji", ()),
    "32.71.05.1001": ("Bantarjati", ()),
    "32.71.05.1002": ("Tegal Gundil", ("Tegalgundil",)),
    "32.71.05.1003": ("Kedung Halang", ("Kedunghalang",)),
    "32.71.05.1004": ("Ciparigi", ()),
    "32.71.05.1005": ("Cibuluh", ()),
    "32.71.05.1006": ("Ciluar", ()),
    "32.71.05.1007": ("Tanah Baru", ("Tanahbaru",)),
    "32.71.05.1008": ("Cimahpar", ()),
    "32.71.06.1001": ("Tanah Sareal", ("Tanah Sereal", "Tanahsareal")),
    "32.71.06.1002": ("Kebon Pedes", ("Kebonpedes",)),
    "32.71.06.1003": ("Kedung Badak", ("Kedungbadak",)),
    "32.71.06.1004": ("Sukaresmi", ()),
    "32.71.06.1005": ("Kedung Waringin", ("Kedungwaringin",)),
    "32.71.06.1006": ("Kedung Jaya", ("Kedungjaya",)),
    "32.71.06.1007": ("Sukadamai", ()),
    "32.71.06.1008": ("Mekar Wangi", ("Mekarwangi",)),
    "32.71.06.1009": ("Kencana", ()),
    "32.71.06.1010": ("Kayu Manis", ("Kayumanis",)),
    "32.71.06.1011": ("Cibadak", ()),
}

# Further spellings seen in citizen writing: abbreviations and common misspellings.
# Used by the generator and by the hand-corpus helper to recognise place names.
EXTRA_SPELLINGS: dict[str, tuple[str, ...]] = {
    "32.71.01.1001": ("batu tlis", "btu tulis"),
    "32.71.01.1002": ("bondngan", "bondonga"),
    "32.71.01.1004": ("lw gintung", "lawang gintng", "lawanggintun"),
    "32.71.01.1005": ("pamoyanaan", "pamoyana"),
    "32.71.01.1006": ("rangamekar", "rangga mkr"),
    "32.71.01.1007": ("mulyharja", "mulya harjaa", "mulyaharjah"),
    "32.71.01.1008": ("cikarett", "cikret"),
    "32.71.01.1009": ("bjg kerta", "bojong kertha"),
    "32.71.01.1010": ("ranca maya", "rancamaja"),
    "32.71.01.1011": ("kerta maya",),
    "32.71.01.1012": ("harja sari", "harjasarii"),
    "32.71.01.1013": ("muara sarie", "muarsari"),
    "32.71.01.1016": ("cipakuu",),
    "32.71.02.1001": ("suka sari", "sukasarie"),
    "32.71.02.1002": ("baranang siang", "barangsiang", "brnangsiang", "baranangsiyang"),
    "32.71.02.1003": ("katulampah", "ktlampa", "katulmpa"),
    "32.71.02.1004": ("sindang sari",),
    "32.71.02.1005": ("sindang rasa",),
    "32.71.03.1002": ("paledangg",),
    "32.71.03.1004": ("ci bogor",),
    "32.71.03.1007": ("tegal lega", "tegalega"),
    "32.71.03.1008": ("bbkn pasar", "babakan psr", "bbk pasar"),
    "32.71.03.1009": ("panaragn",),
    "32.71.03.1010": ("ciwaringn", "ci waringin"),
    "32.71.03.1011": ("kb kalapa", "kb. kalapa", "kebon klapa"),
    "32.71.04.1002": ("sindang brg",),
    "32.71.04.1003": ("bubulakk",),
    "32.71.04.1004": ("marga jya",),
    "32.71.04.1005": ("balumbang jya", "balumbang"),
    "32.71.04.1006": ("situ gde", "situgde"),
    "32.71.04.1008": ("cilendek brt",),
    "32.71.04.1009": ("cilendek tmr",),
    "32.71.04.1010": ("curug mkr",),
    "32.71.04.1012": ("pasir jya",),
    "32.71.04.1013": ("psr kuda", "pasir kudaa"),
    "32.71.04.1014": ("pasir mulia",),
    "32.71.04.1015": ("gn batu", "gn. batu", "gunung batuu"),
    "32.71.05.1001": ("bantar jati", "bantarjatii"),
    "32.71.05.1002": ("tegal gundi", "tgl gundil", "tegal gundill"),
    "32.71.05.1003": ("kd. halang", "kdg halang", "kedung halan"),
    "32.71.05.1004": ("ciparigy",),
    "32.71.05.1005": ("cibuluhh",),
    "32.71.05.1006": ("ciluwar",),
    "32.71.05.1007": ("tnh baru",),
    "32.71.05.1008": ("cimapar", "cimahpr"),
    "32.71.06.1001": ("tnh sareal", "tanah sarial"),
    "32.71.06.1002": ("kb. pedes", "kebon pedas", "kb pedes"),
    "32.71.06.1003": ("kd. badak", "kdg badak", "kedung bdk"),
    "32.71.06.1004": ("suka resmi",),
    "32.71.06.1005": ("kdg waringin", "kd. waringin"),
    "32.71.06.1006": ("kdg jaya",),
    "32.71.06.1007": ("suka damai",),
    "32.71.06.1008": ("mekar wangy", "mekarwangii"),
    "32.71.06.1010": ("kayumanes", "kayu manies"),
    "32.71.06.1011": ("cibadakk",),
}

# Kelurahan names that are also ordinary words or parts of other names: only count as a
# place when written as "kel. X", "kelurahan X", or in an unmistakable place phrase.
AMBIGUOUS_NAMES = frozenset(
    {
        "genteng",
        "pakuan",
        "gudang",
        "babakan",
        "menteng",
        "curug",
        "loji",
        "kencana",
        "empang",
        "tajur",
        "sempur",
        "semplak",
        "cibadak",
    }
)

# Landmarks whose kelurahan is certain. Other landmarks are labelled as landmark only.
LANDMARKS: dict[str, str | None] = {
    "Pasar Bogor": "32.71.03.1008",
    "Kebun Raya Bogor": "32.71.03.1002",
    "Kebun Raya": "32.71.03.1002",
    "Istana Bogor": "32.71.03.1002",
    "Balai Kota Bogor": "32.71.03.1003",
    "Balai Kota": "32.71.03.1003",
    "Stasiun Bogor": "32.71.03.1004",
    "Botani Square": "32.71.03.1007",
    "Lapangan Sempur": "32.71.03.1006",
    "Taman Sempur": "32.71.03.1006",
    "Prasasti Batutulis": "32.71.01.1001",
    "Bendung Katulampa": "32.71.02.1003",
    "Terminal Bubulak": "32.71.04.1003",
    "Danau Situ Gede": "32.71.04.1006",
    "Pasar Sukasari": "32.71.02.1001",
    "Pasar Gunung Batu": "32.71.04.1015",
    "Pasar Bantarjati": "32.71.05.1001",
    "Pasar Anyar": None,
    "Pasar Kebon Kembang": None,
    "Pasar Jambu Dua": None,
    "Pasar Merdeka": None,
    "Pasar Devris": None,
    "Tugu Kujang": None,
    "Taman Kencana": None,
    "Alun-alun Kota Bogor": None,
    "Masjid Raya Bogor": None,
    "RSUD Kota Bogor": None,
    "Terminal Baranangsiang": "32.71.02.1002",
    "Jembatan Merah": None,
    "Bogor Trade Mall": None,
    "Air Mancur": None,
    "Taman Corat-coret": None,
    "Plaza Jambu Dua": None,
    "Perumahan Yasmin": None,
    "Lippo Plaza Ekalokasari": None,
    "Taman Heulang": None,
    "Taman Peranginan": None,
    "Polresta Bogor Kota": None,
    "Pasar Cumpok": None,
}

NATIONAL_ROADS = (
    "Jl. Pajajaran",
    "Jl. Sholeh Iskandar",
    "Jl. Raya Dramaga",
    "Jl. Abdullah bin Nuh",
)
PROVINCIAL_ROADS = ("Jl. Juanda", "Jl. Sudirman", "Jl. Pemuda", "Jl. Empang", "Jl. Batutulis")


def kecamatan_of(kelurahan_code: str) -> str:
    return kelurahan_code.rsplit(".", 1)[0]


def near_key(text: str) -> str:
    """Key under which two texts count as near-duplicates: case, spacing, punctuation and
    repeated characters ignored ("Hadiiir!!" == "hadir")."""
    import re
    import string

    t = "".join(ch for ch in text.lower() if not ch.isspace() and ch not in string.punctuation)
    return re.sub(r"(.)\1+", r"\1", t)
