"""Sample city budget: three years of Bishkek-like figures (about 30 billion som a year,
education the largest function). Invented, and marked as sample data. The lines that fund
the civic budget and the community grants hold exactly what the sample pools and grant
calls hold, so the pages agree.

The rows go through the same checked import as a real file. 2026, the year in progress,
has two versions: the budget as adopted, then the mid-year revision with execution to
30 September, so the "what changed" page has something to show. Idempotent: a sample
year is re-imported from scratch; a year with real (non-sample) figures is left alone.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shaar.city.models import Department, District
from shaar.lib.demo import Scale
from shaar.lib.tabular import Row

from . import actions
from .importing import COLUMNS, OPTIONAL_COLUMNS
from .models import AdminUnit, FiscalYear

# Residents at the start of each year (2026: the districts' total in city.demo).
POPULATION = {2024: 1_241_000, 2025: 1_268_000, 2026: 1_296_000}

UNITS = [
    # code, kind, ky, ru, en (city departments and districts from city.demo are linked)
    ("mayors-office", "other", "Бишкек шаарынын мэриясы", "Мэрия города Бишкек",
     "Bishkek City Hall"),
    ("city-kenesh", "other", "Бишкек шаардык кеңеши", "Бишкекский городской кенеш",
     "Bishkek City Council"),
    ("health", "department", "Саламаттыкты сактоо башкармалыгы", "Управление здравоохранения",
     "Health Department"),
    ("culture-sport", "department", "Маданият жана спорт башкармалыгы",
     "Управление культуры и спорта", "Culture and Sport Department"),
    ("public-safety", "department", "Муниципалдык коопсуздук кызматы",
     "Служба муниципальной безопасности", "Municipal Safety Service"),
]

# direction, cofog, economic code, unit, programme, ky, ru, en, million som in 2026,
# participation
LINES = [
    ("revenue", "", "11111100", "finance", "", "Жеке кирешеге салык", "Подоходный налог",
     "Personal income tax", 8400, ""),
    ("revenue", "", "11311200", "finance", "", "Имаратка салык", "Налог на имущество (здания)",
     "Property tax on buildings", 1900, ""),
    ("revenue", "", "11312100", "finance", "", "Жер салыгы", "Земельный налог", "Land tax",
     1100, ""),
    ("revenue", "", "11451100", "finance", "", "Сатуудан алынуучу салык", "Налог с продаж",
     "Sales tax", 2600, ""),
    ("revenue", "", "11421100", "finance", "", "Патенттин негизиндеги салык",
     "Налог на основе патента", "Patent-based tax", 600, ""),
    ("revenue", "", "11422100", "finance", "", "Бирдиктүү салык", "Единый налог",
     "Single tax for small businesses", 1500, ""),
    ("revenue", "", "14221100", "finance", "",
     "Муниципалдык мүлктү ижарага берүүдөн түшкөн каражат",
     "Аренда муниципального имущества", "Rent of municipal property", 1200, ""),
    ("revenue", "", "14231100", "finance", "",
     "Бюджеттик мекемелердин акы төлөнүүчү кызматтары",
     "Платные услуги бюджетных учреждений", "Fees for services of city institutions", 2400, ""),
    ("revenue", "", "14311100", "finance", "", "Айып пулдар", "Штрафы", "Fines", 500, ""),
    ("revenue", "", "13311100", "finance", "", "Республикалык бюджеттен категориялык гранттар",
     "Категориальные гранты из республиканского бюджета",
     "Categorical grants from the national budget", 8500, ""),
    ("revenue", "", "14111100", "finance", "", "Муниципалдык жерди жана мүлктү сатуу",
     "Продажа муниципальной земли и имущества", "Sale of municipal land and property", 900, ""),
    ("expenditure", "7091", "2111", "education", "", "Балдар бакчаларынын эмгек акысы",
     "Заработная плата в детских садах", "Kindergarten salaries", 2700, ""),
    ("expenditure", "7091", "2221", "education", "", "Балдар бакчаларында тамак-аш жана буюмдар",
     "Питание и материалы в детских садах", "Kindergarten meals and supplies", 900, ""),
    ("expenditure", "7092", "2111", "education", "", "Мектептердин эмгек акысы",
     "Заработная плата в школах", "School salaries", 4300, ""),
    ("expenditure", "7092", "2215", "education", "", "Мектептердин коммуналдык кызматтары",
     "Коммунальные услуги школ", "School utilities", 700, ""),
    ("expenditure", "7092", "3111", "education", "P-07 NEW-SCHOOLS", "Жаңы мектептерди куруу",
     "Строительство новых школ", "Building new schools", 900, ""),
    ("expenditure", "7095", "2111", "education", "", "Мектептен тышкаркы билим берүү",
     "Внешкольное образование", "Out-of-school education", 400, ""),
    ("expenditure", "7045", "3113", "transport", "", "Жолдорду оңдоо жана куруу",
     "Ремонт и строительство дорог", "Road repair and construction", 2600, ""),
    ("expenditure", "7045", "2511", "transport", "", "Коомдук транспортко субсидия",
     "Субсидия общественному транспорту", "Public transport subsidy", 1700, ""),
    ("expenditure", "7045", "3112", "transport", "", "Жаңы автобустар жана троллейбустар",
     "Новые автобусы и троллейбусы", "New buses and trolleybuses", 1100, ""),
    ("expenditure", "7045", "2221", "transport", "P-11 SAFE-CITY", "Светофорлор жана жол белгилери",
     "Светофоры и дорожные знаки", "Traffic lights and road signs", 300, ""),
    ("expenditure", "7041", "2811", "mayors-office", "", "Чакан бизнести колдоо",
     "Поддержка малого бизнеса", "Support for small businesses", 150, ""),
    ("expenditure", "7062", "3111", "landscaping", "", "Парктарды жана скверлерди көрктөндүрүү",
     "Благоустройство парков и скверов", "Parks and squares", 1300, ""),
    ("expenditure", "7063", "3111", "urban-development", "", "Суу түтүктөрүн жаңылоо",
     "Обновление водопроводных сетей", "Renewal of water mains", 1200, ""),
    ("expenditure", "7064", "2215", "landscaping", "", "Көчөлөрдү жарыктандыруу",
     "Уличное освещение", "Street lighting", 650, ""),
    ("expenditure", "7061", "3111", "urban-development", "",
     "Кезекте турган үй-бүлөлөр үчүн турак жай",
     "Жильё для очередников", "Housing for families on the waiting list", 700, ""),
    ("expenditure", "7062", "3111", "leninsky", "", "Ленин районундагы короолорду оңдоо",
     "Ремонт дворов в Ленинском районе", "Courtyard repairs, Leninsky district", 150, ""),
    ("expenditure", "7062", "3111", "oktyabrsky", "", "Октябрь районундагы короолорду оңдоо",
     "Ремонт дворов в Октябрьском районе", "Courtyard repairs, Oktyabrsky district", 150, ""),
    ("expenditure", "7062", "3111", "pervomaisky", "",
     "Биринчи май районундагы короолорду оңдоо",
     "Ремонт дворов в Первомайском районе", "Courtyard repairs, Pervomaisky district", 150, ""),
    ("expenditure", "7062", "3111", "sverdlovsky", "", "Свердлов районундагы короолорду оңдоо",
     "Ремонт дворов в Свердловском районе", "Courtyard repairs, Sverdlovsky district", 150, ""),
    ("expenditure", "7062", "3111", "urban-development", "P-21 CIVIC-BUDGET",
     "Жарандык бюджеттин долбоорлору", "Проекты гражданского бюджета",
     "Civic budget projects", 300, "civic_budget"),
    ("expenditure", "7051", "2221", "landscaping", "", "Таштандыларды чогултуу жана полигон",
     "Вывоз мусора и полигон", "Waste collection and landfill", 1500, ""),
    ("expenditure", "7054", "2221", "landscaping", "", "Дарак отургузуу жана жашылдандыруу",
     "Посадка деревьев и озеленение", "Tree planting and greening", 350, ""),
    ("expenditure", "7053", "2221", "mayors-office", "", "Абанын сапатын көзөмөлдөө",
     "Мониторинг качества воздуха", "Air quality monitoring", 120, ""),
    ("expenditure", "7072", "2111", "health", "", "Үй-бүлөлүк медицина борборлору",
     "Центры семейной медицины", "Family medicine centres", 1100, ""),
    ("expenditure", "7074", "2221", "health", "", "Коомдук саламаттыкты сактоо",
     "Общественное здравоохранение", "Public health", 400, ""),
    ("expenditure", "7104", "2711", "social", "", "Үй-бүлөлөрдү жана балдарды колдоо",
     "Поддержка семей и детей", "Support for families and children", 700, ""),
    ("expenditure", "7101", "2711", "social", "",
     "Ден соолугунун мүмкүнчүлүгү чектелген адамдарды колдоо",
     "Поддержка лиц с инвалидностью", "Support for people with disabilities", 450, ""),
    ("expenditure", "7102", "2711", "social", "", "Ардагерлерди жана улгайган адамдарды колдоо",
     "Поддержка ветеранов и пожилых", "Support for veterans and older people", 300, ""),
    ("expenditure", "7107", "2221", "social", "", "Үй-жайы жок адамдар үчүн баш калкалоочу жай",
     "Приют для бездомных", "Shelter for homeless people", 150, ""),
    ("expenditure", "7109", "2631", "social", "P-22 COMMUNITY-GRANTS", "Коомдук уюмдарга гранттар",
     "Гранты общественным организациям", "Community grants to NGOs", 120, "community_grants"),
    ("expenditure", "7081", "2221", "culture-sport", "", "Спорт объектилери",
     "Спортивные объекты", "Sports facilities", 600, ""),
    ("expenditure", "7082", "2111", "culture-sport", "", "Театрлар, китепканалар жана музейлер",
     "Театры, библиотеки и музеи", "Theatres, libraries and museums", 650, ""),
    ("expenditure", "7031", "2221", "public-safety", "P-11 SAFE-CITY",
     "Муниципалдык коопсуздук жана видеокамералар", "Муниципальная безопасность и видеокамеры",
     "Municipal safety and street cameras", 450, ""),
    ("expenditure", "7022", "2221", "public-safety", "", "Жарандык коргонуу",
     "Гражданская защита", "Civil defence", 100, ""),
    ("expenditure", "7011", "2111", "mayors-office", "", "Мэриянын аппараты", "Аппарат мэрии",
     "City Hall administration", 1100, ""),
    ("expenditure", "7011", "2111", "city-kenesh", "", "Шаардык кеңеш", "Городской кенеш",
     "City council", 180, ""),
    ("expenditure", "7013", "2111", "leninsky", "", "Ленин районунун администрациясы",
     "Администрация Ленинского района", "Leninsky district administration", 160, ""),
    ("expenditure", "7013", "2111", "oktyabrsky", "", "Октябрь районунун администрациясы",
     "Администрация Октябрьского района", "Oktyabrsky district administration", 160, ""),
    ("expenditure", "7013", "2111", "pervomaisky", "", "Биринчи май районунун администрациясы",
     "Администрация Первомайского района", "Pervomaisky district administration", 160, ""),
    ("expenditure", "7013", "2111", "sverdlovsky", "", "Свердлов районунун администрациясы",
     "Администрация Свердловского района", "Sverdlovsky district administration", 160, ""),
    ("expenditure", "7017", "2411", "finance", "", "Муниципалдык карыз боюнча пайыздар",
     "Проценты по муниципальному долгу", "Interest on municipal debt", 350, ""),
    ("expenditure", "7016", "2811", "finance", "", "Мэриянын резервдик фонду",
     "Резервный фонд мэрии", "City Hall reserve fund", 250, ""),
]

YEARS = {2024: Decimal("0.84"), 2025: Decimal("0.92"), 2026: Decimal("1.00")}
MILLION = Decimal(1_000_000)
THOUSAND = Decimal(1000)
# Spending is low in winter and gathers towards the year's end (works, heating season).
PLANNED_SPLIT = [Decimal("0.19"), Decimal("0.24"), Decimal("0.26")]


def _wobble(*parts: object, spread: int) -> Decimal:
    """A deterministic variation in [-spread, +spread] per cent, different for each line."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return Decimal(digest[0] % (2 * spread + 1) - spread) / 100


