"""The fixed tables behind `mitra seed-demo`: which centres took part in 2023, the partners
(organisation types, never real companies), the wording of titles, and the current-looking
collaborations and agreements. data.py turns them into rows."""

from __future__ import annotations

from datetime import date
from typing import Any

# The 15 publicly named "New PLUT-KUMKM" (PLUT Premium) sites; 7471 is the city-level Kendari
# unit, the province-level one there is "7471-P".
NEW_PLUT_CODES = (
    "3501", "3511", "3507", "5101", "5104", "5105", "5108", "5208",
    "5315", "7309", "7407", "7471", "7172", "8207", "9106",
)  # fmt: skip

# With the 15 above: the 32 PLUT-KUMKM that held the 2023 "New PLUT" collaborations.
OTHER_2023_CENTRES = (
    "1271-P", "1371-P", "1871-P", "2171", "3213", "3302", "3471", "3509", "3673-P",
    "5171-P", "5271-P", "6171-P", "6472-P", "7171-P", "7271-P", "7371-P", "7471-P",
)  # fmt: skip

CENTRES_2023 = NEW_PLUT_CODES + OTHER_2023_CENTRES

# What plut_centres.csv's source notes attest of a centre: (year it opened, status, funding).
# None: not attested (a year is drawn, no later than the earliest year the note cites; funding
# drawn). Built 2012 (Mataram) is filed as 2013, the programme's first year and the register's.
CENTRE_FACTS = {
    "1211": (2022, "operational", None),  # inaugurated 27 Dec 2022
    "1307": (2017, "operational", None),  # TP 2017
    "1371-P": (2019, "operational", None),  # opened Jul 2019
    "1405": (2014, "operational", None),  # built 2014
    "1571-P": (2020, "operational", None),  # launched Jul 2020
    "1871-P": (2017, "operational", None),  # inaugurated Aug 2017
    "2105": (2017, "operational", None),  # TP 2017
    "2171": (2018, "operational", "APBN 2018"),
    "3204": (2023, "operational", None),  # inaugurated 23 Oct 2023
    "3213": (2014, "operational", None),  # since 2014
    "3306": (2022, "operational", "DAK Fisik 2022"),  # inaugurated 27 Dec 2022
    "3322": (2022, "operational", "DAK Fisik 2022"),  # inaugurated 27 Dec 2022
    "3401": (2025, "operational", None),  # built 2024, opening 2025
    "3404": (None, "revitalising", None),  # old site + new Minggir building
    "3673-P": (None, "revitalised", None),  # new building Feb 2024
    "5104": (2014, "revitalised", "DAK Fisik 2022 (revitalisasi)"),  # built 2014; New PLUT
    "5106": (2023, "operational", "DAK Fisik"),  # DAK, finished 2023
    "5202": (None, "under_construction", None),  # under construction 2023
    "5271-P": (2013, "revitalised", "DAK Fisik 2023 (revitalisasi)"),  # built 2012, rebuilt DAK 2023
    "6472-P": (2017, "operational", None),  # inaugurated May 2017
    "7105": (None, "under_construction", None),  # building allocated 2019; completion unverified
    "7271-P": (2017, "operational", None),  # inaugurated Oct 2017
    "7301": (None, "under_construction", None),  # under construction 2019
    "7407": (2014, "revitalised", "DAK Fisik 2022 (revitalisasi)"),  # program 2014; New PLUT
    "7471": (2022, "operational", "DAK Fisik 2022"),  # New PLUT inaugurated Dec 2022
    "7471-P": (2013, "operational", None),  # built 2013
    "8272": (2024, "operational", None),  # inaugurated May 2024
    "9601": (2016, "operational", "APBD Papua Barat 2016"),
}
# New PLUT sites that the notes show open before 2022 (cited 2019, 2019, 2021): revitalised
# as New PLUT in 2022, opened in a drawn earlier year. The other New PLUT sites opened in 2022.
REVITALISED_NEW_PLUT = ("5101", "5208", "7172")

