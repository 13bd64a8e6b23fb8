"""A stream of realistic, signed platform deliveries for demos, load and crash tests.

Every event is written for this project: an informal Indonesian comment, message or mention about
one of the city's kelurahan, wrapped in the platform's own webhook shape (Instagram and Facebook
comments, Instagram direct messages, WhatsApp text and location messages, X Account Activity
tweets) and signed with the app secret, exactly as the platform would deliver it. The accounts
are the sample accounts (`paseban init --sample`). A few deliveries are sent twice, as Meta does
when it retries, and a few are the account's own replies echoing back.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from paseban.connectors.base import hub_signature
from paseban.connectors.x import webhook_signature
from paseban.csvfiles import package_rows

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

STREETS = (
    "Jl. Pajajaran",
    "Jl. Suryakencana",
    "Jl. Sudirman",
    "Jl. Juanda",
    "Jl. Soleh Iskandar",
    "Jl. Raya Tajur",
    "Jl. Siliwangi",
    "Jl. Merdeka",
    "Jl. Kapten Muslihat",
    "Jl. Dadali",
    "Jl. Pangrango",
    "Jl. Ahmad Yani",
    "Jl. KH Abdullah bin Nuh",
    "Jl. Raya Cilebut",
    "Jl. Mayor Oking",
    "Jl. Batutulis",
    "Jl. Veteran",
    "Jl. Semeru",
    "Jl. Cifor",
    "Jl. Bangbarung",
)

# {kel}: kelurahan name as citizens write it, {jalan}: a street, {rt}/{rw}: numbers,
# {tempat}: a landmark in that kelurahan (or the kelurahan again), {hari}: days
COMPLAINTS = (
    "min jalan di {jalan} deket {tempat} bolong2 gede bgt, kmrn ada motor jatoh 😡",
    "tolong dong jalan di rt {rt} rw {rw} kel. {kel} rusak parah udh {hari} hari ga dibenerin",
    "sampah di TPS {kel} numpuk {hari} hari ga diangkut, baunya kemana2 min",
    "truk sampah udh seminggu ga lewat rw {rw} {kel}, tolong diangkut ya 🙏",
    "got di {jalan} mampet, tiap ujan dikit langsung banjir sebetis di {kel}",
    "banjir lagi nih di rt {rt} {kel}, air masuk rumah warga, tolong dicek drainasenya",
    "lampu PJU di {jalan} deket {tempat} mati udh 2 minggu, gelap serem lewat situ malem",
    "pju mati sepanjang {jalan} {kel}, rawan begal min tolong segera",
    "ada pohon tumbang di {jalan} nutup setengah jalan, bahaya bgt!!",
    "pohon gede di depan {tempat} udh miring bgt, takut roboh pas ujan angin",
    "air pdam di rw {rw} {kel} mati dari subuh, ga ada info sama sekali",
    "angkot ngetem sembarangan di {jalan} tiap sore, macet parah 😤",
    "parkir liar di depan {tempat} bikin macet, tolong ditertibkan",
    "pkl di trotoar {jalan} makin banyak, pejalan kaki jalan di aspal",
    "banyak anjing liar di {kel} rt {rt}, anak2 takut berangkat sekolah",
    "drainase di {jalan} ketutup sedimen, kalau ujan airnya naik ke jalan",
    "trotoar di {jalan} deket {tempat} ancur, kursi roda ga bisa lewat",
    "ada kabel menjuntai rendah di rw {rw} {kel}, bahaya kena kepala",
    "min ada yang buang sampah ke kali di {kel}, tiap pagi numpuk di pinggir",
    "kebakaran di gang belakang {tempat} {kel}!! tolong damkar segera",
)
QUESTIONS = (
    "min mau nanya bikin KTP el di kecamatan skrg bisa online ga?",
    "posyandu di rw {rw} {kel} bulan ini jadwalnya kapan ya?",
    "kapan pendaftaran beasiswa pelajar kota bogor dibuka min?",
    "kalo mau ngurus KK baru di {kel} syaratnya apa aja ya?",
    "min vaksin anak di puskesmas {kel} hari apa aja?",
    "car free day di {jalan} minggu ini ada ga min?",
)
OTHERS = (
    "mantap pak lurah {kel}, gercep benerin jalan 👍",
    "makasih min udh diangkut sampahnya, skrg bersih {kel}",
    "usul min, taman di {kel} dikasih lampu biar anak muda bisa kumpul positif",
    "semoga {kel} makin asri, semangat kerja bakti minggu depan!",
    "info aja min, besok ada kerja bakti di rw {rw} {kel}",
    "PROMO!!! jual followers murah, dm aja kak 🔥🔥",
)
REPLIES = (
    "Terima kasih laporannya kak, sudah kami teruskan ke dinas terkait 🙏",
    "Baik, kami cek ke lapangan ya kak.",
    "Mohon maaf atas ketidaknyamanannya, sedang kami tindak lanjuti.",
)
GENERIC_PLACES = ("masjid", "SDN", "pos ronda", "kantor kelurahan", "warung bu haji", "gang mesjid")
FULL_NAMES = (
    "Yanti Rahmawati",
    "Dedi Supriadi",
    "Euis Kurniasih",
    "Asep Saepudin",
    "Rina Marlina",
    "Hendra Gunawan",
    "Siti Nurhaliza",
    "Ujang Komarudin",
    "Nurul Hidayah",
    "Agus Setiawan",
)
NAMES = (
    "rina.bgr",
    "dedi_s",
    "ujang.semeru",
    "sari_bogor",
    "agus.cbr",
    "mamah.rafa",
    "ojan.bgr",
    "nina_bgr",
    "lia_bantarjati",
    "bayu.babakan",
    "euis.kencana",
    "fajar.tanahsareal",
    "asep.mulyaharja",
    "dewi.sempur",
    "yanti_rahma",
    "budi.tanahsareal",
    "hendra.cbl",
    "nurul",
)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    landmarks: tuple[str, ...]
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Delivery:
    endpoint: str  # meta, whatsapp, x
    body: bytes
    headers: dict[str, str]
    kind: str  # instagram_comment, facebook_comment, ...


@dataclass
class Generator:
    """Builds deliveries. Deterministic for a given seed (ids, texts, places)."""

    meta_secret: str
    x_secret: str = ""
    seed: int | None = None
    places: dict[str, Place] = field(default_factory=dict)
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)  # kelurahan code -> IG
    city: dict[str, dict[str, str]] = field(default_factory=dict)  # platform -> city account

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.counter = 0
        landmarks: dict[str, list[str]] = {}
        for row in package_rows("reference", "bogor", "landmarks.csv"):
            landmarks.setdefault(row["kelurahan"], []).append(row["name"])
        for row in package_rows("reference", "bogor", "wilayah.csv"):
            lat = float(row["lat"]) if row.get("lat") else None
            lon = float(row["lon"]) if row.get("lon") else None
            self.places[row["kode"]] = Place(
                row["kode"], row["kelurahan"], tuple(landmarks.get(row["kode"], ())), lat, lon
            )
        for row in package_rows("sample", "accounts.csv"):
            if row["platform"] == "instagram" and row["owner_kind"] == "kelurahan":
                self.accounts[row["owner_code"]] = row
            elif row["owner_kind"] == "city" and row["platform_account_id"]:
                self.city.setdefault(row["platform"], row)
        self.places = {k: v for k, v in self.places.items() if k in self.accounts}
        self.last_ig: tuple[str, str] | None = None  # (account id, comment id) for echoes

    # --- text ------------------------------------------------------------------------------------

    def _id(self, digits: int) -> str:
        self.counter += 1
        head = self.rng.randrange(10 ** (digits - 7), 10 ** (digits - 6))
        return f"{head}{self.counter % 1_000_000:06d}"

    def text(self, place: Place) -> str:
        pool = self.rng.choices((COMPLAINTS, QUESTIONS, OTHERS), weights=(70, 18, 12))[0]
        template = self.rng.choice(pool)
        name = place.name
        if self.rng.random() < 0.3:  # how people type it
            name = name.lower().replace(" ", "") if self.rng.random() < 0.5 else name.lower()
        return template.format(
            kel=name,
            jalan=self.rng.choice(STREETS),
            tempat=self.rng.choice(place.landmarks or GENERIC_PLACES),
            rt=f"{self.rng.randint(1, 12):02d}",
            rw=f"{self.rng.randint(1, 15):02d}",
            hari=self.rng.randint(2, 9),
        )

    # --- deliveries ------------------------------------------------------------------------------

    def next(self, now: datetime | None = None) -> Delivery:
        now = now or datetime.now(UTC)
        place = self.places[self.rng.choice(sorted(self.places))]
        kinds = ["instagram_comment", "instagram_dm", "facebook_comment", "whatsapp", "echo"]
        weights = [55, 6, 14, 15, 4]
        if self.x_secret and "x" in self.city:
            kinds.append("x_mention")
            weights.append(6)
        kind = self.rng.choices(kinds, weights=weights)[0]
        if kind == "echo" and self.last_ig is None:
            kind = "instagram_comment"
        build: Callable[[Place, int], Delivery] = getattr(self, f"_{kind}")
        return build(place, int(now.timestamp()))

    def _meta(self, payload: dict[str, object], kind: str) -> Delivery:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"X-Hub-Signature-256": hub_signature(self.meta_secret, body)}
        return Delivery("meta", body, headers | {"Content-Type": "application/json"}, kind)

    def _instagram_comment(self, place: Place, ts: int) -> Delivery:
        account = self.accounts[place.code]["platform_account_id"]
        comment = self._id(17)
        self.last_ig = (account, comment)
        value = {
            "id": comment,
            "text": self.text(place),
            "from": {"id": self._id(16), "username": self.rng.choice(NAMES)},
            "media": {"id": self._id(17), "media_product_type": "FEED"},
        }
        entry = {"id": account, "time": ts, "changes": [{"field": "comments", "value": value}]}
        return self._meta({"object": "instagram", "entry": [entry]}, "instagram_comment")

    def _echo(self, place: Place, ts: int) -> Delivery:
        assert self.last_ig is not None
        account, parent = self.last_ig
        value = {
            "id": self._id(17),
            "text": self.rng.choice(REPLIES),
            "from": {"id": account, "username": "admin"},
            "media": {"id": self._id(17), "media_product_type": "FEED"},
            "parent_id": parent,
        }
        entry = {"id": account, "time": ts, "changes": [{"field": "comments", "value": value}]}
        return self._meta({"object": "instagram", "entry": [entry]}, "echo")

    def _instagram_dm(self, place: Place, ts: int) -> Delivery:
        account = self.accounts[place.code]["platform_account_id"]
        event = {
            "sender": {"id": self._id(16)},
            "recipient": {"id": account},
            "timestamp": ts * 1000,
            "message": {"mid": "aWdf" + self._id(20), "text": self.text(place)},
        }
        entry = {"id": account, "time": ts * 1000, "messaging": [event]}
        return self._meta({"object": "instagram", "entry": [entry]}, "instagram_dm")

    def _facebook_comment(self, place: Place, ts: int) -> Delivery:
        page = self.city["facebook"]["platform_account_id"]
        post = f"{page}_{self._id(18)}"
        value = {
            "from": {"id": self._id(16), "name": self.rng.choice(FULL_NAMES)},
            "post_id": post,
            "comment_id": f"{post.split('_')[1]}_{self._id(15)}",
            "parent_id": post,
            "message": self.text(place),
            "created_time": ts,
            "item": "comment",
            "verb": "add",
        }
        entry = {"id": page, "time": ts, "changes": [{"field": "feed", "value": value}]}
        return self._meta({"object": "page", "entry": [entry]}, "facebook_comment")

    def _whatsapp(self, place: Place, ts: int) -> Delivery:
        number = self.city["whatsapp"]["platform_account_id"]
        sender = f"628{self.rng.randint(1000000000, 9999999999)}"
        message: dict[str, object] = {
            "from": sender,
            "id": "wamid." + self._id(24),
            "timestamp": str(ts),
        }
        if place.lat is not None and place.lon is not None and self.rng.random() < 0.25:
            message |= {
                "type": "location",
                "location": {
                    "latitude": round(place.lat + self.rng.uniform(-0.002, 0.002), 6),
                    "longitude": round(place.lon + self.rng.uniform(-0.002, 0.002), 6),
                    "name": self.rng.choice(place.landmarks) if place.landmarks else "",
                },
            }
        else:
            message |= {"type": "text", "text": {"body": self.text(place)}}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "6281100000000", "phone_number_id": number},
            "contacts": [
                {"profile": {"name": self.rng.choice(NAMES).split(".")[0].title()}, "wa_id": sender}
            ],
            "messages": [message],
        }
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}
            ],
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"X-Hub-Signature-256": hub_signature(self.meta_secret, body)}
        return Delivery(
            "whatsapp", body, headers | {"Content-Type": "application/json"}, "whatsapp"
        )

    def _x_mention(self, place: Place, ts: int) -> Delivery:
        account = self.city["x"]
        handle = self.rng.choice(NAMES)
        tweet = {
            "created_at": datetime.fromtimestamp(ts, UTC).strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "id_str": self._id(19),
            "text": f"@{account['handle']} {self.text(place)}",
            "user": {"id_str": self._id(10), "screen_name": handle},
        }
        payload = {"for_user_id": account["platform_account_id"], "tweet_create_events": [tweet]}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "x-twitter-webhooks-signature": webhook_signature(self.x_secret, body),
            "Content-Type": "application/json",
        }
        return Delivery("x", body, headers, "x_mention")

    def stream(self, *, retry_share: float = 0.03) -> Iterator[Delivery]:
        """Deliveries forever; about `retry_share` of them are sent a second time (Meta's
        retries), to show that nothing is stored twice."""
        while True:
            delivery = self.next()
            yield delivery
            if self.rng.random() < retry_share:
                yield delivery


def check_local(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"simulator hanya mengirim ke server lokal (127.0.0.1), bukan {url!r}")
    return url.rstrip("/")


@dataclass
class RunReport:
    sent: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    def summary(self) -> str:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.by_kind.items()))
        return f"{self.sent} kiriman ({kinds}); HTTP {codes or '-'}; gagal tersambung {self.errors}"


def run(
    url: str,
    generator: Generator,
    *,
    rate: float,
    seconds: float,
    stop: threading.Event | None = None,
    client: httpx.Client | None = None,
    on_delivery: Callable[[Delivery, int | None], None] | None = None,
) -> RunReport:
    """Send deliveries to a running server at `rate` per second for `seconds` (0: until stopped).
    Paced on a fixed schedule, so a slow answer does not lower the rate."""
    base = check_local(url)
    if rate <= 0:
        raise ValueError("rate harus lebih dari 0")
    stop = stop or threading.Event()
    owned = client is None
    client = client or httpx.Client(timeout=10.0)
    report = RunReport()
    start = time.monotonic()
    try:
        for n, delivery in enumerate(generator.stream()):
            due = start + n / rate
            if seconds and due - start >= seconds:
                break
            if stop.wait(max(0.0, due - time.monotonic())):
                break
            status: int | None
            try:
                response = client.post(
                    f"{base}/webhooks/{delivery.endpoint}",
                    content=delivery.body,
                    headers=delivery.headers,
                )
                status = response.status_code
                report.by_status[status] += 1
            except httpx.HTTPError:
                status = None
                report.errors += 1
            report.sent += 1
            report.by_kind[delivery.kind] += 1
            if on_delivery:
                on_delivery(delivery, status)
    finally:
        if owned:
            client.close()
    return report
