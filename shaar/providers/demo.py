"""Demo data: Bishkek's municipal enterprises as sample providers, service levels (one
changed last month), two resident surveys, and scorecards for every month of the feedback
app's sample reports, computed from those reports. Every row is marked as sample data.
Idempotent.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shaar.city.models import City, District, Organisation
from shaar.feedback.models import Report
from shaar.lib.demo import Scale, days_from_today

from . import actions, metrics, selectors
from .models import (
    ProviderProfile,
    Scorecard,
    ServiceCategory,
    ServiceLevel,
    Survey,
    SurveyAnswer,
)

# code, ky, ru, en, sector, hotline, monthly reports, quality (0 bad … 1 good),
# categories with (ack hours, resolve hours)
PROVIDERS = [
    ("tazalyk", "«Тазалык» МИ", "МП «Тазалык»", "Tazalyk municipal enterprise (waste)",
     "waste", "0312 54-11-54", 160, 0.55,
     {"waste-uncollected": (12, 48), "illegal-dumping": (24, 168), "street-dust": (24, 72)}),
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
    "street-dust": ("Көчө чаң, жыйналбайт", "Пыль, улица не убирается",
                    "Dust, street not swept or watered"),
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

# Per survey: code, sector, questions (ky, ru, en), mean answer per district code.
SURVEYS: list[tuple[str, str, tuple[str, str, str], tuple[str, str, str],
                   dict[str, float | None]]] = [
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


def _surveys(districts: list[District], now: datetime) -> None:
    rng = random.Random(11)  # noqa: S311 (invented sample data)
    by_code = {d.code: d for d in districts}
    last = metrics.previous_month(selectors.current_month(now))
    for code, sector, titles, questions, means in SURVEYS:
        opens = metrics.month_start(last, City.current().zone) + timedelta(days=3, hours=9)
        survey, created = Survey.objects.update_or_create(
            title_en=titles[2], defaults={
                "title_ky": titles[0], "title_ru": titles[1], "question_ky": questions[0],
                "question_ru": questions[1], "question_en": questions[2], "sector": sector,
                "opens_at": opens, "closes_at": days_from_today(20, 20), "is_sample": True})
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


def seed(scale: Scale | None = None) -> None:
    now = timezone.now()
    districts = list(District.objects.all())
    profiles = _profiles(districts)
    _levels(profiles, now)
    _surveys(districts, now)
    # Every month of the sample reports' history, computed from the stored reports by the
    # same step the nightly job runs (which recomputes the current and previous month).
    first = Report.objects.filter(is_sample=True).order_by("created_at").first()
    if first is None:
        return
    month = selectors.current_month(first.created_at)
    current = selectors.current_month(now)
    while month < current:
        actions.scorecards_compute(month=month, now=now, is_sample=True)
        month = metrics.next_month(month)
    actions.scorecards_nightly(now=now)
    Scorecard.objects.filter(month__in=[metrics.previous_month(current), current]).update(
        is_sample=True)