# (name, type): organisations that work with many centres at once.
NATIONAL_PARTNERS = (
    ("Bank BUMN Mitra UMKM", "bank"),
    ("Bank BUMN Penyalur KUR", "bank"),
    ("Bank Syariah Nasional", "bank"),
    ("Bank Swasta Nasional Sahabat UMKM", "bank"),
    ("BUMN Energi Nasional", "bumn"),
    ("BUMN Kelistrikan Nasional", "bumn"),
    ("BUMN Logistik dan Pos Nasional", "bumn"),
    ("BUMN Pembiayaan Ultra Mikro", "bumn"),
    ("BUMN Penjaminan Kredit Usaha", "bumn"),
    ("Operator Telekomunikasi Nasional A", "telco"),
    ("Operator Telekomunikasi Nasional B", "telco"),
    ("Platform Marketplace Nasional A", "marketplace"),
    ("Platform Marketplace Nasional B", "marketplace"),
    ("Platform Marketplace Nasional C", "marketplace"),
    ("Aplikasi Transportasi Daring A", "ride_hailing"),
    ("Aplikasi Transportasi Daring B", "ride_hailing"),
    ("Konsorsium Perguruan Tinggi Kewirausahaan", "university"),
    ("Asosiasi UMKM Nasional", "association"),
    ("Asosiasi Eksportir Kerajinan Nasional", "association"),
    ("Asosiasi Pengusaha Muda Nasional", "association"),
    ("Jaringan Ritel Modern Nasional", "corporate"),
    ("Produsen Kemasan Pangan Nasional", "corporate"),
    ("Perusahaan Ekspedisi Swasta Nasional", "corporate"),
    ("Jaringan Hotel Nasional", "hotel"),
    ("Jaringan Televisi Nasional", "media"),
    ("Media Daring Ekonomi dan Bisnis", "media"),
    ("Yayasan Pemberdayaan Perempuan Usaha Mikro", "ngo"),
    ("Lembaga Pemerintah Sertifikasi Halal", "government"),
    ("Lembaga Pemerintah Dana Bergulir UMKM", "government"),
    ("Program Tenaga Ahli Luar Negeri", "international"),
)

# National partners whose 2023 centres are fixed (the demo logins see them); the others
# work with one to three centres drawn by the seeded generator.
FIXED_NATIONAL_CENTRES = {
    "Bank BUMN Mitra UMKM": ("3507", "5104", "9106"),
    "Platform Marketplace Nasional A": ("3507", "5104", "5108"),
    "Program Tenaga Ahli Luar Negeri": ("5315", "7407"),
}

# (centre code, name, type): organisations registered by the centre in their town.
LOCAL_PARTNERS = (
    ("3501", "Asosiasi Perajin Batik Pacitan", "association"),
    ("3501", "Bank Perkreditan Rakyat di Pacitan", "bank"),
    ("3511", "Asosiasi Petani Kopi Bondowoso", "association"),
    ("3507", "Universitas Negeri di Kota Malang", "university"),
    ("3507", "Asosiasi Perajin Keramik Malang", "association"),
    ("5101", "Asosiasi Perajin Tenun Jembrana", "association"),
    ("5104", "Asosiasi Pengrajin Bali", "association"),
    ("5104", "Hotel Resor Mitra Ubud", "hotel"),
    ("5105", "Kelompok Perajin Songket Klungkung", "association"),
    ("5108", "Universitas Negeri di Singaraja", "university"),
    ("5108", "Hotel Mitra Wisata Lovina", "hotel"),
    ("5208", "Hotel Mitra Wisata Gili", "hotel"),
    ("5208", "Asosiasi Pelaku Wisata Lombok Utara", "association"),
    ("5315", "Hotel Mitra Wisata Labuan Bajo", "hotel"),
    ("5315", "Asosiasi Petani Kopi Manggarai", "association"),
    ("7309", "Asosiasi Produsen Roti Maros", "association"),
    ("7407", "Asosiasi Penenun Wakatobi", "association"),
    ("7407", "Operator Wisata Selam Wakatobi", "corporate"),
    ("7471", "Universitas Negeri di Kota Kendari", "university"),
    ("7172", "Asosiasi Pengolah Ikan Bitung", "association"),
    ("7172", "Perusahaan Perikanan Swasta Bitung", "corporate"),
    ("8207", "Asosiasi Nelayan Pulau Morotai", "association"),
    ("9106", "Perguruan Tinggi di Biak Numfor", "university"),
    ("9106", "Lembaga Adat Mitra UMKM Biak", "ngo"),
    ("1271-P", "Asosiasi Pengusaha Kuliner Medan", "association"),
    ("1371-P", "Asosiasi Perajin Songket Minang", "association"),
    ("1371-P", "Universitas Negeri di Kota Padang", "university"),
    ("1871-P", "Asosiasi Petani Kopi Lampung", "association"),
    ("2171", "Kawasan Industri Mitra Batam", "corporate"),
    ("3213", "Asosiasi Petani Nanas Subang", "association"),
    ("3302", "Universitas Negeri di Purwokerto", "university"),
    ("3471", "Universitas Negeri di Yogyakarta", "university"),
    ("3471", "Asosiasi Perajin Perak Kotagede", "association"),
    ("3509", "Universitas Negeri di Jember", "university"),
    ("3673-P", "Asosiasi Perajin Gerabah Banten", "association"),
    ("5171-P", "Radio Swasta Lokal Denpasar", "media"),
    ("5271-P", "Asosiasi Perajin Mutiara Lombok", "association"),
    ("6171-P", "Universitas Negeri di Kota Pontianak", "university"),
    ("6472-P", "Asosiasi Perajin Tenun Samarinda", "association"),
    ("7171-P", "Universitas Negeri di Kota Manado", "university"),
    ("7271-P", "Lembaga Pemulihan Ekonomi Pascabencana Palu", "ngo"),
    ("7371-P", "Universitas Negeri di Kota Makassar", "university"),
    ("7471-P", "Balai Pelatihan Kerja Daerah Sulawesi Tenggara", "government"),
)