def _round(value: Decimal) -> Decimal:
    return (value / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP) * THOUSAND


def _split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    parts = [_round(total * share) for share in shares]
    return [*parts, total - sum(parts)]


def participation_totals(year: int) -> dict[str, Decimal]:
    """What the civic budget's pools and the grant calls of `year` hold, so that the budget
    lines that fund them say the same; years without a sample cycle scale the 2026 figure."""
    from shaar.budgeting.demo import POOLS
    from shaar.grants.demo import ENVELOPES

    pools = Decimal(sum(row[4] for row in POOLS))
    grants = Decimal(ENVELOPES.get(year, ENVELOPES[2026]))
    if year != 2026:
        pools, grants = _round(pools * YEARS[year]), _round(grants * YEARS[year])
    return {"civic_budget": pools, "community_grants": grants}


def rows_for(year: int, *, revised: bool, executed_quarters: int) -> list[Row]:
    rows = []
    fixed = participation_totals(year)
    for number, (direction, code, economic, unit, programme, ky, ru, en, millions,
                 participation) in enumerate(LINES, start=2):
        factor = YEARS[year] * (1 + _wobble(year, en, spread=4))
        approved = _round(Decimal(millions) * MILLION * factor)
        revised_amount = _round(approved * (1 + _wobble(year, en, "r", spread=5)))
        if participation:
            approved = revised_amount = fixed[participation]
        plan = revised_amount if revised else approved
        rate = Decimal("0.97") + _wobble(year, en, "e", spread=3)
        shift = _wobble(year, en, "q", spread=3)
        planned = _split(plan, [PLANNED_SPLIT[0] + shift, PLANNED_SPLIT[1],
                                PLANNED_SPLIT[2] - shift])
        executed_q: list[Decimal | None] = [_round(planned[q] * rate) for q in range(4)]
        executed_q = [v if q < executed_quarters else None for q, v in enumerate(executed_q)]
        executed = (sum(v for v in executed_q if v is not None) if executed_quarters else None)
        values = {
            "direction": direction, "cofog": code, "economic_code": economic,
            "admin_unit": unit, "programme": programme, "name_ky": ky, "name_ru": ru,
            "name_en": en, "approved": approved,
            "revised": revised_amount if revised else None, "executed": executed,
            "participation": participation,
        }
        for q in range(4):
            values[f"planned_q{q + 1}"] = planned[q]
            values[f"executed_q{q + 1}"] = executed_q[q]
        rows.append(Row(number, values))
    return rows


