"""Demo data: Bishkek's municipal enterprises as sample providers, service levels (one
changed last month), 12 months of scorecards computed from an invented report history,
and two resident surveys. Every row is marked as sample data. Idempotent.

The feedback app's own sample reports feed the current month; the past months come from
a generated history so that the trend charts and the ranking have something to show.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shaar.city.models import City, District, Organisation

from . import actions, metrics, selectors
from .metrics import ReportRecord
from .models import (
    ProviderProfile,
    Scorecard,
    ServiceCategory,
    ServiceLevel,
    Survey,
    SurveyAnswer,
)
from .sources import ListSource

# code, ky, ru, en, sector, hotline, monthly reports, quality (0 bad … 1 good),
# categories with (ack hours, resolve hours)
PROVIDERS = [
    ("tazalyk", "«Тазалык» МИ", "МП «Тазалык»", "Tazalyk municipal enterprise (waste)",
     "waste", "0312 54-11-54", 160, 0.55,
     {"waste-uncollected": (12, 48), "illegal-dumping": (24, 168)}),
    ("bishkekvodokanal", "«Бишкекводоканал» МИ", "МП «Бишкекводоканал»",
     "Bishkekvodokanal municipal enterprise (water)", "water", "0312 61-25-85", 120, 0.7,
     {"water-leak": (4, 48), "sewer-blocked": (4, 48)}),
    ("bishkekteploset", "«Бишкектеплосеть» ААК", "ОАО «Бишкектеплосеть»",
     "Bishkekteploset (heating)", "heating", "0312 97-77-77", 90, 0.5,
     {"no-heating": (4, 48)}),
    ("bishkeksvet", "«Бишкексвет» МИ", "МП «Бишкексвет»",
     "Bishkeksvet municipal enterprise (street lighting)", "lighting", "0312 43-17-20", 70,
     0.8, {"streetlight": (24, 72)}),
    ("bishkek-trolleybus", "Бишкек троллейбус башкармалыгы МИ",
     "МП «Бишкекское троллейбусное управление»", "Bishkek trolleybus enterprise", "transport",
     "0312 34-20-42", 25, 0.6, {"trolleybus-line": (12, 72)}),
    ("bishkek-bus", "«Бишкекский автобусный парк» МИ", "МП «Бишкекский автобусный парк»",
     "Bishkek bus enterprise", "transport", "0312 51-40-11", 30, 0.45, {"bus-stop": (48, 336)}),
    ("bishkekzelenkhoz", "«Бишкекзеленхоз» МИ", "МП «Бишкекзеленхоз»",
     "Bishkekzelenkhoz municipal enterprise (green spaces)", "green", "0312 66-03-17", 45,
     0.65, {"tree-danger": (24, 168), "park-damage": (48, 336)}),
    ("bishkekgorlift", "«Бишкекгорлифт» МИ", "МП «Бишкекгорлифт»",
     "Bishkekgorlift municipal enterprise (lifts)", "lifts", "0312 62-38-83", 12, 0.75,
     {"lift-broken": (4, 48)}),
]

CATEGORY_NAMES = {
    "waste-uncollected": ("Таштанды чыгарылган жок", "Мусор не вывезен",
                          "Rubbish not collected"),
    "illegal-dumping": ("Уруксатсыз таштанды", "Стихийная свалка", "Illegal dumping"),
    "water-leak": ("Суу агып жатат", "Утечка воды", "Water leak"),
    "sewer-blocked": ("Канализация тыгылды", "Засор канализации",
                      "Blocked sewer or open manhole"),
    "no-heating": ("Жылуулук жок", "Нет отопления", "No heating or hot water"),
    "streetlight": ("Көчө жарыгы күйбөйт", "Не горит уличный фонарь", "Street light out"),
    "trolleybus-line": ("Троллейбус линиясы", "Троллейбусная линия",
                        "Trolleybus line problem"),
    "bus-stop": ("Аялдама бузулган", "Повреждена остановка", "Damaged bus stop"),
    "tree-danger": ("Кулап кетчү дарак", "Аварийное дерево", "Dangerous tree"),
    "park-damage": ("Сейил бак бузулган", "Повреждение в сквере или парке",
                    "Damage in a park or square"),
    "lift-broken": ("Лифт иштебейт", "Не работает лифт", "Lift out of order"),
}

SURVEYS = [
    ("heating-warm", "heating",
     ("Үйүңүз жылуу беле?", "Тепло ли у вас дома?", "Is your home warm enough?"),
     ("Ушул жумада үйүңүз жетиштүү жылуу беле? (1 — абдан суук, 5 — жылуу)",
      "Было ли у вас дома достаточно тепло на этой неделе? (1 — очень холодно, 5 — тепло)",
      "Was your home warm enough this week? (1 — very cold, 5 — warm)"),
     {"leninsky": 3.1, "oktyabrsky": 3.6, "pervomaisky": 2.7, "sverdlovsky": None}),
    ("yard-clean", "waste",
     ("Короо таза беле?", "Чисто ли во дворе?", "How clean is your yard?"),
     ("Ушул айда короңуз канчалык таза болду? (1 — абдан кир, 5 — таза)",
      "Насколько чисто было в вашем дворе в этом месяце? (1 — очень грязно, 5 — чисто)",
      "How clean was your yard this month? (1 — very dirty, 5 — clean)"),
     {"leninsky": 3.4, "oktyabrsky": 3.9, "pervomaisky": 3.0, "sverdlovsky": 3.5}),
]


def _profiles(districts: list[District]) -> list[tuple[ProviderProfile, float, int]]:
    result = []
    for code, ky, ru, en, sector, hotline, volume, quality, categories in PROVIDERS:
        org, _c = Organisation.objects.get_or_create(code=code, defaults={
            "name_ky": ky, "name_ru": ru, "name_en": en, "kind": Organisation.Kind.PROVIDER,
            "is_sample": True})
        profile, _c = ProviderProfile.objects.update_or_create(organisation=org, defaults={
            "sector": sector, "hotline": hotline, "category_codes": list(categories),
            "address": "Бишкек", "is_sample": True,
            "description_ky": f"{ky}: шаардын муниципалдык ишканасы (үлгү маалымат).",
            "description_ru": f"{ru}: муниципальное предприятие города (пример).",
            "description_en": f"{en}: a municipal enterprise of the city (sample)."})
        profile.districts.set(districts)
        result.append((profile, quality, volume))
    for code, (ky, ru, en) in CATEGORY_NAMES.items():
        ServiceCategory.objects.update_or_create(code=code, defaults={
            "name_ky": ky, "name_ru": ru, "name_en": en, "is_sample": True})
    return result


def _levels(profiles, now: datetime) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for profile, _q, _v in profiles:
        code = profile.organisation.code
        categories = next(p[8] for p in PROVIDERS if p[0] == code)
        for category, (ack, res) in categories.items():
            ServiceLevel.objects.get_or_create(
                provider=profile, category_code=category, valid_from=start,
                defaults={"acknowledge_hours": Decimal(ack), "resolve_hours": Decimal(res),
                          "note": "Sample", "is_sample": True})
    # Tazalyk's target for uncollected rubbish was tightened in the middle of last month.
    tazalyk = next(p for p, _q, _v in profiles if p.organisation.code == "tazalyk")
    last = metrics.previous_month(selectors.current_month(now))
    change = metrics.month_start(last, City.current().zone) + timedelta(days=14)
    ServiceLevel.objects.get_or_create(
        provider=tazalyk, category_code="waste-uncollected", valid_from=change,
        defaults={"acknowledge_hours": Decimal(8), "resolve_hours": Decimal(36),
                  "note": "Sample: tighter target after the 2025 contract review",
                  "is_sample": True})


def generate_records(profiles, months: list, *, seed: int = 7) -> list[ReportRecord]:
    """An invented but plausible report history for the given months."""
    rng = random.Random(seed)  # noqa: S311 (invented sample data)
    districts = list(District.objects.values_list("id", flat=True))
    records: list[ReportRecord] = []
    rid = 10_000_000
    tz = City.current().zone
    for month_index, month in enumerate(months):
        start, end = metrics.month_bounds(month, tz)
        span = (end - start).total_seconds()
        for profile, quality, volume in profiles:
            code = profile.organisation.code
            categories = next(p[8] for p in PROVIDERS if p[0] == code)
            # Winter brings heating complaints; quality drifts a little month to month.
            seasonal = 2.5 if profile.sector == "heating" and month.month in (11, 12, 1, 2) \
                else 1.0
            q = min(0.95, max(0.1, quality + rng.uniform(-0.12, 0.12)
                              + 0.01 * month_index))
            for _n in range(int(volume * seasonal * rng.uniform(0.8, 1.2))):
                rid += 1
                category = rng.choice(list(categories))
                ack_target, res_target = categories[category]
                received = start + timedelta(seconds=rng.uniform(0, span))
                ack = received + timedelta(hours=ack_target * rng.lognormvariate(
                    -0.7 + (0.6 - q), 0.6))
                rejected = rng.random() < 0.05
                resolved: tuple = ()
                reopened: tuple = ()
                rating = fixed = None
                if not rejected and rng.random() < 0.85 + q * 0.1:
                    first = ack + timedelta(hours=res_target * rng.lognormvariate(
                        -0.5 + (0.6 - q), 0.7))
                    resolved = (first,)
                    if rng.random() < 0.15 * (1.2 - q):
                        again = first + timedelta(hours=rng.uniform(6, 72))
                        final = again + timedelta(hours=res_target * rng.uniform(0.2, 0.8))
                        reopened, resolved = (again,), (first, final)
                    if rng.random() < 0.45:
                        fixed = rng.random() < 0.55 + q * 0.4
                        rating = max(1, min(5, round(rng.gauss(2 + 3 * q if fixed else 1.8,
                                                               0.8))))
                records.append(ReportRecord(
                    report_id=rid, organisation_id=profile.organisation_id, category=category,
                    district_id=rng.choice(districts) if districts else None,
                    received_at=received, acknowledged_at=ack, resolved_at=resolved,
                    reopened_at=reopened,
                    rejected_at=ack if rejected else None, rating=rating, fixed=fixed))
    return records


def _surveys(districts: list[District], now: datetime) -> None:
    rng = random.Random(11)  # noqa: S311 (invented sample data)
    by_code = {d.code: d for d in districts}
    last = metrics.previous_month(selectors.current_month(now))
    for code, sector, titles, questions, means in SURVEYS:
        opens = metrics.month_start(last, City.current().zone) + timedelta(days=3)
        survey, created = Survey.objects.update_or_create(
            title_en=titles[2], defaults={
                "title_ky": titles[0], "title_ru": titles[1], "question_ky": questions[0],
                "question_ru": questions[1], "question_en": questions[2], "sector": sector,
                "opens_at": opens, "closes_at": now + timedelta(days=20), "is_sample": True})
        survey.districts.set(districts)
        if not created and survey.answers.exists():
            continue
        answers = []
        for district_code, mean in means.items():
            district = by_code.get(district_code)
            if district is None:
                continue
            # One district with too few answers shows how small cells are hidden.
            count = 6 if mean is None else rng.randint(25, 70)
            for i in range(count):
                score = max(1, min(5, round(rng.gauss(mean or 3, 1.0))))
                key = hashlib.sha256(f"sample:{code}:{district_code}:{i}".encode()).hexdigest()
                answered = opens + timedelta(hours=rng.uniform(0, 24 * 20))
                answers.append(SurveyAnswer(survey=survey, respondent_key=key,
                                            district=district, score=score,
                                            answered_at=min(answered, now), is_sample=True))
        SurveyAnswer.objects.bulk_create(answers, ignore_conflicts=True)


def seed() -> None:
    now = timezone.now()
    districts = list(District.objects.all())
    profiles = _profiles(districts)
    _levels(profiles, now)
    _surveys(districts, now)
    current = selectors.current_month(now)
    months = []
    month = current
    for _i in range(12):
        month = metrics.previous_month(month)
        months.insert(0, month)
    if not Scorecard.objects.filter(month=months[0], is_sample=True).exists():
        source = ListSource(generate_records(profiles, months))
        for month in months:
            actions.scorecards_compute(month=month, now=now, source=source, is_sample=True)
    # The current month comes from the reports actually stored (feedback's sample reports).
    actions.scorecards_compute(month=current, now=now, is_sample=True)