# The service areas a partner of each type usually works in.
TYPE_AREAS = {
    "bank": ("pembiayaan", "pembiayaan", "kelembagaan"),
    "bumn": ("pembiayaan", "produksi", "sdm", "pemasaran"),
    "telco": ("teknologi_informasi",),
    "marketplace": ("teknologi_informasi", "pemasaran"),
    "ride_hailing": ("teknologi_informasi", "pemasaran"),
    "university": ("sdm", "produksi", "teknologi_informasi", "kelembagaan"),
    "association": ("produksi", "pemasaran", "jaringan_kerja_sama", "kelembagaan"),
    "corporate": ("jaringan_kerja_sama", "produksi", "pemasaran"),
    "hotel": ("pemasaran", "jaringan_kerja_sama"),
    "media": ("pemasaran", "teknologi_informasi"),
    "ngo": ("sdm", "kelembagaan"),
    "government": ("produksi", "kelembagaan", "pembiayaan"),
    "international": ("sdm", "produksi", "jaringan_kerja_sama"),
}

# Collaboration titles by service area; the centre's regency and the year are appended.
COLLABORATION_TITLES = {
    "kelembagaan": ("Penguatan Kelembagaan Koperasi", "Fasilitasi Legalitas dan NIB UMKM"),
    "sdm": ("Peningkatan Kapasitas SDM UMKM", "Inkubasi Wirausaha Muda"),
    "produksi": ("Peningkatan Mutu dan Kemasan Produk", "Fasilitasi Sertifikasi Halal UMKM"),
    "pembiayaan": ("Akses Pembiayaan dan KUR bagi UMKM", "Literasi Keuangan UMKM"),
    "pemasaran": ("Perluasan Pasar Produk UMKM", "Kurasi dan Pameran Produk Unggulan"),
    "teknologi_informasi": ("Digitalisasi dan Onboarding Marketplace", "Pemasaran Digital UMKM"),
    "jaringan_kerja_sama": ("Kemitraan Rantai Pasok UMKM", "Forum Kemitraan Usaha"),
}

# (activity type, title) by service area.
ACTIVITY_KINDS = {
    "kelembagaan": (
        ("training", "Pelatihan Tata Kelola Koperasi"),
        ("consultation", "Klinik Legalitas Usaha dan NIB"),
        ("mentoring", "Pendampingan Pembentukan Koperasi"),
    ),
    "sdm": (
        ("training", "Pelatihan Kewirausahaan UMKM"),
        ("mentoring", "Pendampingan Manajemen Usaha"),
        ("training", "Pelatihan Pencatatan Usaha Sederhana"),
    ),
    "produksi": (
        ("training", "Pelatihan Standar Mutu Produk"),
        ("certification", "Fasilitasi Sertifikasi Halal"),
        ("mentoring", "Pendampingan Desain Kemasan"),
    ),
    "pembiayaan": (
        ("consultation", "Klinik Akses Pembiayaan KUR"),
        ("training", "Pelatihan Literasi Keuangan"),
        ("business_matching", "Temu Usaha dengan Lembaga Keuangan"),
    ),
    "pemasaran": (
        ("exhibition", "Pameran Produk UMKM"),
        ("business_matching", "Temu Bisnis dengan Pembeli"),
        ("training", "Pelatihan Pemasaran Digital"),
    ),
    "teknologi_informasi": (
        ("training", "Pelatihan Onboarding Marketplace"),
        ("mentoring", "Pendampingan Toko Daring"),
        ("training", "Pelatihan Fotografi Produk"),
    ),
    "jaringan_kerja_sama": (
        ("business_matching", "Forum Kemitraan UMKM"),
        ("other", "Kunjungan Studi ke Mitra"),
        ("consultation", "Konsultasi Kemitraan Rantai Pasok"),
    ),
}