def _seed_units() -> None:
    for code, kind, ky, ru, en in UNITS:
        AdminUnit.objects.update_or_create(code=code, defaults={
            "kind": kind, "name_ky": ky, "name_ru": ru, "name_en": en, "is_sample": True})
    for department in Department.objects.all():
        AdminUnit.objects.update_or_create(code=department.code, defaults={
            "kind": AdminUnit.Kind.DEPARTMENT, "department": department,
            "name_ky": department.name_ky, "name_ru": department.name_ru,
            "name_en": department.name_en, "is_sample": department.is_sample})
    for district in District.objects.all():
        AdminUnit.objects.update_or_create(code=district.code, defaults={
            "kind": AdminUnit.Kind.DISTRICT, "district": district,
            "name_ky": district.name_ky, "name_ru": district.name_ru,
            "name_en": district.name_en, "is_sample": district.is_sample})


def seed(scale: Scale | None = None) -> None:
    _seed_units()
    header = [*COLUMNS, *OPTIONAL_COLUMNS]
    imports: list[tuple[int, dict[str, Any], datetime.date | None]] = [
        (2024, {"revised": True, "executed_quarters": 4}, datetime.date(2024, 12, 31)),
        (2025, {"revised": True, "executed_quarters": 4}, datetime.date(2025, 12, 31)),
        (2026, {"revised": False, "executed_quarters": 0}, None),
        (2026, {"revised": True, "executed_quarters": 3}, datetime.date(2026, 9, 30)),
    ]
    existing = {fy.year: fy for fy in FiscalYear.objects.filter(year__in=YEARS)}
    for fiscal_year in existing.values():
        if fiscal_year.is_sample:
            fiscal_year.delete()  # re-created below, so seeding twice gives the same state
    for year, options, executed_on in imports:
        if year in existing and not existing[year].is_sample:
            continue  # the city's own figures: never overwritten by samples
        actions.budget_import(year=year, header=header, rows=rows_for(year, **options),
                              source="demo", source_name="sample", executed_on=executed_on,
                              population=POPULATION[year], is_sample=True)
