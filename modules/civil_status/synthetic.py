"""Synthetic but realistic civil-status registers, for the demo communes and the search benchmark.

Deterministic (one seed gives the same registers): Moroccan names from weighted pools in Arabic script with their
usual Latin transliterations (and the variants clerks wrote over the decades), couples whose children share the
father's family name, births declared within 30 days (a few later on a jugement déclaratif, in the register of
the year they were drawn up), deaths linked to the deceased's birth act with the death mention in its margin,
marriage and divorce mentions. Acts are numbered gap-free per bureau, kind and year through the numbering
service, and births get citizen identifiers from the same series as a real signature, so the next act signed
at the counter continues after the loaded ones. Everything is loaded with COPY (bulk.copy_rows), one register
year at a time, rows drawn while PostgreSQL writes the previous ones: a million acts (with 335,000 mentions) in
about two minutes on two cores, 30,000 in about three seconds, in little memory.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status import citizen_id
from modules.civil_status.bulk import copy_rows
from modules.civil_status.mentions import TEMPLATES, death_mention_texts
from modules.civil_status.models import Act, Bureau, MarginalMention
from platform_core.dates import format_hijri
from platform_core.numbering.services import allocate_block


@dataclass(frozen=True)
class Name:
    ar: str
    latin: tuple[str, ...]  # the usual transliteration first, then the variants clerks also wrote
    era: str = "m"  # o: mostly given before 1985, n: mostly after, m: always


def _pool(text: str) -> tuple[Name, ...]:
    """One name a line, most frequent first: `arabic | Latin, Variant | era`."""
    names = []
    for line in text.strip().splitlines():
        ar, latin, *era = (part.strip() for part in line.split("|"))
        names.append(Name(ar, tuple(variant.strip() for variant in latin.split(",")), era[0] if era else "m"))
    return tuple(names)


MALE_FIRST_NAMES = _pool("""
محمد | Mohamed, Mohammed, Mohamad | m
أحمد | Ahmed, Ahmad | m
يوسف | Youssef, Youssouf | m
عبد الله | Abdellah, Abdallah | m
عمر | Omar | m
علي | Ali | m
حسن | Hassan, Hassane | m
مصطفى | Mustapha, Mostafa | m
إبراهيم | Brahim, Ibrahim | m
خالد | Khalid, Khaled | m
رشيد | Rachid | m
سعيد | Said, Saïd | m
عبد الرحمن | Abderrahmane, Abderrahman | m
الحسين | El Houssaine, Houssine | o
ياسين | Yassine, Yassin | n
إدريس | Driss, Idriss | m
حمزة | Hamza | n
أيوب | Ayoub | n
المهدي | El Mehdi, Mehdi | n
أنس | Anas | n
عبد الكريم | Abdelkrim | o
عبد العزيز | Abdelaziz | m
عبد اللطيف | Abdellatif | o
عبد الرحيم | Abderrahim | o
عبد السلام | Abdeslam, Abdessalam | o
عبد القادر | Abdelkader, Abdelkadir | o
عبد الحق | Abdelhak | o
عبد الإله | Abdelilah | m
عبد الصمد | Abdessamad | m
عبد الغني | Abdelghani | m
عبد المجيد | Abdelmajid | m
عبد الواحد | Abdelouahed, Abdelwahed | o
عبد الحميد | Abdelhamid | o
عبد الفتاح | Abdelfattah | m
عبد الهادي | Abdelhadi | m
عبد النبي | Abdennabi | o
عبد الجليل | Abdeljalil | o
عبد الرزاق | Abderrazak | m
عبد العالي | Abdelali | m
مراد | Mourad | m
نبيل | Nabil | m
كريم | Karim | m
هشام | Hicham | m
جمال | Jamal | m
توفيق | Taoufik, Tawfik | m
طارق | Tarik, Tariq | m
أمين | Amine | n
بدر | Badr, Badre | n
زكرياء | Zakaria | n
سفيان | Soufiane, Sofiane | n
عادل | Adil | m
عثمان | Othmane, Outmane | m
عماد | Imad | n
فؤاد | Fouad | m
لحسن | Lahcen, Lahssen | o
نور الدين | Noureddine, Nourdine | m
عز الدين | Azzeddine, Azeddine | m
صلاح الدين | Salaheddine | m
بلال | Bilal | n
إلياس | Ilyas, Ilias | n
آدم | Adam | n
ريان | Rayane, Rayan | n
وليد | Walid | m
منير | Mounir | m
محسن | Mohcine, Mohsine | m
العربي | Larbi | o
الطيب | Tayeb, Taieb | o
الحبيب | Habib | o
الجيلالي | Jilali, Jillali | o
بوشعيب | Bouchaib | o
الميلودي | Miloudi | o
امحمد | Mhamed | o
التهامي | Touhami | o
المعطي | Maati | o
أسامة | Oussama | n
سليمان | Slimane, Soulaimane | m
يونس | Younes, Younesse | n
زياد | Ziad | n
نوفل | Naoufal, Nawfal | n
حميد | Hamid | m
عزيز | Aziz | m
جواد | Jaouad, Jawad | m
رضا | Reda, Rida | n
سعد | Saad | m
أشرف | Achraf | n
ماسين | Massine | n
يوبا | Youba | n
إيدير | Idir | m
المختار | Mokhtar, El Mokhtar | o
الهاشمي | Hachemi | o
عمران | Imrane, Imran | n
إسماعيل | Ismail | m
نعيم | Naim | m
شعيب | Chouaib | m
حسام | Houssam | n
أنور | Anouar, Anwar | m
""")

FEMALE_FIRST_NAMES = _pool("""
فاطمة | Fatima, Fatna | m
فاطمة الزهراء | Fatima Zahra, Fatima-Zahra, Fatimazahra | n
خديجة | Khadija, Khadidja | m
مريم | Meryem, Mariam, Maryam | n
زينب | Zineb, Zaynab | m
عائشة | Aicha, Aïcha | m
أمينة | Amina | m
نعيمة | Naima, Naïma | o
سعاد | Souad | o
مليكة | Malika | o
رشيدة | Rachida | o
لطيفة | Latifa | o
حليمة | Halima | o
زهرة | Zahra, Zohra | o
نادية | Nadia | m
سميرة | Samira | m
ليلى | Leila, Laila | m
كريمة | Karima | m
حفيظة | Hafida | o
سناء | Sanaa, Sanae | m
هند | Hind | m
هدى | Houda, Hoda | m
إيمان | Imane, Iman | n
أسماء | Asmae, Asma | n
سلمى | Salma | n
سارة | Sara, Sarah | n
ياسمين | Yasmine, Yasmina | n
هاجر | Hajar | n
إكرام | Ikram | n
كوثر | Kaoutar, Kawtar | n
نجاة | Najat | o
وفاء | Wafae, Wafaa | m
بشرى | Bouchra, Bochra | m
حنان | Hanane, Hanan | m
لبنى | Loubna | m
غزلان | Ghizlane, Ghizlan | n
سكينة | Sakina, Soukaina | m
رقية | Rkia, Rokaya | o
يامنة | Yamna | o
السعدية | Saadia | o
البتول | Batoul | m
منى | Mouna, Mona | m
نوال | Naoual, Nawal | m
صفاء | Safae, Safaa | n
دعاء | Douae, Doha | n
آية | Aya | n
جميلة | Jamila | o
حياة | Hayat | m
خلود | Khouloud | n
رجاء | Rajae, Raja | m
سهام | Siham | m
شيماء | Chaimae, Chaima | n
عزيزة | Aziza | o
فدوى | Fadwa, Fadoua | m
فريدة | Farida | o
لمياء | Lamiae, Lamia | m
نسرين | Nisrine | n
هناء | Hanae, Hana | n
وئام | Wiam | n
أميمة | Oumaima, Oumayma | n
إلهام | Ilham | m
بهيجة | Bahija | o
ثورية | Touria, Thouria | o
حورية | Houria | o
زبيدة | Zoubida | o
سلوى | Salwa, Saloua | m
شريفة | Charifa | o
نزهة | Nezha, Nazha | o
مينة | Mina | o
رحمة | Rahma | n
ريم | Rim, Reem | n
غيثة | Ghita | n
لينا | Lina | n
جنات | Jannat | n
تيزيري | Tiziri | n
دهية | Dihya | n
تودة | Touda | o
إيطو | Itto | o
ميمونة | Mimouna | o
الضاوية | Daouia | o
فتيحة | Fatiha | o
عتيقة | Atika | o
زهور | Zhor | o
ثريا | Soraya, Touraya | m
بثينة | Boutaina | n
نهيلة | Nouhaila | n
مروة | Marwa | n
ملاك | Malak | n
""")

FAMILY_NAMES = _pool("""
العلوي | Alaoui, El Alaoui, Lalaoui
الإدريسي | Idrissi, El Idrissi
بنعلي | Benali, Ben Ali
العمراني | Amrani, El Amrani
بناني | Bennani
التازي | Tazi, Ettazi
الفاسي | Fassi, El Fassi
برادة | Berrada
بنجلون | Benjelloun
الشرقاوي | Cherkaoui
الكتاني | Kettani, Kattani
العراقي | Iraki, El Iraki
الصقلي | Sqalli, Sekkali
الوزاني | Ouazzani, Ouazani
الحسني | Hassani, El Hassani
الحسيني | Housseini, Husseini
المنصوري | Mansouri, El Mansouri
الزياني | Ziani
الرحماني | Rahmani
الخياطي | Khayati
الخطيب | Khatib, El Khatib
البقالي | Bakkali, Baqqali
الطاهري | Tahiri, Taheri
الناصري | Naciri, Nasiri
العثماني | Othmani, El Othmani
الأندلسي | Andaloussi
الغزاوي | Ghazaoui
العباسي | Abbassi
بنموسى | Benmoussa
بنكيران | Benkirane
بنسليمان | Benslimane
بنعبد الله | Benabdellah
بنشقرون | Benchekroun
بنيس | Bennis
بوعزة | Bouazza
بوزيد | Bouzid
بوطالب | Boutaleb
بلحاج | Belhaj, Belhadj
بلقاسم | Belkacem, Belkassem
بلخياط | Belkhayat
بلمختار | Belmokhtar
بنسعيد | Bensaid
بنعمر | Benomar
بنيوسف | Benyoussef
بنحمو | Benhammou
بوعبيد | Bouabid
الأزرق | Azrak, El Azrak
الأنصاري | Ansari, El Ansari
البركاني | Berkani
البوعزاوي | Bouazzaoui
البوزيدي | Bouzidi
الجراري | Jirari
الجزولي | Jazouli, Jazuli
الحجوي | Hajoui
الحداد | Haddad
الحلو | Helou
الحمداوي | Hamdaoui
الخالدي | Khalidi
الدكالي | Doukkali
الراشدي | Rachidi
الرباطي | Rbati
الريفي | Rifi
الزموري | Zemmouri
السباعي | Sbai, Sebbai
السلاوي | Slaoui
السوسي | Soussi
الشاوي | Chaoui
الشاذلي | Chadli, Chadili
الصديقي | Seddiki, Sadiki
الصنهاجي | Sanhaji
الطنجاوي | Tanjaoui
العبدلاوي | Abdellaoui
العزوزي | Azzouzi
العلمي | Alami, El Alami
العياشي | Ayachi
الغماري | Ghomari
الفيلالي | Filali
القادري | Kadiri, Qadiri
القباج | Kabbaj
الكنوني | Guennouni, Kanouni
اللحياني | Lahyani
المالكي | Maliki, El Maliki
المراكشي | Marrakchi
المرابط | Mrabet
المريني | Merini
المكناسي | Meknassi
المودن | Mouden
الناجي | Naji
النعماني | Naamani
الهاشمي | Hachimi, El Hachimi
الوردي | Ouardi
الوكيلي | Oukili
اليعقوبي | Yacoubi, Yaakoubi
اليوسفي | Youssfi, Youssoufi
أوزين | Ouzzine
أخنوش | Akhannouch
أمغار | Amghar
أيت علي | Ait Ali
أيت أحمد | Ait Ahmed
أيت الحاج | Ait El Haj
أوعلي | Ouali
أمزيان | Amziane, Amzian
أوحمو | Ouhammou
أمنصور | Amansour
أيت موسى | Ait Moussa
أيت سعيد | Ait Said
أيت الطالب | Ait Taleb
أمحزون | Amahzoun
أحنصال | Ahansal
أوفقير | Oufkir
أبركان | Aberkane
أشهبار | Achahbar
أحرضان | Ahardane
أوشن | Ouchen
أوبلا | Oubella
بنعيسى | Benaissa
بنحدو | Benhaddou
بنعثمان | Benothmane
بنعزوز | Benazzouz
بنداود | Bendaoud
بنمنصور | Benmansour
بنعياد | Benayad
بنصالح | Bensalah
بنطالب | Bentaleb
بنعبو | Benabbou
بنونة | Bennouna
بنسودة | Bensouda
بوعلام | Boualam
بوسعيد | Boussaid
بوخبزة | Boukhobza
بوجمعة | Boujemaa
بوشيخي | Bouchikhi
بورقية | Bourkia
بوهلال | Bouhlal
بوعياد | Bouayad
الأزهري | Azhari
الأمين | Lamine
التوزاني | Touzani
الجامعي | Jamai
الحمري | Hamri
الرايس | Rais
الرحالي | Rahali
الزروالي | Zerouali
الزهري | Zohri
السملالي | Semlali
السعيدي | Saidi
الشامي | Chami
الشرايبي | Chraibi
الصالحي | Salhi
الطالبي | Talbi
الطويل | Taouil
العبدي | Abdi
العسري | Asri
العماري | Ammari
العمري | Omari
الغالي | Ghali
القاسمي | Kasmi, Qasmi
القصري | Ksiri
الكبير | Kabir, El Kabir
المحمدي | Mohammadi
المسعودي | Messaoudi
المعروفي | Maaroufi
المغراوي | Maghraoui
المنوني | Menouni, Mennouni
الموساوي | Moussaoui
النوري | Nouri
الهواري | Houari
الوهابي | Ouahabi
اليازغي | Yazghi
الشرادي | Cherradi
الرامي | Rami
البدوي | Badaoui, Badawi
البيضاوي | Baidaoui
التمسماني | Temsamani
الخمليشي | Khamlichi
الريسوني | Raissouni
السرغيني | Sarghini
الصغيري | Sghiri
العروسي | Aroussi
الغيلاني | Ghailani
الفاضلي | Fadili
المتوكل | Moutawakil
المرنيسي | Mernissi
المنجرة | Elmandjra, Mandjra
النجاري | Najjari
الوافي | Ouafi
الإسماعيلي | Ismaili
البصري | Basri
البكاري | Bakkari
التطواني | Tetouani
الجبلي | Jebli
الحريزي | Harizi
الخلفي | Khalfi
الدحماني | Dahmani
الطوزي | Tozy
العابد | Abed
الغرباوي | Gharbaoui
المحجوبي | Mahjoubi
المرزوقي | Marzouki
الهلالي | Hilali
زروال | Zeroual
حجي | Hajji
لحلو | Lahlou
فرحات | Farhat
زهير | Zouhair
شفيق | Chafik
جبور | Jabbour
مرزوق | Marzouk
مسعود | Messaoud
خليل | Khalil
رحال | Rahhal
شكري | Chokri
الفهري | Fihri, El Fihri
الزرهوني | Zerhouni
الصفريوي | Sefrioui
البهلولي | Bahlouli
الدرقاوي | Derkaoui
الغياتي | Ghiati
العبادي | Abbadi
السعدي | Saadi
الفقير | Fakir
العطار | Attar
الصباغ | Sebbagh, Sabbagh
النجار | Najjar
الخراز | Kharraz
الدباغ | Debbagh
الزيات | Zayat
البزاز | Bazzaz
القصاب | Kassab
الفخار | Fakhar
بنشمسي | Benchemsi
بنعبد الجليل | Benabdeljalil
بنبراهيم | Benbrahim
بنمسعود | Benmessaoud
بنشيخ | Bencheikh
بنقدور | Benkaddour
بنعاشر | Benachir
بوبكر | Boubker
بلعربي | Belarbi
البلغيتي | Belghiti
بلفقيه | Belfakih
بلحسن | Belhassan
بلعيد | Belaid
أكنسوس | Akensous
أيت منصور | Ait Mansour
أيت عمر | Ait Omar
أيت يحيى | Ait Yahia, Ait Yahya
أيت إبراهيم | Ait Brahim
أيت لحسن | Ait Lahcen
أمكراز | Amkraz
أفيلال | Afilal
الخلوفي | Khaloufi
المسفيوي | Mesfioui
الركراكي | Regragui
البوعناني | Bouanani
الزيدي | Zaidi
الحجاجي | Hajjaji
العيساوي | Aissaoui
الداودي | Daoudi
الإبراهيمي | Brahimi
اليحياوي | Yahyaoui
القرشي | Kourachi
الحراق | Harrak
العمراوي | Amraoui
الدريوش | Driouch
الحموشي | Hammouchi
التجاني | Tijani
المكي | Mekki
الريحاني | Rihani
الزعري | Zaari
الدرعي | Draoui
الصحراوي | Sahraoui
المصمودي | Masmoudi
الفلاحي | Fellahi
الخياري | Khiari
العرايشي | Araichi
الجوهري | Jaouhari
مكوار | Mekouar
بنزيان | Benziane
مزيان | Meziane
عمور | Ammour
قدوري | Kaddouri
زنيبر | Zniber
المعزوزي | Maazouzi
اللوزي | Louzi
العسلي | Assali
الشبيهي | Chbihi
عواد | Aouad
حمدون | Hamdoun
الأحمدي | Ahmadi
المحمودي | Mahmoudi
الحسوني | Hassouni
السبتي | Sebti
الغربي | Gharbi
البوعمراني | Bouamrani
الكرمي | Karmi
العوفي | Aoufi
الجعيدي | Jaidi
السقاط | Seqqat
التويمي | Touimi
الحكيم | Hakim
المرضي | Mardi
الزكري | Zakri
""")

TOWNS = (  # (French, Arabic): elsewhere in Morocco, for parents' places of birth and births away from home
    ("Fès", "فاس"), ("Meknès", "مكناس"), ("Taza", "تازة"), ("Boulemane", "بولمان"), ("Missour", "ميسور"),
    ("Ifrane", "إفران"), ("Azrou", "أزرو"), ("Rabat", "الرباط"), ("Casablanca", "الدار البيضاء"),
    ("Marrakech", "مراكش"), ("Oujda", "وجدة"), ("Tanger", "طنجة"), ("Kénitra", "القنيطرة"),
    ("Errachidia", "الرشيدية"), ("Midelt", "ميدلت"), ("Bhalil", "البهاليل"), ("Imouzzer Kandar", "إيموزار كندر"),
    ("El Menzel", "المنزل"), ("Ribat El Kheir", "رباط الخير"), ("Aïn Cheggag", "عين الشقف"),
)
QUARTERS = (
    ("Hay Al Amal", "حي الأمل"), ("Hay Essalam", "حي السلام"), ("Hay Ennahda", "حي النهضة"),
    ("Hay Al Massira", "حي المسيرة"), ("Hay Al Qods", "حي القدس"), ("Hay Al Andalous", "حي الأندلس"),
    ("Médina", "المدينة القديمة"), ("Hay Riad", "حي الرياض"), ("Hay Al Wahda", "حي الوحدة"),
    ("Hay Al Fath", "حي الفتح"), ("Hay Zitoune", "حي الزيتون"), ("Avenue Mohammed V", "شارع محمد الخامس"),
)
MEN_OCCUPATIONS = (
    ("agriculteur", "فلاح"), ("commerçant", "تاجر"), ("fonctionnaire", "موظف"), ("enseignant", "أستاذ"),
    ("ouvrier", "عامل"), ("artisan", "صانع تقليدي"), ("chauffeur", "سائق"), ("maçon", "بناء"),
    ("menuisier", "نجار"), ("infirmier", "ممرض"), ("employé", "مستخدم"), ("retraité", "متقاعد"),
)
WOMEN_OCCUPATIONS = (
    ("femme au foyer", "ربة بيت"), ("femme au foyer", "ربة بيت"), ("femme au foyer", "ربة بيت"),
    ("enseignante", "أستاذة"), ("fonctionnaire", "موظفة"), ("infirmière", "ممرضة"), ("couturière", "خياطة"),
    ("ouvrière", "عاملة"), ("employée", "مستخدمة"),
)
BIRTH_DECLARANTS = (  # (relation, share)
    (("père", "الأب"), 80), (("mère", "الأم"), 10), (("grand-père", "الجد"), 5), (("oncle paternel", "العم"), 5),
)
DEATH_DECLARANTS = ((("fils", "الابن"), 45), (("fille", "الابنة"), 15), (("conjoint(e)", "الزوج(ة)"), 15),
                    (("frère", "الأخ"), 15), (("neveu", "ابن الأخ"), 10))
FOREIGN_NATIONALITIES = ("Algérienne", "Française", "Sénégalaise", "Espagnole")
CAPACITIES = (
    "Officier d'état civil délégué / ضابط الحالة المدنية المفوض",
    "Président du conseil communal, officier d'état civil / رئيس المجلس الجماعي، ضابط الحالة المدنية",
)

MALE_SHARE = 0.512
DEATH_SHARE = 0.22  # of a year's acts
TWIN_SHARE = 0.012
LATE_SHARE = 0.015  # births declared after the delay, on a jugement déclaratif
SECOND_FIRST_NAME_SHARE = 0.18
TITLED_FAMILIES = {"العلوي", "الإدريسي", "الحسني", "الكتاني", "الصقلي", "الوزاني", "العمراني"}
TITLE_SHARE = 0.1  # Moulay / Lalla with a proof of lineage, in the lineages that carry the title
MARRIAGE_SHARE = 0.7
DIVORCE_SHARE = 0.12
LINKED_DEATH_SHARE = 0.75  # of those born here who die: the others die away from the commune
COUPLE_REUSE_SHARE = 0.62  # a birth to a couple that already has children (siblings)
MODERN_FROM = 1985
OFFICER_TERM_YEARS = 6


class FastRandom(random.Random):
    """random.Random with a cheaper randrange, called millions of times here (no rejection sampling: its bias,
    below one in a billion, is no matter for synthetic data)."""

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


class Pool:
    """Weighted draws from a sequence, Zipf-like by rank (the first items are the most frequent)."""

    def __init__(self, items: Sequence, exponent: float = 1.0, weights: Sequence[float] | None = None):
        self.items = tuple(items)
        self.cumulative = list(accumulate(weights or [1 / rank**exponent for rank in range(1, len(items) + 1)]))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect_right(self.cumulative, rng.random() * self.total)]


def _first_name_pools(names: Sequence[Name]) -> dict[bool, Pool]:
    """A pool for the years before MODERN_FROM and one after: a name of the other era weighs a tenth."""
    pools = {}
    for modern in (False, True):
        weights = [(0.1 if name.era == ("o" if modern else "n") else 1.0) / rank**0.85
                   for rank, name in enumerate(names, start=1)]
        pools[modern] = Pool(names, weights=weights)
    return pools


MALE_POOLS = _first_name_pools(MALE_FIRST_NAMES)
FEMALE_POOLS = _first_name_pools(FEMALE_FIRST_NAMES)
FAMILY_POOL = Pool(FAMILY_NAMES, 0.6)
BIRTH_DECLARANT_POOL = Pool(BIRTH_DECLARANTS, weights=[share for _relation, share in BIRTH_DECLARANTS])
DEATH_DECLARANT_POOL = Pool(DEATH_DECLARANTS, weights=[share for _relation, share in DEATH_DECLARANTS])


@cache
def _hijri(day: datetime.date) -> str:
    return format_hijri(day, "ar")


@dataclass(frozen=True, slots=True)
class Person:
    first_names_ar: str
    first_names_latin: str
    family_ar: str
    family_latin: str
    title: bool = False  # Moulay / Lalla, which needs a proof of lineage

    @property
    def full_ar(self) -> str:
        return f"{self.first_names_ar} {self.family_ar}"

    @property
    def full_latin(self) -> str:
        return f"{self.first_names_latin} {self.family_latin}"

    @property
    def both(self) -> str:
        return f"{self.full_ar} / {self.full_latin}"


@dataclass(slots=True)
class Couple:
    father: Person
    mother: Person
    father_born: datetime.date
    mother_born: datetime.date
    father_job: tuple[str, str]
    mother_job: tuple[str, str]
    father_json: str  # the parents' details as the act's JSON holds them, the same for every child
    mother_json: str
    address: str
    first_child_year: int
    children: int = 0


@dataclass(slots=True)
class Event:
    """An act before it is numbered: only what the numbering needs, the rest is drawn when the row is written."""

    kind: str
    day: datetime.date
    drawn_up: datetime.date
    tiebreak: float
    couple: Couple | None = None  # a birth's parents
    twin_of: Event | None = None
    judgment: tuple[str, str, datetime.date] | None = None
    fate: tuple | None = None  # a death of someone born here: (birth act id, person, sex, father, mother, address)
    person: Person | None = None


@dataclass
class LoadSummary:
    births: int = 0
    deaths: int = 0
    mentions: int = 0


ACT_COLUMNS = (
    "id", "bureau_id", "kind", "status", "year", "number", "first_names_ar", "first_names_latin", "family_name_ar",
    "family_name_latin", "sex", "nationality", "lineage_proof", "citizen_id", "event_date", "event_time",
    "event_hijri", "event_place_fr", "event_place_ar", "father_name_ar", "father_name_latin", "father", "mother",
    "mother_name_ar", "mother_name_latin", "declarant", "birth_act_id", "judgment_court", "judgment_number",
    "judgment_date", "drafted_by_id", "drafted_at", "abandoned_reason", "drawn_up_on", "drawn_up_hijri",
    "signed_by_id", "signed_at", "officer_name", "officer_capacity",
)
MENTION_COLUMNS = ("act_id", "kind", "text_fr", "text_ar", "legal_basis", "reference", "status", "drafted_by_id",
                   "drafted_at", "signed_by_id", "signed_at")


def _timestamp(day: datetime.date, minutes: int) -> str:
    """Office hours, Moroccan time, as COPY reads a timestamptz."""
    return f"{day.isoformat()} {8 + minutes // 60:02d}:{minutes % 60:02d}:00+01"


class SyntheticRegisters:
    """The acts of a commune, register year after register year, `count` acts in all.

    `town` is the commune's town (French, Arabic), where most births and deaths happen; `bureaux` are
    (id, code, weight) tuples. Drawing touches no database: `load()` numbers the acts and writes them.
    """

    def __init__(self, count: int, *, town: tuple[str, str], bureaux: Sequence[tuple[int, str, float]],
                 first_year: int = 1960, until: datetime.date | None = None, seed: int = 3621):
        if count < 0:
            raise ValueError("count must not be negative")
        self.count, self.town = count, town
        self.until = until or timezone.localdate()
        self.first_year = min(first_year, self.until.year)
        self.rng = FastRandom(seed)
        self.bureaux = Pool([(pk, code) for pk, code, _weight in bureaux], weights=[w for *_pk, w in bureaux])
        self.couples: list[Couple] = []
        self.couple_window = 50  # about the couples formed in the last ten years, set each year
        self.pending: dict[int, list[Event]] = defaultdict(list)  # register year -> events drawn up that year
        self.fates: dict[int, list[tuple]] = defaultdict(list)  # year -> deaths due of people born here
        self.family_events: dict[int, list[tuple]] = defaultdict(list)  # year -> marriages and divorces
        self.officers = self._officers()

    def yearly_counts(self) -> dict[int, int]:
        """Acts per event year, growing with the population; the current year only up to `until`."""
        years = range(self.first_year, self.until.year + 1)
        weights = [1 + 0.8 * index / max(len(years) - 1, 1) for index in range(len(years))]
        if len(years) > 1:
            weights[-1] *= (self.until.timetuple().tm_yday - 1) / 366
        exact = [self.count * weight / sum(weights) for weight in weights]
        counts = [int(value) for value in exact]
        # Largest remainders, so that the counts add up to exactly `count`.
        by_remainder = sorted(range(len(years)), key=lambda index: counts[index] - exact[index])
        for index in by_remainder[: self.count - sum(counts)]:
            counts[index] += 1
        return dict(zip(years, counts, strict=True))

    # --- People ---------------------------------------------------------------------------------------

    def _latin(self, name: Name) -> str:
        if len(name.latin) == 1 or self.rng.random() < 0.75:
            return name.latin[0]
        return name.latin[1 + self.rng.randrange(len(name.latin) - 1)]

    def person(self, sex: str, year: int, family: tuple[str, str] | None = None, avoid: str = "") -> Person:
        """Somebody born about `year`: at most two first names (a compound one counts for two)."""
        pools = MALE_POOLS if sex == "M" else FEMALE_POOLS
        pool = pools[year >= MODERN_FROM]
        first = pool.draw(self.rng)
        while avoid and (avoid == first.ar or avoid.startswith(first.ar + " ")):  # twins get different names
            first = pool.draw(self.rng)
        if family is None:
            name = FAMILY_POOL.draw(self.rng)
            family = (name.ar, self._latin(name))
        names_ar, names_latin = [first.ar], [self._latin(first)]
        draw = self.rng.random()
        if " " not in first.ar and draw < SECOND_FIRST_NAME_SHARE:
            second = pool.draw(self.rng)
            if " " not in second.ar and second != first:
                names_ar.append(second.ar)
                names_latin.append(self._latin(second))
        elif " " not in first.ar and family[0] in TITLED_FAMILIES and draw > 1 - TITLE_SHARE:
            names_ar.insert(0, "مولاي" if sex == "M" else "لالة")
            names_latin.insert(0, "Moulay" if sex == "M" else "Lalla")
            return Person(" ".join(names_ar), " ".join(names_latin), *family, title=True)
        return Person(" ".join(names_ar), " ".join(names_latin), *family)

    def _day_in(self, year: int) -> datetime.date:
        start = datetime.date(year, 1, 1)
        last = min(datetime.date(year, 12, 31), self.until)
        return start + datetime.timedelta(days=self.rng.randrange((last - start).days + 1))

    def _address(self) -> str:
        quarter_fr, quarter_ar = QUARTERS[self.rng.randrange(len(QUARTERS))]
        number = self.rng.randrange(1, 240)
        return f"{number} {quarter_ar}، {self.town[1]} / {number} {quarter_fr}, {self.town[0]}"

    def _place(self, here_share: float) -> tuple[str, str]:
        return self.town if self.rng.random() < here_share else TOWNS[self.rng.randrange(len(TOWNS))]

    def _parent_json(self, born: datetime.date, job: tuple[str, str], address: str) -> str:
        place_fr, place_ar = self._place(0.6)
        return (f'{{"birth_date": "{born.isoformat()}", "birth_place": "{place_ar} / {place_fr}", '
                f'"occupation": "{job[1]} / {job[0]}", "address": "{address}"}}')

    def _couple(self, year: int) -> Couple:
        father, mother = self.person("M", year - 30), self.person("F", year - 26)
        address = self._address()
        middle = datetime.date(year, 6, 30)
        father_born = middle - datetime.timedelta(days=self.rng.randrange(22 * 365, 40 * 365))
        mother_born = middle - datetime.timedelta(days=self.rng.randrange(18 * 365, 33 * 365))
        father_job = MEN_OCCUPATIONS[self.rng.randrange(len(MEN_OCCUPATIONS))]
        mother_job = WOMEN_OCCUPATIONS[self.rng.randrange(len(WOMEN_OCCUPATIONS))]
        return Couple(father, mother, father_born, mother_born, father_job, mother_job,
                      self._parent_json(father_born, father_job, address),
                      self._parent_json(mother_born, mother_job, address), address, year)

    def _couple_for(self, year: int) -> Couple:
        """Most births are to a couple that already has children: one of the couples formed in the last years."""
        couple = None
        if self.couples and self.rng.random() < COUPLE_REUSE_SHARE:
            candidate = self.couples[-1 - self.rng.randrange(min(self.couple_window, len(self.couples)))]
            if year - candidate.first_child_year <= 15 and candidate.children < 7:
                couple = candidate
        if couple is None:
            couple = self._couple(year)
            self.couples.append(couple)
            if len(self.couples) > 2 * self.couple_window:
                del self.couples[: self.couple_window]
        couple.children += 1
        return couple

    def _declarant(self, relation: tuple[str, str], name: str, address: str, age: int | None = None,
                   job: tuple[str, str] | None = None) -> str:
        relation_fr, relation_ar = relation
        if job is None:
            women = relation_fr in ("mère", "fille") or relation_fr == "conjoint(e)" and self.rng.random() < 0.5
            jobs = WOMEN_OCCUPATIONS if women else MEN_OCCUPATIONS
            job = jobs[self.rng.randrange(len(jobs))]
        age = age if age is not None else self.rng.randrange(22, 70)
        return (f'{{"name": "{name}", "age": {age}, "occupation": "{job[1]} / {job[0]}", '
                f'"address": "{address}", "relation": "{relation_ar} / {relation_fr}"}}')

    def _drawn_up(self, day: datetime.date) -> datetime.date:
        return min(day + datetime.timedelta(days=self.rng.randrange(0, 31)), self.until)

    # --- Events: what each register year will hold ------------------------------------------------------

    def events_of(self, year: int, count: int) -> None:
        """Draw the year's births and deaths into the registers of the years they will be drawn up in."""
        deaths = round(count * DEATH_SHARE) if count > 3 else 0
        births = count - deaths
        self.couple_window = max(50, int(births * (1 - COUPLE_REUSE_SHARE) * 10))
        rng = self.rng
        drawn = 0
        while drawn < births:
            day = self._day_in(year)
            birth = Event(Act.Kind.BIRTH, day, self._drawn_up(day), rng.random(), couple=self._couple_for(year))
            if rng.random() < LATE_SHARE:
                self._declare_late(birth)
            self.pending[birth.drawn_up.year].append(birth)
            drawn += 1
            if drawn < births and rng.random() < TWIN_SHARE:
                twin = Event(Act.Kind.BIRTH, day, birth.drawn_up, rng.random(), couple=birth.couple, twin_of=birth,
                             judgment=birth.judgment)
                self.pending[twin.drawn_up.year].append(twin)
                drawn += 1
        # More people born here may be due to die this year than the year's deaths: the others died elsewhere.
        linked = self.fates.pop(year, [])[:deaths]
        for day, *fate in linked:
            self._add_death(day, tuple(fate))
        for _death in range(deaths - len(linked)):
            self._add_death(self._day_in(year), None)

    def _add_death(self, day: datetime.date, fate: tuple | None) -> None:
        death = Event(Act.Kind.DEATH, day, self._drawn_up(day), self.rng.random(), fate=fate)
        self.pending[death.drawn_up.year].append(death)

    def _declare_late(self, birth: Event) -> None:
        """Declared after the delay: on a jugement déclaratif, in the register of the year it is drawn up."""
        late = min(birth.day + datetime.timedelta(days=self.rng.randrange(60, 8 * 365)), self.until)
        if (late - birth.day).days <= 30:
            return
        judged = late - datetime.timedelta(days=self.rng.randrange(5, 60))
        birth.judgment = (f"المحكمة الابتدائية ب{self.town[1]} / Tribunal de première instance de {self.town[0]}",
                          f"{self.rng.randrange(1, 900)}/1201/{judged.year}", judged)
        birth.drawn_up = late

    def _plan_life(self, birth_id: int, birth: Event, sex: str) -> None:
        """What the register will later record about someone born here: marriage, divorce, death."""
        rng = self.rng
        if rng.random() < (0.06 if birth.day.year < 1980 else 0.02):
            death_age = rng.random() * 5
        else:
            death_age = max(rng.gauss(74, 12), 5)
        death = birth.day + datetime.timedelta(days=int(death_age * 365.25))
        if death <= self.until and death.year > birth.drawn_up.year and rng.random() < LINKED_DEATH_SHARE:
            couple = birth.couple
            self.fates[death.year].append((death, birth_id, birth.person, sex, couple.father, couple.mother,
                                           couple.address))
        if death_age > 20 and rng.random() < MARRIAGE_SHARE:
            married = birth.day + datetime.timedelta(days=int(rng.uniform(19, 34) * 365.25))
            if married < min(death, self.until) and married.year >= birth.drawn_up.year:
                spouse = self.person("F" if sex == "M" else "M", married.year - 25)
                self.family_events[married.year].append((married, birth_id, MarginalMention.Kind.MARRIAGE, spouse))
                divorced = married + datetime.timedelta(days=rng.randrange(300, 15 * 365))
                if rng.random() < DIVORCE_SHARE and divorced < min(death, self.until):
                    self.family_events[divorced.year].append((divorced, birth_id, MarginalMention.Kind.DIVORCE,
                                                              spouse))

    # --- Rows ---------------------------------------------------------------------------------------

    def _officers(self) -> dict[int, list[tuple[str, str]]]:
        """Each council term's officiers d'état civil: the president and two delegates, (name, capacity)."""
        officers = {}
        for term in range(self.first_year // OFFICER_TERM_YEARS, self.until.year // OFFICER_TERM_YEARS + 1):
            people = [self.person("F" if index == 2 else "M", term * OFFICER_TERM_YEARS - 45) for index in range(3)]
            officers[term] = [(person.both, CAPACITIES[index == 0]) for index, person in enumerate(people)]
        return officers

    def register(self, year: int) -> list[tuple[int, str, Event]]:
        """The events drawn up in `year`, in the order they were drawn up, each with its bureau."""
        events = sorted(self.pending.pop(year, []), key=lambda event: (event.drawn_up, event.tiebreak))
        return [(*self.bureaux.draw(self.rng), event) for event in events]

    def act_row(self, act_id: int, bureau_id: int, number: int, year: int, event: Event, identifier: str | None,
                drafted_by_id: int) -> tuple:
        """The act's row in ACT_COLUMNS order; plans the life of a person born here."""
        rng = self.rng
        if event.kind == Act.Kind.BIRTH:
            couple = event.couple
            sex = "M" if rng.random() < MALE_SHARE else "F"
            avoid = event.twin_of.person.first_names_ar if event.twin_of and event.twin_of.person else ""
            person = event.person = self.person(sex, year, (couple.father.family_ar, couple.father.family_latin),
                                                avoid=avoid)
            father, mother, father_json, mother_json = couple.father, couple.mother, couple.father_json, \
                couple.mother_json
            relation = BIRTH_DECLARANT_POOL.draw(rng)[0]
            if relation[0] in ("père", "mère"):
                parent, born, job = ((father, couple.father_born, couple.father_job) if relation[0] == "père"
                                     else (mother, couple.mother_born, couple.mother_job))
                declarant = self._declarant(relation, parent.both, couple.address, (event.day - born).days // 365, job)
            else:
                relative = self.person("M", event.day.year - 60, (father.family_ar, father.family_latin))
                age = rng.randrange(50, 85) if relation[0] == "grand-père" else rng.randrange(25, 60)
                declarant = self._declarant(relation, relative.both, couple.address, age)
            place = self._place(0.93)
            self._plan_life(act_id, event, sex)
            birth_act_id = None
        else:
            if event.fate:
                birth_act_id, person, sex, father, mother, address = event.fate
            else:
                birth_act_id, sex = None, "M" if rng.random() < 0.53 else "F"
                age = max(min(int(rng.gauss(72, 13)), 104), 1)
                person = self.person(sex, event.day.year - age)
                father = self.person("M", event.day.year - age - 30, (person.family_ar, person.family_latin))
                mother = self.person("F", event.day.year - age - 26)
                address = self._address()
            father_json = mother_json = "{}"
            relation = DEATH_DECLARANT_POOL.draw(rng)[0]
            if relation[0] == "conjoint(e)":
                relative = self.person("F" if sex == "M" else "M", event.day.year - 60)
            else:
                relative = self.person("F" if relation[0] == "fille" else "M", event.day.year - 40,
                                       (person.family_ar, person.family_latin))
            declarant = self._declarant(relation, relative.both, address)
            place = self._place(0.95)
        judgment_court, judgment_number, judgment_date = event.judgment or ("", "", None)
        officer, capacity = self.officers[event.drawn_up.year // OFFICER_TERM_YEARS][rng.randrange(3)]
        minutes = rng.randrange(0, 7 * 60)
        return (
            act_id, bureau_id, event.kind, Act.Status.SIGNED, year, number, person.first_names_ar,
            person.first_names_latin, person.family_ar, person.family_latin, sex,
            FOREIGN_NATIONALITIES[rng.randrange(4)] if rng.random() < 0.002 else "",
            _lineage_proof(rng) if person.title else "", identifier, event.day,
            None if rng.random() < 0.04 else datetime.time(rng.randrange(24), rng.randrange(60)), _hijri(event.day),
            place[0], place[1], father.full_ar, father.full_latin, father_json, mother_json, mother.full_ar,
            mother.full_latin, declarant, birth_act_id, judgment_court, judgment_number, judgment_date,
            drafted_by_id, _timestamp(event.drawn_up, minutes), "", event.drawn_up, _hijri(event.drawn_up), None,
            _timestamp(event.drawn_up, minutes + 25), officer, capacity,
        )

    def family_mentions(self, year: int, drafted_by_id: int) -> list[tuple]:
        """The marriages and divorces of `year`, reported by the adouls' deed and written a few weeks later."""
        rows = []
        for day, act_id, kind, spouse in sorted(self.family_events.pop(year, []), key=lambda item: item[:2]):
            template = TEMPLATES[kind]
            reference = f"{self.rng.randrange(1, 600)}/{day.year}"
            text_fr, text_ar = template.compose({"spouse_name_ar": spouse.full_ar,
                                                 "spouse_name_latin": spouse.full_latin, "date": day,
                                                 "reference": reference})
            written = min(day + datetime.timedelta(days=self.rng.randrange(7, 60)), self.until)
            minutes = self.rng.randrange(0, 7 * 60)
            rows.append((act_id, kind, text_fr, text_ar, template.legal_basis, reference, Act.Status.SIGNED,
                         drafted_by_id, _timestamp(written, minutes), None, _timestamp(written, minutes + 20)))
        return rows


def _lineage_proof(rng: random.Random) -> str:
    number = rng.randrange(10, 999)
    return f"شهادة النسب الشريف عدد {number} / Attestation de filiation chérifienne n° {number}"


def death_mention_row(birth_act_id: int, death_row: tuple, drafted_by_id: int) -> tuple:
    """The death mention on the deceased's birth act, worded as the signing service words it."""
    columns = dict(zip(ACT_COLUMNS, death_row, strict=True))
    day, number, year = columns["event_date"], columns["number"], columns["year"]
    text_fr, text_ar = death_mention_texts(day, columns["event_place_fr"], columns["event_place_ar"], number, year)
    return (birth_act_id, MarginalMention.Kind.DEATH, text_fr, text_ar, TEMPLATES[MarginalMention.Kind.DEATH]
            .legal_basis, f"{number}/{year}", Act.Status.SIGNED, drafted_by_id, columns["signed_at"], None,
            columns["signed_at"])


def reserve_ids(model, count: int) -> range:
    """`count` consecutive primary keys of `model`, taken from its identity sequence at once. The table is locked
    against other writers until the end of the transaction, so that nobody takes a key in between."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return range(first, first + count)


def load(count: int, *, town: tuple[str, str], drafted_by_id: int, commune_code: str, first_year: int = 1960,
         until: datetime.date | None = None, seed: int = 3621, progress=None) -> LoadSummary:
    """Draw and COPY `count` signed acts into the current commune's bureaux (the main one three times as many as
    another), in one transaction (the caller's, if any), for a demo commune or a benchmark: the act table is
    locked until that transaction ends.

    Numbers come from the numbering service (allocate_block per register and year, and the citizen identifiers'
    series), so its counters stand after the loaded acts. `progress(acts_written)` is called after each year.
    """
    bureaux = list(Bureau.objects.order_by("-is_main", "pk"))
    if not bureaux:
        raise ValueError(_("The commune has no civil-status bureau to load acts into."))
    registers = SyntheticRegisters(count, town=town, first_year=first_year, until=until, seed=seed,
                                   bureaux=[(bureau.pk, bureau.code, 3.0 if bureau.is_main else 1.0)
                                            for bureau in bureaux])
    summary = LoadSummary()
    if not count:
        return summary
    with transaction.atomic(), _bulk_loading():
        ids = iter(reserve_ids(Act, count))
        written = 0
        for year, acts in registers.yearly_counts().items():
            registers.events_of(year, acts)
            written += _write_register(registers, year, ids, drafted_by_id, commune_code, summary)
            if progress:
                progress(written)
    return summary


@contextmanager
def _bulk_loading():
    """A GIN trigram index costs far more kept up row by row than built once (on 200,000 acts: 33 s of COPY
    with it, 9 s without and 5 s to build it): drop the act table's GIN indexes for the load and build them again
    after, in the same transaction, so that nobody sees the table without them. Django's foreign keys are checked
    at commit by default; checked as rows arrive instead, they do not pile up millions of pending checks (and
    PostgreSQL builds no index on a table that has some)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                       "AND tablename = %s AND indexdef LIKE '%% USING gin %%'", [Act._meta.db_table])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again, for the rest of the transaction


def _write_register(registers: SyntheticRegisters, year: int, ids: Iterator[int], drafted_by_id: int,
                    commune_code: str, summary: LoadSummary) -> int:
    """Number the acts drawn up in `year` and COPY them, then the mentions written in their margins that year."""
    placed = registers.register(year)
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for bureau_id, code, event in placed:
        counts[(bureau_id, code, event.kind)] += 1
    numbers = {key: iter(allocate_block(f"civil_status.{key[1]}.{key[2]}", year, count))
               for key, count in counts.items()}
    births = sum(count for (_bureau_id, _code, kind), count in counts.items() if kind == Act.Kind.BIRTH)
    citizen_numbers = iter(allocate_block(citizen_id.SERIES, 0, births) if births else ())
    mentions: list[tuple] = []

    def rows():
        for bureau_id, code, event in placed:
            identifier = None
            if event.kind == Act.Kind.BIRTH:
                identifier = citizen_id.format_identifier(commune_code, next(citizen_numbers))
            row = registers.act_row(next(ids), bureau_id, next(numbers[(bureau_id, code, event.kind)]), year, event,
                                    identifier, drafted_by_id)
            if event.fate:
                mentions.append(death_mention_row(event.fate[0], row, drafted_by_id))
            yield row

    written = copy_rows(Act, ACT_COLUMNS, rows())
    mentions.extend(registers.family_mentions(year, drafted_by_id))
    summary.mentions += copy_rows(MarginalMention, MENTION_COLUMNS, mentions)
    summary.births += births
    summary.deaths += written - births
    return written
