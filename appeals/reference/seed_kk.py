"""The Kazakh names of the seeded reference data, by code (beside seed_data's Russian and
English ones). Pure data, like seed_data.

Regions: the KATO names in Kazakh ("Ақмола облысы", "Астана қаласы", "Бостандық ауданы").
Bodies are built from patterns as in seed_data, with the region in the genitive ("Ақмола
облысының әкімдігі", "Алматы қаласы Бостандық ауданының әкімдігі"). The APPK's terms follow
docs/glossary.md.
"""

from __future__ import annotations

from appeals.reference.seed_data import (
    ANTICORRUPTION_CODE,
    BODIES,
    COUNTRY_CODE,
    GENERAL_PROSECUTOR_CODE,
    oblast_code,
)

_RK = "Қазақстан Республикасының"

REGIONS_KK = {
    COUNTRY_CODE: "Қазақстан Республикасы",
    "100000000": "Абай облысы",
    "110000000": "Ақмола облысы",
    "150000000": "Ақтөбе облысы",
    "190000000": "Алматы облысы",
    "230000000": "Атырау облысы",
    "270000000": "Батыс Қазақстан облысы",
    "310000000": "Жамбыл облысы",
    "330000000": "Жетісу облысы",
    "350000000": "Қарағанды облысы",
    "390000000": "Қостанай облысы",
    "430000000": "Қызылорда облысы",
    "470000000": "Маңғыстау облысы",
    "550000000": "Павлодар облысы",
    "590000000": "Солтүстік Қазақстан облысы",
    "610000000": "Түркістан облысы",
    "620000000": "Ұлытау облысы",
    "630000000": "Шығыс Қазақстан облысы",
    "710000000": "Астана қаласы",
    "750000000": "Алматы қаласы",
    "790000000": "Шымкент қаласы",
    # districts
    "711110000": "Алматы ауданы",
    "711210000": "Есіл ауданы",
    "751410000": "Бостандық ауданы",
    "751710000": "Медеу ауданы",
    "791110000": "Абай ауданы",
    "791310000": "Әл-Фараби ауданы",
    "103200000": "Абай ауданы",
    "103600000": "Аягөз ауданы",
    "116600000": "Целиноград ауданы",
    "117000000": "Бурабай ауданы",
    "194000000": "Еңбекшіқазақ ауданы",
    "195200000": "Қарасай ауданы",
    "196200000": "Талғар ауданы",
    "333200000": "Ақсу ауданы",
    "333400000": "Алакөл ауданы",
    "354000000": "Бұқар жырау ауданы",
    "355200000": "Нұра ауданы",
    "355600000": "Осакаров ауданы",
    "553600000": "Баянауыл ауданы",
    "556000000": "Павлодар ауданы",
    "613800000": "Жетісай ауданы",
    "613900000": "Келес ауданы",
    "614000000": "Қазығұрт ауданы",
}

CATEGORIES_KK = {
    "utilities_housing": "Тұрғын үй-коммуналдық шаруашылық",
    "roads_transport": "Жолдар және көлік",
    "land": "Жер қатынастары",
    "healthcare": "Денсаулық сақтау",
    "education": "Білім беру",
    "social_protection": "Әлеуметтік қорғау",
    "labour": "Еңбек қатынастары және жұмыспен қамту",
    "police": "Полиция қызметі",
    "ecology": "Экология және табиғат пайдалану",
    "business": "Кәсіпкерлік",
    "corruption": "Сыбайлас жемқорлық",
    "public_services": "Мемлекеттік қызметтер",
    "construction": "Құрылыс және сәулет",
    "agriculture": "Ауыл шаруашылығы",
    "other": "Басқа мәселелер",
    "utilities_housing.heating": "Жылумен жабдықтау",
    "utilities_housing.water": "Сумен жабдықтау және су бұру",
    "utilities_housing.electricity": "Электрмен жабдықтау",
    "roads_transport.public_transport": "Қоғамдық көлік",
    "roads_transport.road_repair": "Жолдарды жөндеу және күтіп ұстау",
    "healthcare.medicines": "Дәрі-дәрмекпен қамтамасыз ету",
    "education.schools": "Мектептер",
    "education.kindergartens": "Балабақшалар",
    "social_protection.pensions": "Зейнетақылар мен жәрдемақылар",
    "police.crime_report": "Қылмыстық құқық бұзушылық туралы хабарлама",
    "police.security_threat": "Мемлекеттік немесе қоғамдық қауіпсіздікке төнген қатер",
}

_MINISTRIES_KK = {
    "minhealth": "Денсаулық сақтау министрлігі",
    "minedu": "Оқу-ағарту министрлігі",
    "minlabour": "Еңбек және халықты әлеуметтік қорғау министрлігі",
    "mininternal": "Ішкі істер министрлігі",
    "minecology": "Экология және табиғи ресурстар министрлігі",
    "minagri": "Ауыл шаруашылығы министрлігі",
    "mintransport": "Көлік министрлігі",
    "minindustry": "Өнеркәсіп және құрылыс министрлігі",
    "mineconomy": "Ұлттық экономика министрлігі",
    "mindigital": "Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
}

# A regional body's slug -> its Kazakh name after the region's genitive.
_REGIONAL_KK = {
    "akimat": "әкімдігі",
    "police": "Полиция департаменті",
    "prosecutor": "прокуратурасы",
    "health": "денсаулық сақтау басқармасы",
    "education": "білім басқармасы",
    "housing": "энергетика және тұрғын үй-коммуналдық шаруашылық басқармасы",
}


def genitive(name: str) -> str:
    """ "Ақмола облысы" -> "Ақмола облысының": every seeded name ends in облысы, қаласы or
    ауданы, whose genitive adds -ның."""
    return name + "ның"


def body_name_kk(code: str) -> str | None:
    """The Kazakh name of a seeded body, from its code (see seed_data's code scheme)."""
    if code == GENERAL_PROSECUTOR_CODE:
        return f"{_RK} Бас прокуратурасы"
    if code == ANTICORRUPTION_CODE:
        return (
            f"{_RK} Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі "
            "(Сыбайлас жемқорлыққа қарсы қызмет)"
        )
    if code in _MINISTRIES_KK:
        return f"{_RK} {_MINISTRIES_KK[code]}"
    slug, _, place = code.rpartition("-")
    if slug == "akimat" and len(place) == 9:  # a district's akimat
        top = REGIONS_KK[oblast_code(place)]
        return f"{top} {genitive(REGIONS_KK[place])} әкімдігі"
    if slug in _REGIONAL_KK and len(place) == 2:
        return f"{genitive(REGIONS_KK[place + '0000000'])} {_REGIONAL_KK[slug]}"
    return None


BODIES_KK = {b.code: name for b in BODIES if (name := body_name_kk(b.code))}