CANCEL_NOTES = (
    "Dibatalkan: bentrok dengan agenda pemerintah daerah.",
    "Dibatalkan: cuaca buruk, penyeberangan ditutup.",
    "Dibatalkan: narasumber mitra berhalangan hadir.",
    "Dibatalkan: peserta belum memenuhi kuota.",
)

# What came of an activity, by its type: {umkm} UMKM reached, {part} participants.
OUTCOME_NOTES = {
    "training": (
        "{part} peserta hadir; {umkm} UMKM menyelesaikan praktik dan menyusun rencana tindak lanjut.",
        "Materi diterima baik; {umkm} UMKM minta kelas lanjutan, dijadwalkan bersama mitra.",
    ),
    "mentoring": (
        "{umkm} UMKM didampingi langsung; catatan kemajuan tiap usaha dikirim ke mitra.",
        "Pendampingan selesai; {umkm} UMKM memperbaiki pencatatan dan tata letak usaha.",
    ),
    "consultation": (
        "{umkm} UMKM berkonsultasi; 9 berkas pengajuan dilengkapi di tempat.",
        "Klinik ramai; {umkm} UMKM mendapat jadwal tindak lanjut dengan petugas mitra.",
    ),
    "business_matching": (
        "{umkm} UMKM bertemu calon pembeli; 6 kesepakatan awal dicatat.",
        "Temu usaha menghasilkan 4 kontrak pasok dan daftar minat dari pembeli lain.",
    ),
    "exhibition": (
        "{umkm} UMKM memamerkan produk; transaksi di tempat dan pesanan lanjutan dicatat.",
        "Pameran dikunjungi ramai; {umkm} UMKM mendapat kontak pembeli baru.",
    ),
    "certification": (
        "{umkm} UMKM mengajukan sertifikat halal; berkas lengkap diserahkan ke lembaga.",
        "Pendampingan sertifikasi: {umkm} UMKM lulus verifikasi dokumen.",
    ),
    "other": (
        "{part} peserta mengikuti kunjungan; {umkm} UMKM menyusun rencana kemitraan.",
        "Kunjungan selesai; mitra membuka peluang magang bagi {umkm} UMKM.",
    ),
}

# A partner's question before accepting, and the centre's answer.
QUESTIONS = (
    (
        "Berapa UMKM yang ikut dan dari sektor apa saja?",
        "Sekitar 40 UMKM, sebagian besar kuliner dan kerajinan; daftar nama kami lampirkan.",
    ),
    (
        "Apakah tempat kegiatan disediakan PLUT?",
        "Ya, aula PLUT-KUMKM dengan kapasitas 80 orang dan proyektor.",
    ),
    (
        "Siapa narasumber dari pihak PLUT dan berapa hari kegiatannya?",
        "Konsultan bidang layanan terkait; dua hari, Selasa dan Rabu.",
    ),
    (
        "Mohon jelaskan kriteria UMKM peserta.",
        "UMKM binaan yang sudah memiliki NIB dan beroperasi minimal satu tahun.",
    ),
    (
        "Bisakah jadwal digeser ke pekan berikutnya?",
        "Bisa; tanggal mulai kami sesuaikan seperti yang tertera.",
    ),
)

