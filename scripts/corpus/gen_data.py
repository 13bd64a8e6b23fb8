"""Phrase banks for the corpus generator (scripts/corpus/generate.py).

A problem phrase starting with "~" is not tied to a spot (a KTP that is late, a bill): the
generator then names the place as where the writer lives ("saya warga ...") instead of "di ...".

Everything here is plain data written for this project. Problem phrases carry the urgency
they imply; "{loc}" marks where a place phrase may go.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# aduan: problem phrases per topic, (phrase, urgency)
# ---------------------------------------------------------------------------------------------
PROBLEMS: dict[str, list[tuple[str, str]]] = {
    "jalan": [
        ("jalan bolong2 parah", "tinggi"),
        ("jalan rusak parah", "tinggi"),
        ("aspal ngelupas semua", "normal"),
        ("lubang gede di tengah jalan", "tinggi"),
        ("jalan ambles", "tinggi"),
        ("trotoar pecah2 dan ubinnya lepas", "normal"),
        ("jembatan kecil retak dan goyang", "tinggi"),
        ("jalan berlubang, udah ada yg jatuh", "tinggi"),
        ("tambalan jalan gak rata", "normal"),
        ("jalan rusak kayak kubangan", "tinggi"),
        ("paving block pada lepas", "normal"),
        ("jalan retak2", "normal"),
        ("bekas galian ditutup asal2an", "normal"),
        ("jalan hancur abis dilewatin truk tanah", "tinggi"),
    ],
    "drainase": [
        ("got mampet", "normal"),
        ("selokan mampet dan bau", "normal"),
        ("saluran air ketutup sampah", "normal"),
        ("gorong2 tersumbat", "normal"),
        ("genangan air tiap hujan", "normal"),
        ("got meluap ke jalan", "tinggi"),
        ("drainase ga berfungsi, air nyebrang ke jalan", "normal"),
        ("saluran air penuh lumpur", "normal"),
        ("tutup got ilang", "normal"),
        ("gorong2 ambrol", "tinggi"),
    ],
    "banjir_longsor": [
        ("banjir masuk rumah", "darurat"),
        ("longsor", "darurat"),
        ("tanah amblas", "darurat"),
        ("rumah warga ambruk", "darurat"),
        ("tebing longsor nimpa rumah", "darurat"),
        ("air kali meluap ke permukiman", "darurat"),
        ("turap kali jebol", "darurat"),
        ("atap rumah warga terbang kena angin kencang", "darurat"),
        ("tanah retak2 rawan longsor", "tinggi"),
        ("banjir sepinggang", "darurat"),
        ("rumah retak karena tanah bergerak", "tinggi"),
        ("banjir belum surut juga", "tinggi"),
    ],
    "sampah": [
        ("sampah numpuk", "tinggi"),
        ("tps penuh sampe meluber ke jalan", "tinggi"),
        ("truk sampah ga dateng2", "tinggi"),
        ("sampah ga diangkut", "tinggi"),
        ("orang buang sampah sembarangan", "normal"),
        ("tps liar makin gede", "normal"),
        ("sampah di kali numpuk", "tinggi"),
        ("sampah berserakan dan bau busuk", "tinggi"),
        ("gerobak sampah ga lewat", "tinggi"),
        ("tong sampah rusak dan ilang", "normal"),
    ],
    "lingkungan": [
        ("bau limbah pabrik", "normal"),
        ("asap pembakaran sampah masuk rumah", "normal"),
        ("sungai tercemar limbah, airnya item", "tinggi"),
        ("suara mesin pabrik berisik tiap malam", "normal"),
        ("debu proyek bikin warga batuk", "normal"),
        ("bau kandang ayam nyengat", "normal"),
        ("ikan di kali pada mati kena limbah", "tinggi"),
        ("karaoke berisik sampe subuh", "normal"),
        ("pembuangan oli bekas ke got", "normal"),
        ("bau septic tank bocor", "normal"),
    ],
    "pju": [
        ("lampu jalan mati", "normal"),
        ("pju mati semua, gelap gulita", "normal"),
        ("lampu jalan kedip2", "normal"),
        ("gang gelap, lampu jalan ga ada", "normal"),
        ("tiang pju miring mau roboh", "tinggi"),
        ("lampu jalan nyala siang mati malem", "normal"),
        ("jalan gelap rawan begal, lampu jalan mati", "tinggi"),
        ("kabel pju berantakan", "normal"),
    ],
    "pohon_taman": [
        ("pohon tumbang nutup jalan", "darurat"),
        ("pohon tumbang nimpa motor", "darurat"),
        ("pohon gede miring rawan tumbang", "tinggi"),
        ("dahan pohon menjuntai ke jalan", "tinggi"),
        ("ranting pohon patah nyangkut kabel", "tinggi"),
        ("taman kotor dan rusak", "normal"),
        ("ayunan di taman patah", "normal"),
        ("rumput taman ga pernah dipotong", "normal"),
        ("pohon tumbang nimpa rumah warga", "darurat"),
        ("akar pohon bikin trotoar naik", "normal"),
    ],
    "lalu_lintas": [
        ("macet parah", "normal"),
        ("parkir liar", "normal"),
        ("angkot ngetem sembarangan", "normal"),
        ("lampu merah mati", "tinggi"),
        ("rambu lalu lintas ilang", "normal"),
        ("marka jalan ga keliatan", "normal"),
        ("polisi tidur ketinggian", "normal"),
        ("truk gede lewat jalan kampung", "normal"),
        ("jukir liar maksa minta duit parkir", "normal"),
        ("mobil parkir di trotoar", "normal"),
        ("zebra cross udah pudar", "normal"),
    ],
    "ketertiban": [
        ("pkl jualan di trotoar", "normal"),
        ("bangunan liar di bantaran kali", "normal"),
        ("reklame liar di tiang listrik", "normal"),
        ("balap liar tiap malem", "normal"),
        ("pengamen maksa di lampu merah", "normal"),
        ("lapak pedagang makan badan jalan", "normal"),
        ("spanduk liar semrawut", "normal"),
        ("warung remang2 buka sampe pagi", "normal"),
        ("knalpot brong berisik tengah malem", "normal"),
        ("kios permanen dibangun di atas saluran", "normal"),
    ],
    "kebakaran": [
        ("kebakaran rumah", "darurat"),
        ("ada kebakaran, api udah gede", "darurat"),
        ("kebakaran lahan ilalang merembet ke rumah", "darurat"),
        ("ular masuk rumah", "darurat"),
        ("sarang tawon gede di plafon", "tinggi"),
        ("orang terjebak di dalam rumah yg kebakar", "darurat"),
        ("kebakaran gudang", "darurat"),
        ("anak kejepit pagar besi", "darurat"),
        ("sarang tawon vespa di pohon deket sekolah", "tinggi"),
        ("kebakaran warung", "darurat"),
    ],
    "air_bersih": [
        ("air pdam mati", "tinggi"),
        ("air pdam keruh", "normal"),
        ("air pdam kecil cuma netes", "tinggi"),
        ("pipa pdam bocor", "tinggi"),
        ("~tagihan pdam membengkak", "normal"),
        ("air pdam bau kaporit", "normal"),
        ("air pdam ga ngalir 3 hari", "tinggi"),
        ("~meteran pdam rusak", "normal"),
        ("~pasang baru pdam ga dipasang2", "normal"),
    ],
    "adminduk": [
        ("~ktp belum jadi2", "normal"),
        ("~akta kelahiran anak belum selesai", "normal"),
        ("~kk salah cetak nama", "normal"),
        ("~antrian online disdukcapil selalu penuh", "normal"),
        ("~blangko ktp katanya habis", "normal"),
        ("~kia anak ga jadi2", "normal"),
        ("~surat pindah ga diproses", "normal"),
        ("~data nik ga sinkron", "normal"),
    ],
    "kesehatan": [
        ("banyak warga kena dbd", "tinggi"),
        ("puskesmas tutup sebelum jam layanan", "normal"),
        ("~antri di rsud dari subuh", "normal"),
        ("obat di puskesmas sering kosong", "normal"),
        ("posyandu ga ada kegiatan", "normal"),
        ("jentik nyamuk dimana2, takut dbd", "normal"),
        ("~pasien sering ditolak igd rsud", "tinggi"),
        ("petugas puskesmas jutek", "normal"),
        ("belum ada fogging padahal ada yg kena dbd", "tinggi"),
    ],
    "pendidikan": [
        ("atap kelas sd bocor", "tinggi"),
        ("~pungutan uang gedung di smp negeri", "normal"),
        ("~guru honorer ga digaji", "normal"),
        ("~spmb zonasi kacau", "normal"),
        ("toilet sekolah rusak", "normal"),
        ("~sma negeri narik iuran wajib", "normal"),
        ("pagar sekolah roboh", "tinggi"),
        ("~seragam sekolah wajib beli di sekolah, mahal", "normal"),
        ("~smk negeri minta uang study tour", "normal"),
    ],
    "sosial": [
        ("lansia terlantar ga ada yg ngurus", "tinggi"),
        ("odgj sering ngamuk di jalan", "tinggi"),
        ("bansos ga tepat sasaran", "normal"),
        ("anak jalanan tidur di trotoar", "normal"),
        ("~udah daftar dtks ga pernah dapet bantuan", "normal"),
        ("~pkh tiba2 dicoret", "normal"),
        ("gelandangan bawa bayi tiap malem", "normal"),
    ],
    "perizinan": [
        ("~ngurus pbg ga keluar2", "normal"),
        ("~oss error terus", "normal"),
        ("pabrik di pemukiman ga ada izin", "normal"),
        ("~dimintain uang pelicin pas ngurus izin", "normal"),
        ("~izin usaha ga diproses", "normal"),
        ("~izin reklame dipersulit", "normal"),
        ("minimarket baru berdiri tanpa izin warga", "normal"),
    ],
    "pasar": [
        ("pasar becek dan bau", "normal"),
        ("atap pasar bocor", "normal"),
        ("retribusi kios naik tapi pasar tetep kumuh", "normal"),
        ("sampah di pasar numpuk", "tinggi"),
        ("tangga pasar licin dan gelap", "tinggi"),
        ("los daging banyak lalat", "normal"),
        ("pkl di pintu pasar bikin macet", "normal"),
        ("kios pasar banyak yg kosong", "normal"),
    ],
    "listrik": [
        ("listrik mati", "tinggi"),
        ("kabel pln menjuntai rendah", "tinggi"),
        ("tiang listrik pln miring", "tinggi"),
        ("mati lampu berkali2", "tinggi"),
        ("~token listrik ga masuk", "normal"),
        ("kabel listrik putus nyala percikan api", "darurat"),
        ("trafo pln bunyi dan keluar asap", "darurat"),
        ("listrik byarpet", "tinggi"),
    ],
    "keamanan": [
        ("sering ada begal", "tinggi"),
        ("maling motor berkeliaran", "tinggi"),
        ("tawuran pelajar", "darurat"),
        ("kecelakaan, korbannya belum ditolong", "darurat"),
        ("jambret makin sering", "tinggi"),
        ("preman malak pedagang", "tinggi"),
        ("anak2 mabuk bikin ribut tiap malem", "tinggi"),
        ("rumah kosong dipake pesta narkoba", "tinggi"),
    ],
    "pelayanan": [
        ("pegawai kelurahan ga ada di tempat", "normal"),
        ("surat pengantar dipungut biaya", "normal"),
        ("pelayanan di kelurahan lambat", "normal"),
        ("petugas kelurahan ga ramah", "normal"),
        ("~dm ke akun kelurahan ga pernah dibales", "normal"),
        ("disuruh bolak balik buat surat domisili", "normal"),
        ("pungli di kantor kelurahan", "normal"),
    ],
    "lainnya": [
        ("anjing liar banyak dan galak", "tinggi"),
        ("~website pemkot down", "normal"),
        ("~aplikasi pengaduan ga bisa login", "normal"),
        ("bangkai kucing di jalan ga diangkut", "normal"),
        ("wifi gratis di taman ga nyala", "normal"),
        ("~tagihan pbb dobel", "normal"),
        ("sinyal hp ilang total", "normal"),
    ],
}

# complaint phrased as a question: "kapan {Q} ..." (still aduan)
COMPLAINT_QUESTIONS: dict[str, list[str]] = {
    "jalan": [
        "jalan di {loc} dibenerin",
        "lubang di {loc} ditambal",
        "jalan rusak di {loc} diaspal",
    ],
    "drainase": ["got di {loc} dikeruk", "saluran air di {loc} dibersihin"],
    "banjir_longsor": [
        "bantuan buat korban banjir di {loc} dateng",
        "turap kali di {loc} dibangun lagi",
    ],
    "sampah": ["sampah di {loc} diangkut", "tps di {loc} dikosongin"],
    "lingkungan": ["pabrik yg buang limbah di {loc} ditindak", "bau limbah di {loc} diberesin"],
    "pju": ["lampu jalan di {loc} dibenerin", "pju di {loc} nyala lagi"],
    "pohon_taman": ["pohon miring di {loc} dipangkas", "taman di {loc} dirapihin"],
    "lalu_lintas": ["parkir liar di {loc} ditertibin", "lampu merah di {loc} dibenerin"],
    "ketertiban": ["pkl di {loc} ditertibin", "bangunan liar di {loc} dibongkar"],
    "kebakaran": ["sarang tawon di {loc} dievakuasi", "damkar nyampe ke {loc}"],
    "air_bersih": ["air pdam di {loc} ngalir lagi", "pipa bocor di {loc} dibenerin"],
    "adminduk": ["ktp saya jadi, udah rekam di {loc}", "akta anak saya selesai"],
    "kesehatan": ["fogging di {loc}", "puskesmas di {loc} buka sesuai jadwal"],
    "pendidikan": ["atap sekolah di {loc} dibenerin", "pungutan di sekolah {loc} dihentikan"],
    "sosial": ["lansia terlantar di {loc} diurus", "bansos buat warga {loc} cair"],
    "perizinan": ["izin usaha saya keluar", "pbg saya diproses"],
    "pasar": ["pasar di {loc} dibenerin atapnya", "pasar di {loc} ga becek lagi"],
    "listrik": ["listrik di {loc} nyala lagi", "kabel pln di {loc} dirapihin"],
    "keamanan": ["patroli malam di {loc} ditambah", "begal di {loc} ditangkep"],
    "pelayanan": ["pelayanan di kelurahan {kel} bener", "surat saya di kelurahan {kel} selesai"],
    "lainnya": ["anjing liar di {loc} ditangkepin", "website pemkot bener"],
}

# formal fragments for letters ("Dengan hormat, ... {F}.")
FORMAL: dict[str, list[tuple[str, str]]] = {
    "jalan": [
        (
            "kondisi jalan lingkungan di wilayah kami rusak berat dan berlubang sehingga membahayakan pengendara",
            "tinggi",
        ),
        ("trotoar di wilayah kami rusak dan menyulitkan pejalan kaki", "normal"),
    ],
    "drainase": [
        (
            "saluran drainase di lingkungan kami tersumbat sehingga air menggenang setiap hujan",
            "normal",
        )
    ],
    "banjir_longsor": [
        (
            "telah terjadi longsor yang menimpa rumah warga dan warga membutuhkan bantuan segera",
            "darurat",
        ),
        ("banjir sedang melanda permukiman kami dan air telah masuk ke rumah warga", "darurat"),
    ],
    "sampah": [
        ("sampah di lingkungan kami tidak diangkut selama lebih dari satu minggu", "tinggi")
    ],
    "lingkungan": [
        (
            "warga terganggu oleh bau limbah dan asap dari kegiatan usaha di sekitar permukiman",
            "normal",
        )
    ],
    "pju": [
        (
            "lampu penerangan jalan umum di lingkungan kami padam sehingga warga merasa tidak aman",
            "normal",
        )
    ],
    "pohon_taman": [
        ("terdapat pohon besar yang miring dan rawan tumbang di dekat permukiman warga", "tinggi"),
        ("sebuah pohon tumbang dan menutup akses jalan utama warga", "darurat"),
    ],
    "lalu_lintas": [
        (
            "kemacetan akibat parkir liar dan angkutan umum yang berhenti sembarangan semakin parah",
            "normal",
        )
    ],
    "ketertiban": [("keberadaan pedagang kaki lima di trotoar mengganggu pejalan kaki", "normal")],
    "kebakaran": [
        ("telah terjadi kebakaran di permukiman warga dan api belum dapat dipadamkan", "darurat"),
        (
            "terdapat sarang tawon berukuran besar di dekat rumah warga yang membahayakan anak-anak",
            "tinggi",
        ),
    ],
    "air_bersih": [
        (
            "aliran air PDAM di wilayah kami terhenti selama beberapa hari tanpa pemberitahuan",
            "tinggi",
        )
    ],
    "adminduk": [
        (
            "pengurusan dokumen kependudukan kami belum selesai meskipun telah melewati batas waktu layanan",
            "normal",
        )
    ],
    "kesehatan": [
        (
            "beberapa warga di lingkungan kami terjangkit demam berdarah dan belum dilakukan fogging",
            "tinggi",
        )
    ],
    "pendidikan": [
        (
            "bangunan sekolah dasar negeri di wilayah kami mengalami kerusakan atap yang membahayakan siswa",
            "tinggi",
        )
    ],
    "sosial": [
        (
            "terdapat warga lanjut usia yang hidup sebatang kara dan belum tersentuh bantuan sosial",
            "tinggi",
        )
    ],
    "perizinan": [
        ("terdapat kegiatan usaha di tengah permukiman yang diduga tidak memiliki izin", "normal")
    ],
    "pasar": [
        ("kondisi pasar tradisional di wilayah kami kumuh, becek, dan atapnya bocor", "normal")
    ],
    "listrik": [
        (
            "terjadi pemadaman listrik berulang kali tanpa pemberitahuan yang merugikan warga",
            "tinggi",
        )
    ],
    "keamanan": [
        (
            "terjadi beberapa kasus pencurian kendaraan bermotor di lingkungan kami dalam sebulan terakhir",
            "tinggi",
        )
    ],
    "pelayanan": [
        ("pelayanan surat-menyurat di kantor kelurahan berjalan sangat lambat", "normal")
    ],
    "lainnya": [
        (
            "keberadaan anjing liar di lingkungan kami meresahkan warga dan sudah ada anak yang digigit",
            "tinggi",
        )
    ],
}

# sarcastic complaints (aduan)
SARCASM: dict[str, list[str]] = {
    "jalan": [
        "mantap jalannya kayak kolam ikan",
        "keren, jalannya bisa buat latihan off road",
        "makasih pemkot, berkat lubang ini saya jadi rajin ke bengkel",
        "wah jalannya kayak permukaan bulan, estetik",
    ],
    "drainase": [
        "mantap, tiap hujan dapet kolam renang gratis depan rumah",
        "hebat gotnya, airnya ga kemana2",
    ],
    "banjir_longsor": ["asik tiap hujan rumah jadi waterpark lagi"],
    "sampah": [
        "wangi bgt tps nya, kayak parfum",
        "keren, sampahnya udah jadi gunung, tinggal didaki",
    ],
    "lingkungan": ["seger bgt udaranya, campur asap bakar sampah tiap pagi"],
    "pju": [
        "romantis bgt jalannya, gelap terus kayak candle light dinner",
        "hemat listrik ya min, lampu jalan ga pernah nyala",
    ],
    "pohon_taman": ["tamannya cantik, rumputnya udah setinggi pinggang"],
    "lalu_lintas": ["mantap, 1 km ditempuh 1 jam", "salut sama angkotnya, jalan dijadiin terminal"],
    "ketertiban": ["trotoarnya bagus, buat pkl bukan buat orang jalan"],
    "kebakaran": [],
    "air_bersih": [
        "makasih pdam, udah ngajarin hidup hemat air, 3 hari ga ngalir",
        "air pdam rasa teh susu, mantap",
    ],
    "adminduk": ["cepet bgt bikin ktp, baru 4 bulan udah hampir jadi"],
    "kesehatan": ["antri di puskesmas cuma 6 jam, cepet ya"],
    "pendidikan": ["sekolah gratis katanya, tapi seragam 2 juta"],
    "sosial": ["bansosnya tepat sasaran bgt, yg punya mobil dapet"],
    "perizinan": ["izin usaha 5 bulan belum kelar, cepet bgt ya"],
    "pasar": ["pasarnya bersih bgt, becek cuma setinggi mata kaki"],
    "listrik": ["pln baik bgt, ngajak warga hemat listrik tiap malem"],
    "keamanan": [],
    "pelayanan": ["pelayanannya cepet bgt, dateng pagi pulang sore"],
    "lainnya": [],
}

# ---------------------------------------------------------------------------------------------
# pertanyaan: questions per topic; {loc} optional place
# ---------------------------------------------------------------------------------------------
QUESTIONS: dict[str, list[str]] = {
    "jalan": [
        "proyek perbaikan jalan di {loc} sampe kapan",
        "lapor jalan rusak lewat aplikasi apa",
        "jalan nasional itu lapornya kemana",
        "pengaspalan di {loc} jadwalnya kapan",
    ],
    "drainase": [
        "kalau mau minta normalisasi saluran di {loc} ngajuinnya kemana",
        "kerja bakti bersihin got bisa pinjem alat dari dinas",
    ],
    "banjir_longsor": [
        "nomor bpbd kota bogor berapa",
        "korban longsor bisa dapet bantuan perbaikan rumah",
        "jalur evakuasi banjir di {loc} lewat mana",
    ],
    "sampah": [
        "jadwal angkut sampah di {loc} hari apa",
        "bank sampah di {loc} ada dimana",
        "iuran sampah resminya berapa",
        "buang kasur bekas bisa minta diangkut",
    ],
    "lingkungan": [
        "lapor pencemaran sungai kemana",
        "uji emisi gratis dimana",
        "bakar sampah di pekarangan itu boleh",
    ],
    "pju": [
        "minta pasang lampu jalan baru di {loc} ngajuinnya kemana",
        "lampu jalan yg mati lapornya ke dinas apa",
    ],
    "pohon_taman": [
        "pangkas pohon depan rumah harus izin siapa",
        "taman di {loc} buka jam berapa",
        "minta bibit pohon gratis buat rw di {loc} bisa",
    ],
    "lalu_lintas": [
        "cfd minggu ini ada",
        "rute biskita lewat {loc}",
        "jalan pajajaran ditutup jam berapa pas acara",
        "bayar parkir sekarang pake qris",
    ],
    "ketertiban": [
        "jualan di trotoar itu boleh",
        "pkl di {loc} boleh buka jam berapa",
        "lapor bangunan liar kemana",
    ],
    "kebakaran": [
        "nomor damkar kota bogor berapa",
        "evakuasi sarang tawon bayar",
        "pelatihan apar buat warga di {loc} bisa ngajuin",
    ],
    "air_bersih": [
        "biaya pasang baru pdam berapa",
        "bayar tagihan pdam bisa lewat e-wallet",
        "pemeliharaan pipa pdam di {loc} sampe jam berapa",
        "cara balik nama pelanggan pdam gimana",
    ],
    "adminduk": [
        "syarat bikin ktp apa aja",
        "bikin kk baru bawa apa aja",
        "syarat akta kelahiran apa aja",
        "rekam ktp bisa di kecamatan",
        "ktp ilang bikin lagi gimana",
        "jam layanan disdukcapil sampe jam berapa",
        "kia itu wajib",
        "surat pindah prosesnya berapa lama",
        "antrian online disdukcapil linknya apa",
    ],
    "kesehatan": [
        "jadwal posyandu di {loc} tanggal berapa",
        "imunisasi di puskesmas gratis",
        "vaksin hpv kapan jadwalnya",
        "ke rsud pake bpjs harus rujukan",
        "puskesmas di {loc} buka hari sabtu",
        "fogging ngajuinnya kemana",
    ],
    "pendidikan": [
        "jadwal spmb sd negeri kapan",
        "radius zonasi smp negeri berapa km",
        "daftar sma negeri lewat web mana",
        "pendaftaran smk negeri kapan dibuka",
        "jalur afirmasi butuh sktm",
        "beasiswa anak sd yatim ada",
        "sd negeri terdekat dari {loc} yg mana",
    ],
    "sosial": [
        "cara daftar dtks gimana",
        "bansos bulan ini udah cair",
        "cara cek penerima pkh gimana",
        "lapor odgj terlantar kemana",
        "syarat bantuan rutilahu apa aja",
    ],
    "perizinan": [
        "bikin nib buat usaha warung gimana",
        "izin pasang spanduk ngurusnya dimana",
        "proses pbg berapa lama",
        "sertifikat halal gratis buat umkm masih ada",
        "pirt ngurusnya dimana",
    ],
    "pasar": [
        "kios di pasar bogor masih ada yg kosong",
        "sewa los pasar per bulan berapa",
        "pasar murah bulan ini dimana aja",
        "pasar di {loc} buka sampe jam berapa",
    ],
    "listrik": [
        "jadwal pemadaman pln di {loc} sampe jam berapa",
        "pasang listrik baru bisa online",
        "pemadaman bergilir sampe kapan",
    ],
    "keamanan": [
        "nomor polsek terdekat dari {loc} berapa",
        "bikin skck syaratnya apa",
        "lapor kehilangan motor kemana",
    ],
    "pelayanan": [
        "kantor kelurahan {kel} buka hari sabtu",
        "syarat surat domisili apa aja",
        "sktm buat berobat bawa apa aja",
        "nomor wa kelurahan {kel} berapa",
        "surat pengantar nikah bisa sehari jadi",
    ],
    "lainnya": [
        "acara hut kota bogor ada konser",
        "pengumuman pppk pemkot kapan",
        "bayar pbb online lewat apa",
        "ada lowongan kerja di pemkot",
        "pelatihan umkm gratis daftarnya dimana",
        "call center pemkot nomornya berapa",
        "lomba 17 agustus di {loc} daftar kemana",
    ],
}

# ---------------------------------------------------------------------------------------------
# aspirasi: proposals (passive: "... dipasang lampu jalan"); "~" marks a proposal that is not
# about one spot, so it is not written as "di <place> ..."
# ---------------------------------------------------------------------------------------------
PROPOSALS: dict[str, list[str]] = {
    "jalan": [
        "dibangun trotoar yg ramah disabilitas",
        "dibikin jembatan penyeberangan",
        "jalan kampung dicor beton",
    ],
    "drainase": [
        "dibuatin sumur resapan",
        "dibangun gorong2 yg lebih gede",
        "saluran airnya diperlebar",
    ],
    "banjir_longsor": [
        "dipasang talud di pinggir kali",
        "dibikin jalur evakuasi bencana",
        "dipasang alat peringatan dini banjir",
    ],
    "sampah": [
        "dibangun bank sampah",
        "disediain tempat sampah terpilah",
        "dipasang cctv di tps biar ga ada yg buang sembarangan",
    ],
    "lingkungan": [
        "diadain uji emisi gratis",
        "ditanam pohon biar ga panas",
        "dibikin program kali bersih",
    ],
    "pju": ["dipasang lampu jalan", "dipasang pju tenaga surya", "ditambah lampu di gang2"],
    "pohon_taman": [
        "dibangun taman bermain anak",
        "dibikin ruang terbuka hijau",
        "ditanam pohon peneduh",
    ],
    "lalu_lintas": [
        "dipasang cermin cembung di tikungan",
        "ditambah halte biskita",
        "dibikin jalur sepeda yg aman",
    ],
    "ketertiban": [
        "disediain lokasi relokasi pkl",
        "diadain razia knalpot brong",
        "dibikin zona kuliner malam yg tertata",
    ],
    "kebakaran": [
        "dipasang hidran di gang padat",
        "diadain pelatihan apar buat warga",
        "disediain damkar motor buat gang sempit",
    ],
    "air_bersih": [
        "~jaringan pipa pdam diperluas",
        "disediain tangki air bersih waktu kemarau",
        "~info gangguan air diumumin h-1",
    ],
    "adminduk": [
        "diadain layanan ktp keliling",
        "~disdukcapil buka hari sabtu",
        "~perekaman ktp jemput bola ke sekolah",
    ],
    "kesehatan": [
        "diadain fogging rutin",
        "puskesmas buka sampe malem",
        "diadain posyandu lansia tiap bulan",
    ],
    "pendidikan": [
        "dibangun smp negeri baru",
        "dibikin pojok baca buat anak",
        "diadain beasiswa anak berprestasi",
    ],
    "sosial": [
        "dibangun rumah singgah buat odgj",
        "diadain program bedah rumah",
        "~bansos diumumin terbuka per rw",
    ],
    "perizinan": [
        "~izin usaha mikro bisa diurus di kelurahan",
        "~ada pendampingan nib buat umkm",
        "~layanan perizinan dibuka online penuh",
    ],
    "pasar": [
        "pasar direnovasi biar bersih",
        "~retribusi pasar pake non tunai",
        "disediain parkir khusus pasar",
    ],
    "listrik": [
        "~jadwal pemadaman pln diumumin di ig kelurahan",
        "~kabel pln ditanam di bawah tanah",
    ],
    "keamanan": [
        "dipasang cctv di perempatan rawan",
        "pos ronda direnovasi",
        "patroli malam ditambah",
    ],
    "pelayanan": [
        "ada layanan surat online",
        "kantor kelurahan buka sampe sore",
        "~disediain ruang laktasi di kantor pelayanan",
    ],
    "lainnya": [
        "dibikin lapangan olahraga buat pemuda",
        "dipasang wifi gratis tiap rw",
        "diadain pelatihan kerja buat pemuda",
        "dibikin shelter kucing dan anjing liar",
    ],
}

# ---------------------------------------------------------------------------------------------
# pieces shared by the templates
# ---------------------------------------------------------------------------------------------
OPENERS = [
    "min",
    "mimin",
    "admin",
    "pak",
    "bu",
    "kak",
    "punten min",
    "assalamualaikum min",
    "permisi min",
    "lapor min",
    "halo min",
    "@pemkotbogor",
    "tolong dong min",
    "pak lurah",
    "pak camat",
    "min tolong",
    "sore min",
    "mau lapor",
    "info min",
    "izin lapor",
    "bapak ibu",
    "punten kang",
]
DURATIONS = [
    "udah 2 minggu",
    "dari kemarin",
    "udh sebulan lebih",
    "dari tahun lalu",
    "3 hari ini",
    "sejak lebaran",
    "tiap hari",
    "dari jaman kapan tau",
    "udah berbulan2",
    "dari minggu lalu",
    "udah 5 hari",
    "dr pagi",
    "udah setahun",
    "dari awal musim hujan",
]
SLOW = [
    "udah lapor berkali2 gak ada respon",
    "dilaporin dari kapan tau blm ada tindakan",
    "dinasnya kemana aja",
    "kapan ditindaklanjuti??",
    "jangan cuma dicatet doang",
    "nunggu viral dulu?",
    "tiap lapor cuma dibales 'sudah diteruskan'",
    "gak ada yg peduli",
    "kerjanya lambat bgt",
    "udah 3x komen di sini",
    "ditanya lokasi udah dikasih, terus ga ada kabar",
]
CLOSERS = [
    "mohon segera ditindaklanjuti",
    "tolong ya min",
    "makasih",
    "hatur nuhun",
    "nuhun",
    "plis",
    "tolong bgt",
    "terima kasih",
    "mohon dicek",
    "tolong dong",
    "mohon bantuannya",
    "gercep ya",
    "",
    "",
    "",
]
NOW = [
    "sekarang!!",
    "barusan",
    "lagi kejadian",
    "cepetan tolong",
    "mohon segera kirim bantuan",
    "darurat!!",
    "tolong segera",
]
EMOJI = {
    "angry": ["😡", "😤", "🤬", "😠", "😡😡", "💢"],
    "sad": ["😭", "😢", "🥲", "😩", "🙏", "😞"],
    "sarcasm": ["🙃", "🤡", "👏👏", "😂", "🤣", "😏"],
    "sick": ["🤮", "😷", "🤢"],
    "fear": ["😱", "😰", "🙏🙏", "‼️", "🚨"],
    "happy": ["👍", "🙏", "😍", "🔥", "💪", "❤️", "👏", "🥰", "💯", "✨"],
    "neutral": ["🙏", "😊", "👋", "🙋", "☕", "🌧️"],
}
PLATFORM_WEIGHTS = [
    ("instagram", 38),
    ("facebook", 20),
    ("whatsapp", 14),
    ("x", 12),
    ("tiktok", 9),
    ("youtube", 7),
]

SLANG = {
    "tidak": ["gak", "ga", "gk", "nggak", "ngga", "tdk"],
    "sudah": ["udah", "udh", "dah", "sdh"],
    "udah": ["udh", "dah", "udah"],
    "banget": ["bgt", "bngt", "banget"],
    "yang": ["yg"],
    "yg": ["yang", "yg"],
    "dengan": ["dgn", "sama"],
    "untuk": ["utk", "buat"],
    "tolong": ["tlg", "tolongin", "tolong"],
    "jalan": ["jln", "jalan", "jalan"],
    "bagaimana": ["gimana", "gmn"],
    "kenapa": ["knp", "napa", "kenapa"],
    "sampai": ["sampe", "smp"],
    "karena": ["krn", "karna"],
    "belum": ["blm", "belom"],
    "saja": ["aja"],
    "kalau": ["kalo", "klo"],
    "kalo": ["klo", "kalo"],
    "lagi": ["lg", "lagi"],
    "juga": ["jg", "juga"],
    "dari": ["dr", "dari"],
    "pagi": ["pg", "pagi"],
    "minggu": ["mgg", "minggu"],
    "terus": ["trs", "terus", "mulu"],
    "gimana": ["gmn", "gimana"],
    "bgt": ["banget", "bgt", "bangett"],
    "min": ["min", "mn", "mimin"],
    "ada": ["ada", "ad"],
    "parah": ["parahh", "parahhh", "parah"],
    "pasar": ["psr", "pasar"],
}
REPEATABLE = [
    "parah",
    "tolong",
    "bau",
    "lama",
    "gelap",
    "rusak",
    "plis",
    "banget",
    "mati",
    "numpuk",
    "bocor",
    "min",
    "cepetan",
]

# ---------------------------------------------------------------------------------------------
# apresiasi
# ---------------------------------------------------------------------------------------------
THANKED = [
    "pak lurah",
    "bu lurah",
    "pak camat",
    "bu camat",
    "min",
    "mimin",
    "pak wali",
    "pemkot bogor",
    "kang admin",
]
# (who did it, what was done)
DONE_BY: list[tuple[list[str], str]] = [
    (["dinas pupr", "pak lurah", "pemkot bogor"], "jalannya udah mulus lagi"),
    (["dinas pupr", "pak lurah", "bapak2 pekerja"], "lubangnya udah ditambal"),
    (["petugas dlh", "petugas kebersihan", "bu lurah"], "sampahnya udah diangkut"),
    (["dinas perumkim", "pak lurah", "min"], "lampu jalan udah nyala lagi"),
    (["dinas pupr", "pak rt", "warga dan petugas"], "gotnya udah dibersihin"),
    (["petugas pdam", "tirta pakuan"], "airnya udah ngalir lagi"),
    (["dinas perumkim", "petugas taman"], "pohonnya udah dipangkas"),
    (["tim bpbd", "damkar", "tim trc"], "pohon tumbangnya cepet dievakuasi"),
    (["damkar", "petugas damkar"], "apinya cepet dipadamin"),
    (["disdukcapil", "petugas kelurahan"], "ktp saya udah jadi"),
    (["satpol pp"], "pkl nya ditertibin dengan humanis"),
    (["min", "mimin", "kang admin", "bu lurah"], "laporan saya dibales dalam 10 menit"),
    (["petugas puskesmas", "dinkes"], "fogging langsung dilaksanain"),
    (["dishub"], "lampu merahnya udah normal lagi"),
    (["pak camat", "pak lurah"], "langsung turun ke lokasi"),
]
PRAISE = [
    "mantap",
    "gercep bgt",
    "keren",
    "top markotop",
    "mantul",
    "salut",
    "the best",
    "juara",
    "luar biasa",
    "sae pisan",
    "good job",
    "hebat",
    "kereen",
    "respect",
]

# ---------------------------------------------------------------------------------------------
# informasi
# ---------------------------------------------------------------------------------------------
USERNAMES = [
    "budi_santoso",
    "rina.ay",
    "dewi_kurnia",
    "andre_92",
    "siti.nurhaliza",
    "agus_k",
    "kang_asep",
    "teh.neng",
    "fajar.rmdhn",
    "yuniar_ps",
    "ujang.bgr",
    "ikhsan.m",
    "putri.ayu_",
    "dimas.ap",
    "lia_mrl",
    "hendra.bogor",
    "nanda_rsy",
    "rizky.frd",
    "wulan.sari",
    "eka_prtm",
]
NEWS = [
    "pemkot bogor buka pendaftaran pelatihan kerja gratis bulan depan",
    "biskita koridor baru mulai beroperasi minggu ini",
    "operasi pasar murah digelar di 6 kecamatan mulai besok",
    "pembangunan jalur pedestrian dilanjutkan tahun depan",
    "vaksinasi anak gratis digelar di puskesmas se-kota bogor",
    "kebun raya bogor gelar festival akhir pekan ini",
    "pendaftaran spmb sd dan smp dibuka awal juni",
    "dishub uji coba rekayasa lalu lintas di seputar stasiun",
    "bpbd imbau warga waspada cuaca ekstrem sepekan ke depan",
    "wali kota resmikan taman tematik baru",
]
MEDIA = [
    "radar bogor",
    "metropolitan",
    "bogor today",
    "detik",
    "kompas",
    "ig pemkot",
    "grup wa rw",
    "tv lokal",
]
OCCASIONS = [
    "selamat hari jadi kota bogor",
    "selamat idul fitri, mohon maaf lahir batin",
    "selamat hari kemerdekaan 🇮🇩",
    "selamat tahun baru",
    "selamat hari pahlawan",
    "selamat natal bagi yang merayakan",
    "selamat hari guru",
    "selamat menunaikan ibadah puasa",
    "gong xi fa cai 🧧",
    "selamat hari ibu",
]
CHATTER = [
    "hadir",
    "first",
    "nyimak",
    "titip absen",
    "mantau",
    "jejak",
    "pertamax",
    "up",
    "absen dulu",
    "ikut nyimak",
    "hadir min",
    "wkwkwk",
    "baca dulu",
    "mampir",
    "noted",
    "siap min",
    "oke min",
]

# ---------------------------------------------------------------------------------------------
# spam
# ---------------------------------------------------------------------------------------------
GAMBLING_SITES = [
    "gacor88",
    "maxwin777",
    "cuan303",
    "hoki99",
    "raja4d",
    "jpbos",
    "slot365",
    "dewapetir",
    "toto88",
    "megawin",
]
GAMBLING_CLAIMS = [
    "slot gacor hari ini maxwin",
    "rtp live tertinggi 98%",
    "situs togel terpercaya",
    "judol anti rungkad",
    "pola gacor malam ini",
    "scatter hitam turun terus",
    "deposit 10rb wd jutaan",
    "bonus new member 100%",
    "bayar berapapun kemenangan",
    "free spin 100x",
    "wede lancar tanpa potongan",
    "auto maxwin x500",
]
SPAM_CTA = [
    "link di bio",
    "cek bio",
    "cek profil",
    "klik link di bio",
    "dm sekarang",
    "cek story",
    "buruan daftar",
    "hubungi wa {phone}",
    "info wa {phone}",
    "daftar di {url}",
]
LOANS = [
    "pinjaman online cair 1 jam tanpa jaminan",
    "butuh dana cepat? ktp doang langsung acc",
    "kredit tanpa agunan bunga rendah",
    "pinjol resmi limit sampai 20jt tanpa bi checking",
    "dana darurat cair hari ini juga",
    "gadai bpkb proses cepat",
]
PRIZES = [
    "hadiah 1 unit motor",
    "saldo dana rp 2.500.000",
    "uang tunai 10 juta",
    "paket sembako gratis",
    "iphone 15 pro",
    "voucher belanja 5 juta",
    "bantuan tunai 3 juta per kk",
]
FAKE_ORGS = [
    "program pemkot bogor",
    "bansos digital",
    "undian bank",
    "program ulang tahun kota",
    "kemensos",
    "giveaway resmi",
]
FOLLOWERS = [
    "jual followers ig aktif indonesia 1k cuma 25rb",
    "tambah 10k followers organik",
    "jual like & view tiktok murah",
    "jasa naikin followers & subscriber youtube",
    "beli akun ig followers 5k ke atas harga tinggi",
]
PROMOS = [
    "promo skincare glowing 7 hari",
    "obat pelangsing herbal dijamin turun 5kg",
    "kerja dari rumah gaji 5jt/minggu",
    "investasi emas digital mulai 10rb",
    "paket umroh murah cicilan ringan",
    "jasa joki tugas murah",
    "open reseller baju muslim untung 50%",
    "rumah murah dp 0% di bogor",
    "trading crypto profit 300%",
]

# ---------------------------------------------------------------------------------------------
# kasar
# ---------------------------------------------------------------------------------------------
INSULTS = [
    "goblok",
    "bego",
    "tolol",
    "bangsat",
    "kampret",
    "anjing",
    "bodoh",
    "goblog",
    "bangke",
    "brengsek",
    "tai",
    "bajingan",
    "idiot",
    "belegug",
    "kehed",
    "anjir",
    "sialan",
    "dongo",
    "ngehe",
    "begok",
]
TARGETS = [
    "adminnya",
    "lurahnya",
    "camatnya",
    "pemkot",
    "pejabatnya",
    "dinasnya",
    "walikotanya",
    "pegawai kelurahan",
    "min",
    "orang dinas",
    "pemerintahnya",
    "akun ini",
]
RANTS = [
    "kerjanya cuma pencitraan",
    "makan gaji buta",
    "ga ada yg becus",
    "janji doang",
    "bisanya ngapus komen",
    "korupsi terus",
    "ga pernah kerja",
    "turun aja dari jabatan",
    "bikin malu kota",
    "ga guna sama sekali",
]
