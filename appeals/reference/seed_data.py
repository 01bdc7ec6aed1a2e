"""Seed data for the reference tables: regions, categories, state bodies and routing rules.

Pure data plus a few pure helpers: nothing here imports Flask or SQLAlchemy, so the
loader, the tests and the scripts can all read it.

Code schemes
------------
Regions carry their KATO code (9 digits, text). The first two digits are the oblast
(or city of republican significance) code, so every district shares its parent's prefix.
The country is not a KATO object; it gets the placeholder "000000000".

Bodies:
    prosecutor-00                 the General Prosecutor's Office (prefix "00" = the country)
    min<slug>, anticorruption     national ministries and the Anti-Corruption Agency
    <slug>-<2-digit prefix>       a body of an oblast or city: akimat-71, police-71,
                                  prosecutor-71, health-71, education-71, housing-71
    akimat-<9-digit KATO>         a district akimat: akimat-751410000

Categories: top-level slugs ("healthcare"); a child is "<parent>.<slug>"
("healthcare.medicines").

KATO sources
------------
The 17 oblast and 3 city codes match ISO 3166-2:KZ (which uses the KATO oblast codes) and
the KATO extracts published by the Bureau of National Statistics. Note that Turkistan
region is 61, not 51: 51 was South Kazakhstan region until 2018, when Shymkent became a
city of republican significance (79) and the rest of the region was renamed Turkistan.
District codes: see the comment on each group in _DISTRICTS.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Regions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionSeed:
    code: str  # KATO code, 9 digits as text
    name_ru: str
    name_en: str
    level: str  # "country" | "region" | "city" | "district"
    parent_code: str | None  # None only for the country


REGION_LEVELS = ["country", "region", "city", "district"]

COUNTRY_CODE = "000000000"


@dataclass(frozen=True)
class _TopRegion:
    code: str
    name_ru: str
    name_en: str
    level: str  # "region" | "city"
    of_ru: str  # genitive, for body names: "Акмолинской области", "города Астаны"
    of_en: str  # for English body names: "Akmola Region", "Astana"


# The 17 oblasts (since the 2022 reform) and the 3 cities of republican significance.
_TOP = [
    _TopRegion("100000000", "Область Абай", "Abai Region", "region", "области Абай", "Abai Region"),
    _TopRegion(
        "110000000",
        "Акмолинская область",
        "Akmola Region",
        "region",
        "Акмолинской области",
        "Akmola Region",
    ),
    _TopRegion(
        "150000000",
        "Актюбинская область",
        "Aktobe Region",
        "region",
        "Актюбинской области",
        "Aktobe Region",
    ),
    _TopRegion(
        "190000000",
        "Алматинская область",
        "Almaty Region",
        "region",
        "Алматинской области",
        "Almaty Region",
    ),
    _TopRegion(
        "230000000",
        "Атырауская область",
        "Atyrau Region",
        "region",
        "Атырауской области",
        "Atyrau Region",
    ),
    _TopRegion(
        "270000000",
        "Западно-Казахстанская область",
        "West Kazakhstan Region",
        "region",
        "Западно-Казахстанской области",
        "West Kazakhstan Region",
    ),
    _TopRegion(
        "310000000",
        "Жамбылская область",
        "Zhambyl Region",
        "region",
        "Жамбылской области",
        "Zhambyl Region",
    ),
    _TopRegion(
        "330000000",
        "Область Жетісу",
        "Zhetisu Region",
        "region",
        "области Жетісу",
        "Zhetisu Region",
    ),
    _TopRegion(
        "350000000",
        "Карагандинская область",
        "Karaganda Region",
        "region",
        "Карагандинской области",
        "Karaganda Region",
    ),
    _TopRegion(
        "390000000",
        "Костанайская область",
        "Kostanay Region",
        "region",
        "Костанайской области",
        "Kostanay Region",
    ),
    _TopRegion(
        "430000000",
        "Кызылординская область",
        "Kyzylorda Region",
        "region",
        "Кызылординской области",
        "Kyzylorda Region",
    ),
    _TopRegion(
        "470000000",
        "Мангистауская область",
        "Mangystau Region",
        "region",
        "Мангистауской области",
        "Mangystau Region",
    ),
    _TopRegion(
        "550000000",
        "Павлодарская область",
        "Pavlodar Region",
        "region",
        "Павлодарской области",
        "Pavlodar Region",
    ),
    _TopRegion(
        "590000000",
        "Северо-Казахстанская область",
        "North Kazakhstan Region",
        "region",
        "Северо-Казахстанской области",
        "North Kazakhstan Region",
    ),
    _TopRegion(
        "610000000",
        "Туркестанская область",
        "Turkistan Region",
        "region",
        "Туркестанской области",
        "Turkistan Region",
    ),
    _TopRegion(
        "620000000", "Область Ұлытау", "Ulytau Region", "region", "области Ұлытау", "Ulytau Region"
    ),
    _TopRegion(
        "630000000",
        "Восточно-Казахстанская область",
        "East Kazakhstan Region",
        "region",
        "Восточно-Казахстанской области",
        "East Kazakhstan Region",
    ),
    _TopRegion("710000000", "г. Астана", "Astana", "city", "города Астаны", "Astana"),
    _TopRegion("750000000", "г. Алматы", "Almaty", "city", "города Алматы", "Almaty"),
    _TopRegion("790000000", "г. Шымкент", "Shymkent", "city", "города Шымкента", "Shymkent"),
]


@dataclass(frozen=True)
class _District:
    code: str
    name_ru: str
    name_en: str
    of_ru: str  # genitive: "Бостандыкского района", "района Есиль"


_DISTRICTS = [
    # Astana (71). One source, derived from the KATO edition of 2025 (the 711x10000 series:
    # Almaty, Yesil, Saryarka, Baikonur, Nura, Saraishyk); best known value.
    _District("711110000", "район Алматы", "Almaty District", "района Алматы"),
    _District("711210000", "район Есиль", "Yesil District", "района Есиль"),
    # Almaty city (75). Two independent KATO-based sources agree.
    _District("751410000", "Бостандыкский район", "Bostandyk District", "Бостандыкского района"),
    _District("751710000", "Медеуский район", "Medeu District", "Медеуского района"),
    # Shymkent (79). Two independent KATO-based sources agree.
    _District("791110000", "Абайский район", "Abay District", "Абайского района"),
    _District(
        "791310000", "Аль-Фарабийский район", "Al-Farabi District", "Аль-Фарабийского района"
    ),
    # Abai region (10). KATO prefix lists (1032 Abay, 1036 Ayagoz); a second source confirms
    # the series (103400000 = Aksuat). Best known value.
    _District("103200000", "Абайский район", "Abay District", "Абайского района"),
    _District("103600000", "Аягозский район", "Ayagoz District", "Аягозского района"),
    # Akmola region (11). KATO prefix list (1166 Tselinograd, 1170 Burabay); best known value.
    _District(
        "116600000", "Целиноградский район", "Tselinograd District", "Целиноградского района"
    ),
    _District("117000000", "Бурабайский район", "Burabay District", "Бурабайского района"),
    # Almaty region (19). Two independent sources agree.
    _District(
        "194000000",
        "Енбекшиказахский район",
        "Enbekshikazakh District",
        "Енбекшиказахского района",
    ),
    _District("195200000", "Карасайский район", "Karasay District", "Карасайского района"),
    _District("196200000", "Талгарский район", "Talgar District", "Талгарского района"),
    # Zhetisu region (33). One source (3332 Aksu, 3334 Alakol); best known value.
    _District("333200000", "Аксуский район", "Aksu District", "Аксуского района"),
    _District("333400000", "Алакольский район", "Alakol District", "Алакольского района"),
    # Karaganda region (35). KATO prefix list (3540 Bukhar-Zhyrau, 3552 Nura,
    # 3556 Osakarovka); a second source agrees on Osakarovka. Best known value.
    _District(
        "354000000", "Бухар-Жырауский район", "Bukhar-Zhyrau District", "Бухар-Жырауского района"
    ),
    _District("355200000", "Нуринский район", "Nura District", "Нуринского района"),
    _District("355600000", "Осакаровский район", "Osakarovka District", "Осакаровского района"),
    # Pavlodar region (55). KATO prefix list (5536 Bayanaul, 5560 Pavlodar); best known value.
    _District("553600000", "Баянаульский район", "Bayanaul District", "Баянаульского района"),
    _District("556000000", "Павлодарский район", "Pavlodar District", "Павлодарского района"),
    # Turkistan region (61). Verified against the KATO extract of 17.10.2022.
    _District("613800000", "Жетисайский район", "Zhetysai District", "Жетисайского района"),
    _District("613900000", "Келесский район", "Keles District", "Келесского района"),
    _District("614000000", "Казыгуртский район", "Kazygurt District", "Казыгуртского района"),
]


def oblast_prefix(region_code: str) -> str:
    """The 2-digit oblast/city prefix of a KATO code ("00" for the country)."""
    if len(region_code) != 9 or not region_code.isdigit():
        raise ValueError(f"not a 9-digit KATO code: {region_code!r}")
    return region_code[:2]


def oblast_code(region_code: str) -> str:
    """The KATO code of the oblast or city of republican significance a code belongs to."""
    return oblast_prefix(region_code) + "0000000"


def regional_body_code(slug: str, region_code: str) -> str:
    """The code of an oblast/city-level body: regional_body_code("police", "711210000")
    == "police-71"."""
    return f"{slug}-{oblast_prefix(region_code)}"


def district_akimat_code(district_code: str) -> str:
    oblast_prefix(district_code)  # validates
    return f"akimat-{district_code}"


GENERAL_PROSECUTOR_CODE = "prosecutor-00"


def prosecutor_code(region_code: str) -> str:
    """The prosecutor's office of the oblast/city a region or district belongs to.

    Its reception holds the manual routing queue. The country code ("000000000") gives the
    General Prosecutor's Office ("prosecutor-00").
    """
    return regional_body_code("prosecutor", region_code)


REGIONS: list[RegionSeed] = [
    RegionSeed(COUNTRY_CODE, "Республика Казахстан", "Republic of Kazakhstan", "country", None),
    *(RegionSeed(r.code, r.name_ru, r.name_en, r.level, COUNTRY_CODE) for r in _TOP),
    *(
        RegionSeed(d.code, d.name_ru, d.name_en, "district", oblast_code(d.code))
        for d in _DISTRICTS
    ),
]

# --- Categories ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySeed:
    code: str
    name_ru: str
    name_en: str
    parent_code: str | None


CATEGORIES: list[CategorySeed] = [
    CategorySeed(
        "utilities_housing", "Жилищно-коммунальное хозяйство", "Utilities and housing", None
    ),
    CategorySeed("roads_transport", "Дороги и транспорт", "Roads and transport", None),
    CategorySeed("land", "Земельные отношения", "Land", None),
    CategorySeed("healthcare", "Здравоохранение", "Healthcare", None),
    CategorySeed("education", "Образование", "Education", None),
    CategorySeed("social_protection", "Социальная защита", "Social protection", None),
    CategorySeed("labour", "Трудовые отношения и занятость", "Labour and employment", None),
    CategorySeed("police", "Деятельность полиции", "Police", None),
    CategorySeed("ecology", "Экология и природопользование", "Ecology and natural resources", None),
    CategorySeed("business", "Предпринимательство", "Business", None),
    CategorySeed("corruption", "Коррупция", "Corruption", None),
    CategorySeed("public_services", "Государственные услуги", "Public services", None),
    CategorySeed("construction", "Строительство и архитектура", "Construction", None),
    CategorySeed("agriculture", "Сельское хозяйство", "Agriculture", None),
    CategorySeed("other", "Прочие вопросы", "Other", None),
    # children
    CategorySeed("utilities_housing.heating", "Отопление", "Heating", "utilities_housing"),
    CategorySeed(
        "utilities_housing.water",
        "Водоснабжение и водоотведение",
        "Water supply and sewerage",
        "utilities_housing",
    ),
    CategorySeed(
        "utilities_housing.electricity", "Электроснабжение", "Electricity", "utilities_housing"
    ),
    CategorySeed(
        "roads_transport.public_transport",
        "Общественный транспорт",
        "Public transport",
        "roads_transport",
    ),
    CategorySeed(
        "roads_transport.road_repair",
        "Ремонт и содержание дорог",
        "Road repair and maintenance",
        "roads_transport",
    ),
    CategorySeed("healthcare.medicines", "Лекарственное обеспечение", "Medicines", "healthcare"),
    CategorySeed("education.schools", "Школы", "Schools", "education"),
    CategorySeed("education.kindergartens", "Детские сады", "Kindergartens", "education"),
    CategorySeed(
        "social_protection.pensions",
        "Пенсии и пособия",
        "Pensions and benefits",
        "social_protection",
    ),
    CategorySeed(
        "police.crime_report",
        "Сообщение об уголовном правонарушении",
        "Report of a crime",
        "police",
    ),
    CategorySeed(
        "police.security_threat",
        "Угроза государственной или общественной безопасности",
        "Threat to state or public security",
        "police",
    ),
]

# DESIGN "Intake": an anonymous appeal is left without consideration, except a report of a
# crime or of a threat to state or public security, which goes at once to the competent body.
# These categories (and any category below them) are such reports. Corruption is among them
# because the corruption offences it covers are crimes (Criminal Code, chapter 15); its rule
# sends it to the Anti-Corruption Agency. Kept as codes here rather than a column: the list is
# the law's, not the admin's, and routing already takes each of them to its competent body.
URGENT_REPORT_CATEGORIES = frozenset(
    {"corruption", "police.crime_report", "police.security_threat"}
)

# --- Bodies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodySeed:
    code: str
    name_ru: str
    name_en: str
    kind: str  # one of BODY_KINDS
    region_code: str | None  # None = national
    parent_code: str | None  # the superior body's code


BODY_KINDS = ["prosecutor", "ministry", "committee", "akimat", "department", "police"]

_RK_RU = "Республики Казахстан"
_RK_EN = "of the Republic of Kazakhstan"

# (code, Russian name without "Республики Казахстан", English name without the suffix)
_MINISTRIES = [
    ("minhealth", "Министерство здравоохранения", "Ministry of Health"),
    ("minedu", "Министерство просвещения", "Ministry of Enlightenment"),
    (
        "minlabour",
        "Министерство труда и социальной защиты населения",
        "Ministry of Labour and Social Protection of the Population",
    ),
    ("mininternal", "Министерство внутренних дел", "Ministry of Internal Affairs"),
    (
        "minecology",
        "Министерство экологии и природных ресурсов",
        "Ministry of Ecology and Natural Resources",
    ),
    ("minagri", "Министерство сельского хозяйства", "Ministry of Agriculture"),
    ("mintransport", "Министерство транспорта", "Ministry of Transport"),
    (
        "minindustry",
        "Министерство промышленности и строительства",
        "Ministry of Industry and Construction",
    ),
    ("mineconomy", "Министерство национальной экономики", "Ministry of National Economy"),
    # The 2019-2025 name; the ministry has been reorganised since (AI and digital
    # development): the admin can rename it, the code stays.
    (
        "mindigital",
        "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
        "Ministry of Digital Development, Innovations and Aerospace Industry",
    ),
]

ANTICORRUPTION_CODE = "anticorruption"


def _national_bodies() -> list[BodySeed]:
    bodies = [
        BodySeed(
            GENERAL_PROSECUTOR_CODE,
            f"Генеральная прокуратура {_RK_RU}",
            f"General Prosecutor's Office {_RK_EN}",
            "prosecutor",
            None,
            None,
        )
    ]
    bodies += [
        BodySeed(code, f"{ru} {_RK_RU}", f"{en} {_RK_EN}", "ministry", None, None)
        for code, ru, en in _MINISTRIES
    ]
    bodies.append(
        BodySeed(
            ANTICORRUPTION_CODE,
            f"Агентство {_RK_RU} по противодействию коррупции (Антикоррупционная служба)",
            "Anti-Corruption Agency of the Republic of Kazakhstan (Anti-Corruption Service)",
            "committee",
            None,
            None,
        )
    )
    return bodies


def _regional_bodies(r: _TopRegion) -> list[BodySeed]:
    akimat = regional_body_code("akimat", r.code)
    return [
        BodySeed(akimat, f"Акимат {r.of_ru}", f"Akimat of {r.of_en}", "akimat", r.code, None),
        BodySeed(
            regional_body_code("police", r.code),
            f"Департамент полиции {r.of_ru}",
            f"Police Department of {r.of_en}",
            "police",
            r.code,
            "mininternal",
        ),
        BodySeed(
            prosecutor_code(r.code),
            f"Прокуратура {r.of_ru}",
            f"Prosecutor's Office of {r.of_en}",
            "prosecutor",
            r.code,
            GENERAL_PROSECUTOR_CODE,
        ),
        BodySeed(
            regional_body_code("health", r.code),
            f"Управление здравоохранения {r.of_ru}",
            f"Health Department of {r.of_en}",
            "department",
            r.code,
            akimat,
        ),
        BodySeed(
            regional_body_code("education", r.code),
            f"Управление образования {r.of_ru}",
            f"Education Department of {r.of_en}",
            "department",
            r.code,
            akimat,
        ),
        BodySeed(
            regional_body_code("housing", r.code),
            f"Управление энергетики и жилищно-коммунального хозяйства {r.of_ru}",
            f"Department of Energy, Housing and Utilities of {r.of_en}",
            "department",
            r.code,
            akimat,
        ),
    ]


_TOP_BY_CODE = {r.code: r for r in _TOP}


def _district_akimat(d: _District) -> BodySeed:
    top = _TOP_BY_CODE[oblast_code(d.code)]
    return BodySeed(
        district_akimat_code(d.code),
        f"Акимат {d.of_ru} {top.of_ru}",
        f"Akimat of {d.name_en}, {top.of_en}",
        "akimat",
        d.code,
        regional_body_code("akimat", d.code),
    )


BODIES: list[BodySeed] = [
    *_national_bodies(),
    *(b for r in _TOP for b in _regional_bodies(r)),
    *(_district_akimat(d) for d in _DISTRICTS),
]

# --- Routing rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoutingSeed:
    category_code: str
    region_code: str | None  # None = a national rule
    body_code: str
    priority: int = 100  # lower wins between equally specific rules


# Top-level category -> slug of the oblast/city body that handles it there.
_REGIONAL_ROUTES = {
    "utilities_housing": "housing",
    "roads_transport": "akimat",
    "land": "akimat",
    "healthcare": "health",
    "education": "education",
    "social_protection": "akimat",  # the akimat's employment and social programmes office
    "police": "police",
    "business": "akimat",
    "public_services": "akimat",
    "construction": "akimat",
    "agriculture": "akimat",
    "other": "akimat",
}

# Top-level category -> national body, for matters handled centrally.
_NATIONAL_ROUTES = {
    "corruption": ANTICORRUPTION_CODE,
    "ecology": "minecology",  # its territorial departments of ecology
    "labour": "minlabour",  # the state labour inspection
}

# Districts whose own akimat takes utilities and housing; the others fall back to the
# oblast/city rule, so routing's walk up the region tree is exercised both ways.
_DISTRICT_HOUSING_ROUTES = [
    "711110000",
    "711210000",
    "751410000",
    "751710000",
    "791110000",
    "791310000",
    "195200000",
    "196200000",
    "354000000",
]


def routing_rules() -> list[RoutingSeed]:
    rules = [RoutingSeed(cat, None, body) for cat, body in _NATIONAL_ROUTES.items()]
    for r in _TOP:
        rules += [
            RoutingSeed(cat, r.code, regional_body_code(slug, r.code))
            for cat, slug in _REGIONAL_ROUTES.items()
        ]
    rules += [
        RoutingSeed("utilities_housing", code, district_akimat_code(code))
        for code in _DISTRICT_HOUSING_ROUTES
    ]
    return rules