DECLINE_REASONS = (
    "Anggaran program kemitraan tahun ini sudah teralokasi seluruhnya.",
    "Wilayah ini belum termasuk cakupan layanan kantor cabang kami.",
    "Tim kami sedang menangani program serupa di kabupaten lain pada periode yang sama.",
    "Usulan belum sesuai fokus CSR kami tahun ini (UMKM ekspor).",
    "Jumlah peserta di bawah ketentuan minimal program kami.",
    "Periode kegiatan bertepatan dengan tutup buku; diajukan lagi tahun depan.",
    "Kami hanya dapat bermitra melalui perjanjian di tingkat provinsi.",
    "Narasumber yang dibutuhkan tidak tersedia pada periode tersebut.",
)

COLLABORATION_CANCEL_REASONS = (
    "Anggaran daerah untuk kegiatan ini direalokasi ke penanganan bencana.",
    "Mitra mengganti penanggung jawab program; diusulkan ulang tahun depan.",
    "Peserta sasaran sudah mengikuti program serupa dari dinas.",
    "Gedung PLUT sedang direnovasi pada periode kegiatan.",
    "Kesepakatan dengan mitra dialihkan ke perjanjian tingkat provinsi.",
)

# Current-looking collaborations (today is late 2026), on centre x partner pairs of 2023:
# (centre, partner, status, service area, title, starts_on, ends_on, respond_by,
#  proposed_at "YYYY-MM-DD HH:MM" UTC or None, answered_at or None, reason or question)
CURRENT_COLLABORATIONS = (
    ("3507", "Bank BUMN Mitra UMKM", "proposed", "pembiayaan",
     "Klinik KUR dan Literasi Keuangan Kabupaten Malang 2027",
     date(2027, 1, 18), date(2027, 6, 30), date(2026, 12, 14), "2026-11-16 02:00", None, None),
    ("9106", "Bank BUMN Mitra UMKM", "proposed", "pembiayaan",
     "Akses KUR bagi Nelayan dan Perajin Biak Numfor 2027",
     date(2027, 2, 1), date(2027, 7, 31), date(2027, 1, 8), "2026-11-20 00:30", None, None),
    ("5104", "Platform Marketplace Nasional A", "proposed", "pemasaran",
     "Kampanye Produk Kerajinan Gianyar di Marketplace 2027",
     date(2027, 1, 11), date(2027, 4, 30), date(2026, 12, 21), "2026-11-23 01:15", None, None),
    ("5315", "Hotel Mitra Wisata Labuan Bajo", "proposed", "pemasaran",
     "Etalase Produk UMKM di Hotel Labuan Bajo 2027",
     date(2027, 2, 15), date(2027, 8, 31), date(2027, 1, 15), "2026-11-25 03:00", None, None),
    ("3507", "Universitas Negeri di Kota Malang", "draft", "sdm",
     "Magang Mahasiswa Pendamping UMKM Kabupaten Malang 2027",
     date(2027, 3, 1), date(2027, 8, 31), None, None, None, None),
    ("7172", "Asosiasi Pengolah Ikan Bitung", "draft", "produksi",
     "Standardisasi Olahan Ikan Bitung 2027",
     date(2027, 2, 1), date(2027, 6, 30), None, None, None, None),
    ("5104", "Asosiasi Pengrajin Bali", "info_requested", "produksi",
     "Desain Kemasan Kerajinan Gianyar 2027",
     date(2027, 2, 1), date(2027, 5, 31), date(2027, 1, 11), "2026-11-09 02:30",
     "2026-11-12 06:00", "Berapa perajin yang akan ikut dan bahan kemasan apa yang dipakai?"),
    ("7407", "Asosiasi Penenun Wakatobi", "info_requested", "kelembagaan",
     "Pembentukan Koperasi Penenun Wakatobi 2027",
     date(2027, 2, 8), date(2027, 7, 30), date(2027, 1, 15), "2026-11-02 01:00",
     "2026-11-10 04:45", "Mohon lampirkan daftar calon anggota dan jadwal rapat pembentukan."),
    ("3507", "Platform Marketplace Nasional A", "accepted", "teknologi_informasi",
     "Onboarding Marketplace UMKM Kabupaten Malang 2027",
     date(2027, 1, 11), date(2027, 5, 28), date(2026, 11, 20), "2026-10-26 02:00",
     "2026-11-03 07:30", None),
    ("9106", "Perguruan Tinggi di Biak Numfor", "accepted", "kelembagaan",
     "Pendampingan Legalitas Usaha Biak Numfor 2027",
     date(2027, 1, 20), date(2027, 6, 30), date(2026, 11, 27), "2026-10-30 00:00",
     "2026-11-06 05:00", None),
    ("5104", "Bank BUMN Mitra UMKM", "active", "pembiayaan",
     "Literasi Keuangan Perajin Gianyar 2026",
     date(2026, 9, 1), date(2027, 2, 26), date(2026, 8, 14), "2026-07-20 01:30",
     "2026-07-29 03:00", None),
    ("5108", "Universitas Negeri di Singaraja", "active", "teknologi_informasi",
     "Digitalisasi Pencatatan Usaha Buleleng 2026",
     date(2026, 8, 3), date(2027, 1, 29), date(2026, 7, 17), "2026-06-29 02:00",
     "2026-07-06 04:15", None),
    ("3501", "Asosiasi Perajin Batik Pacitan", "active", "jaringan_kerja_sama",
     "Jejaring Pemasok Bahan Batik Pacitan 2026",
     date(2026, 10, 5), date(2027, 3, 31), date(2026, 9, 18), "2026-09-01 01:00",
     "2026-09-08 02:30", None),
    ("7309", "Asosiasi Produsen Roti Maros", "declined", "pemasaran",
     "Pameran Kuliner Maros 2025",
     date(2025, 8, 4), date(2025, 10, 31), date(2025, 7, 18), "2025-06-30 02:00",
     "2025-07-10 06:30", "Anggota asosiasi sedang fokus pada musim pesanan; diajukan lagi 2026."),
    ("8207", "Asosiasi Nelayan Pulau Morotai", "declined", "produksi",
     "Pelatihan Pengolahan Ikan Asap Morotai 2026",
     date(2026, 5, 4), date(2026, 8, 28), date(2026, 4, 17), "2026-03-30 00:30",
     "2026-04-09 03:00", "Jadwal bertepatan dengan musim tangkap; nelayan tidak dapat hadir."),
    # Accepted, and the start has come: the lifecycle job's work.
    ("5101", "Asosiasi Perajin Tenun Jembrana", "accepted", "pemasaran",
     "Kurasi Produk Tenun Jembrana 2026",
     date(2026, 11, 16), date(2027, 3, 31), date(2026, 10, 30), "2026-10-12 02:00",
     "2026-10-21 05:30", None),
    ("7309", "Platform Marketplace Nasional B", "accepted", "teknologi_informasi",
     "Onboarding Marketplace UMKM Maros 2026",
     date(2026, 12, 1), date(2027, 4, 30), date(2026, 11, 13), "2026-10-26 01:00",
     "2026-11-04 03:15", None),
    # Active past their end: the end reminder, then the automatic close.
    ("5208", "Hotel Mitra Wisata Gili", "active", "pemasaran",
     "Etalase Produk UMKM di Hotel Gili 2026",
     date(2026, 4, 6), date(2026, 10, 30), date(2026, 3, 20), "2026-03-02 02:00",
     "2026-03-10 04:00", None),
    ("7172", "Perusahaan Perikanan Swasta Bitung", "active", "jaringan_kerja_sama",
     "Kemitraan Pasok Ikan Olahan Bitung 2026",
     date(2026, 6, 1), date(2026, 11, 27), date(2026, 5, 15), "2026-04-27 00:30",
     "2026-05-06 02:00", None),
    # Proposed again after the partner's question was answered.
    ("3511", "Asosiasi Petani Kopi Bondowoso", "proposed", "produksi",
     "Sertifikasi Mutu Kopi Bondowoso 2027",
     date(2027, 2, 1), date(2027, 6, 30), date(2026, 12, 18), "2026-11-19 02:00", None, None),
    # No answer by the deadline.
    ("5105", "Platform Marketplace Nasional C", "expired", "teknologi_informasi",
     "Toko Daring Perajin Songket Klungkung 2026",
     date(2026, 11, 2), date(2027, 2, 26), date(2026, 10, 9), "2026-09-21 01:30", None, None),
    # Cancelled by the centre after the partner accepted.
    ("3507", "Asosiasi Perajin Keramik Malang", "cancelled", "produksi",
     "Desain Kemasan Keramik Malang 2026",
     date(2026, 9, 7), date(2026, 12, 18), date(2026, 8, 21), "2026-08-03 02:00",
     "2026-08-11 06:00", None),
)  # fmt: skip

# What happened before a current collaboration reached its status ("YYYY-MM-DD HH:MM" UTC).
CURRENT_HISTORY: dict[str, dict[str, Any]] = {
    "Sertifikasi Mutu Kopi Bondowoso 2027": {
        "first_proposed": "2026-11-05 02:00",
        "asked": "2026-11-11 03:30",
        "question": (
            "Berapa petani yang akan disertifikasi dan siapa pendampingnya?",
            "Tiga puluh petani binaan; pendamping dari konsultan produksi PLUT.",
        ),
    },
    "Pendampingan Legalitas Usaha Biak Numfor 2027": {
        "first_proposed": "2026-10-23 00:00",
        "asked": "2026-10-27 02:00",
        "question": (
            "Apakah peserta sudah memiliki NIB?",
            "Sebagian; pendampingan dimulai dengan pengurusan NIB di OSS.",
        ),
    },
    "Desain Kemasan Keramik Malang 2026": {
        "cancelled": (
            "2026-10-05 03:00",
            "Perajin peserta pindah ke program kemasan dinas provinsi; diusulkan ulang 2027.",
        ),
    },
}


# (collaboration title, type, title, date, status, participants, umkm reached)
CURRENT_ACTIVITIES = (
    ("Literasi Keuangan Perajin Gianyar 2026", "training", "Pelatihan Literasi Keuangan",
     date(2026, 10, 14), "held", 42, 35),
    ("Digitalisasi Pencatatan Usaha Buleleng 2026", "mentoring", "Pendampingan Toko Daring",
     date(2026, 11, 5), "held", 28, 24),
    ("Literasi Keuangan Perajin Gianyar 2026", "consultation", "Klinik Akses Pembiayaan KUR",
     date(2026, 12, 9), "planned", 0, 0),
    ("Digitalisasi Pencatatan Usaha Buleleng 2026", "training", "Pelatihan Pencatatan Digital",
     date(2026, 12, 16), "planned", 0, 0),
    ("Jejaring Pemasok Bahan Batik Pacitan 2026", "business_matching", "Forum Kemitraan UMKM",
     date(2027, 1, 13), "planned", 0, 0),
    ("Onboarding Marketplace UMKM Kabupaten Malang 2027", "training",
     "Pelatihan Onboarding Marketplace", date(2027, 1, 20), "planned", 0, 0),
    ("Etalase Produk UMKM di Hotel Gili 2026", "exhibition", "Pameran Produk UMKM",
     date(2026, 7, 18), "held", 64, 31),
    ("Etalase Produk UMKM di Hotel Gili 2026", "business_matching", "Temu Bisnis dengan Pembeli",
     date(2026, 9, 25), "held", 38, 22),
    ("Kemitraan Pasok Ikan Olahan Bitung 2026", "business_matching", "Forum Kemitraan UMKM",
     date(2026, 8, 12), "held", 45, 27),
    ("Kurasi Produk Tenun Jembrana 2026", "exhibition", "Kurasi Produk Tenun",
     date(2026, 12, 10), "planned", 0, 0),
    ("Desain Kemasan Keramik Malang 2026", "mentoring", "Pendampingan Desain Kemasan",
     date(2026, 10, 20), "cancelled", 0, 0),
)  # fmt: skip

# (centre, partner, kind, number, signed_on, valid_until) on 2023 partnerships.
AGREEMENTS = (
    ("3507", "Universitas Negeri di Kota Malang", "mou", "MoU/PLUT-3507/2023/001",
     date(2023, 2, 20), date(2026, 12, 20)),
    ("3507", "Bank BUMN Mitra UMKM", "pks", "PKS/PLUT-3507/2023/002",
     date(2023, 3, 6), date(2027, 3, 31)),
    ("5104", "Asosiasi Pengrajin Bali", "mou", "MoU/PLUT-5104/2023/001",
     date(2023, 4, 12), date(2027, 12, 31)),
    ("5315", "Hotel Mitra Wisata Labuan Bajo", "pks", "PKS/PLUT-5315/2023/001",
     date(2023, 5, 8), date(2028, 5, 7)),
    ("9106", "Bank BUMN Mitra UMKM", "mou", "MoU/PLUT-9106/2023/001",
     date(2023, 3, 15), date(2027, 6, 30)),
    ("7172", "Asosiasi Pengolah Ikan Bitung", "pks", "PKS/PLUT-7172/2023/001",
     date(2023, 6, 1), date(2028, 12, 31)),
)  # fmt: skip
