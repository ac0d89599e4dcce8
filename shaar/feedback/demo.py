"""Demo data for citizen feedback: categories with service levels and questions, Bishkek's
municipal enterprises as sample routing, an Open311 demo client, and 18 months of sample
reports made through the same actions residents and staff use: seasons (heating in winter,
dust and water in summer, potholes after the thaw), photos drawn locally, "me too"s, staff
replies, rejections with reasons, duplicates, ratings and reopenings. The provider
scorecards are computed from these reports. Idempotent: rows are keyed by code; reports are
made once."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from auditlog.context import disable_auditlog
from django.utils import timezone

from shaar.city.geo import contains
from shaar.city.models import Department, District, Organisation
from shaar.lib.demo import Scale, demo_scale, local_at, local_today, rng, sample_photo

from . import actions
from .models import ApiClient, Category, Channel, Question, Report, RoutingRule, Status

DEMO_API_KEY = "demo-open311-key"

ORGANISATIONS = [
    ("tazalyk", "«Тазалык» МИ", "МП «Тазалык»", "Tazalyk municipal enterprise (waste)"),
    ("bishkekvodokanal", "«Бишкекводоканал» МИ", "МП «Бишкекводоканал»",
     "Bishkekvodokanal municipal enterprise (water)"),
    ("bishkekteploset", "«Бишкектеплосеть» ААК", "ОАО «Бишкектеплосеть»",
     "Bishkekteploset (heating)"),
    ("bishkeksvet", "«Бишкексвет» МИ", "МП «Бишкексвет»",
     "Bishkeksvet municipal enterprise (street lighting)"),
    ("bishkek-trolleybus", "Бишкек троллейбус башкармалыгы МИ",
     "МП «Бишкекское троллейбусное управление»", "Bishkek trolleybus enterprise"),
    ("bishkek-bus", "«Бишкекский автобусный парк» МИ", "МП «Бишкекский автобусный парк»",
     "Bishkek bus enterprise"),
    ("bishkekzelenkhoz", "«Бишкекзеленхоз» МИ", "МП «Бишкекзеленхоз»",
     "Bishkekzelenkhoz municipal enterprise (green spaces)"),
    ("bishkekgorlift", "«Бишкекгорлифт» МИ", "МП «Бишкекгорлифт»",
     "Bishkekgorlift municipal enterprise (lifts)"),
]

# code, group, ky, ru, en, ack hours, resolve hours, routed to (org or dept:code)
CATEGORIES = [
    ("pothole", "roads", "Жолдогу чуңкур", "Яма на дороге", "Pothole in the road", 24, 240,
     "dept:transport"),
    ("pavement", "roads", "Бузулган тротуар", "Разрушенный тротуар", "Broken pavement", 48, 480,
     "dept:transport"),
    ("traffic-light", "roads", "Светофор иштебейт", "Не работает светофор",
     "Traffic light not working", 4, 24, "dept:transport"),
    ("streetlight", "lighting", "Көчө жарыгы күйбөйт", "Не горит уличный фонарь",
     "Street light out", 24, 72, "bishkeksvet"),
    ("waste-uncollected", "waste", "Таштанды чыгарылган жок", "Мусор не вывезен",
     "Rubbish not collected", 12, 48, "tazalyk"),
    ("illegal-dumping", "waste", "Уруксатсыз таштанды", "Стихийная свалка", "Illegal dumping",
     24, 168, "tazalyk"),
    ("street-dust", "waste", "Көчө чаң, жыйналбайт", "Пыль, улица не убирается",
     "Dust, street not swept or watered", 24, 72, "tazalyk"),
    ("water-leak", "water", "Суу агып жатат", "Утечка воды", "Water leak", 4, 48,
     "bishkekvodokanal"),
    ("sewer-blocked", "water", "Канализация тыгылды", "Засор канализации",
     "Blocked sewer or open manhole", 4, 48, "bishkekvodokanal"),
    ("no-heating", "heating", "Жылуулук жок", "Нет отопления", "No heating or hot water", 4,
     48, "bishkekteploset"),
    ("bus-stop", "transport", "Аялдама бузулган", "Повреждена остановка",
     "Damaged bus stop", 48, 336, "bishkek-bus"),
    ("trolleybus-line", "transport", "Троллейбус линиясы", "Троллейбусная линия",
     "Trolleybus line problem", 12, 72, "bishkek-trolleybus"),
    ("tree-danger", "green", "Кулап кетчү дарак", "Аварийное дерево", "Dangerous tree", 24, 168,
     "bishkekzelenkhoz"),
    ("park-damage", "green", "Сейил бак бузулган", "Повреждение в сквере или парке",
     "Damage in a park or square", 48, 336, "bishkekzelenkhoz"),
    ("lift-broken", "lifts", "Лифт иштебейт", "Не работает лифт", "Lift out of order", 4, 48,
     "bishkekgorlift"),
    ("noise-order", "order", "Коомдук тартип", "Общественный порядок",
     "Public order problem", 24, 240, None),
    ("other", "other", "Башка маселе", "Другая проблема", "Other problem", 48, 480, None),
]

# Per category: code, datatype, required, label (ky, ru, en), values (code, ky, ru, en).
QUESTIONS: dict[str, list[tuple[str, str, bool, str, str, str,
                                list[tuple[str, str, str, str]]]]] = {
    "pothole": [
        ("size", "singlevaluelist", True, "Чуңкурдун өлчөмү", "Размер ямы", "Size of the pothole",
         [("small", "кичине", "маленькая", "small (< 30 cm)"),
          ("medium", "орто", "средняя", "medium (30–100 cm)"),
          ("large", "чоң", "большая", "large (> 1 m)")]),
        ("lane", "string", False, "Кайсы тилке?", "Какая полоса?", "Which lane?", []),
    ],
    "streetlight": [
        ("pole_number", "string", False, "Мамынын номери", "Номер опоры", "Pole number", []),
        ("how_many", "number", False, "Канча шам күйбөйт?", "Сколько фонарей не горит?",
         "How many lights are out?", []),
    ],
    "waste-uncollected": [
        ("since", "datetime", False, "Качантан бери?", "С какого времени?", "Since when?", []),
        ("kind", "multivaluelist", False, "Таштанды түрү", "Вид мусора", "Kind of waste",
         [("household", "тиричилик", "бытовой", "household"),
          ("construction", "курулуш", "строительный", "construction"),
          ("green", "бак-дарак", "растительный", "green waste")]),
    ],
    "no-heating": [
        ("flat", "string", True, "Батир же үй", "Квартира или дом", "Flat or house number", []),
        ("hot_water", "singlevaluelist", True, "Ысык суу барбы?", "Есть ли горячая вода?",
         "Is there hot water?", [("yes", "ооба", "да", "yes"), ("no", "жок", "нет", "no")]),
    ],
    "lift-broken": [
        ("entrance", "number", True, "Подъезд", "Подъезд", "Entrance number", []),
        ("people_stuck", "singlevaluelist", True, "Лифтте адам калдыбы?",
         "Застряли ли люди?", "Are people stuck inside?",
         [("yes", "ооба", "да", "yes"), ("no", "жок", "нет", "no")]),
    ],
}

DESCRIPTIONS = {
    "pothole": ["Глубокая яма у перекрёстка, машины объезжают по встречной.",
                "После зимы асфальт разрушился, ямы по всей полосе.",
                "Жолдун ортосунда чоң чуңкур, жамгырдан кийин суу толуп калат.",
                "Large pothole near the bus stop, a car damaged a wheel yesterday."],
    "pavement": ["Тротуар разбит, с коляской не пройти.", "Плитка вздулась после ремонта труб."],
    "traffic-light": ["Светофор мигает жёлтым с утра.", "Светофор күйбөйт, балдар өтө албайт."],
    "streetlight": ["Не горят три фонаря во дворе, темно и опасно.",
                    "Көчөдө жарык жок, кечинде коркунучтуу.",
                    "Street light flickers all night."],
    "waste-uncollected": ["Контейнеры переполнены, мусор не вывозили неделю.",
                          "Таштанды үч күндөн бери чыгарыла элек."],
    "illegal-dumping": ["Строительный мусор выброшен у арыка.",
                        "Someone dumped old furniture by the canal.",
                        "Арыктын жээгине курулуш таштандысы ташталды.",
                        "За гаражами растёт свалка, мусор жгут по вечерам."],
    "street-dust": ["Улицу не поливают, от машин стоит столб пыли.",
                    "Көчө шыпырылбай калды, чаң үйгө кирип жатат.",
                    "After the roadworks the street is covered in dust and nobody sweeps it.",
                    "На обочинах слой песка после зимы, не убирают."],
    "water-leak": ["Из люка течёт чистая вода, лужа на всю улицу.",
                   "Суу түтүгү жарылып, көчөгө суу агып жатат.",
                   "Low water pressure, the upper floors have had no water since morning.",
                   "Порыв трубы у школы, вода подмывает асфальт."],
    "sewer-blocked": ["Открытый канализационный люк на тротуаре.",
                      "Канализация тыгылып, жаман жыт чыгып жатат."],
    "no-heating": ["В доме холодные батареи третий день.", "Үйдө жылуулук жок, балдар үшүп жатат.",
                   "Батареи едва тёплые, в квартире +15.",
                   "The radiators in the whole entrance have been cold since the frost began.",
                   "Ысык суу бир жумадан бери жок."],
    "bus-stop": ["Разбито стекло остановки.", "Аялдаманын отургучу сынган."],
    "trolleybus-line": ["Провис контактный провод над дорогой."],
    "tree-danger": ["Сухое дерево наклонилось над детской площадкой.",
                    "A large branch hangs over the pavement after the storm."],
    "park-damage": ["Сломаны скамейки в сквере.", "Сейил бактагы оюн аянтчасы бузулган."],
    "lift-broken": ["Лифт не работает вторую неделю, в доме пожилые люди.",
                    "Лифт токтоп калды, 9-кабатка чыгуу кыйын."],
    "noise-order": ["Ночью шумят у кафе, музыка до трёх часов."],
    "other": ["Нет указателя названия улицы.", "Арыкты тазалоо керек."],
}

STREETS = ["пр. Чуй", "ул. Киевская", "ул. Токтогула", "пр. Манаса", "ул. Ахунбаева",
           "ул. Боконбаева", "пр. Жибек Жолу", "ул. Исанова", "ул. Фрунзе", "мкр. Джал",
           "мкр. Асанбай", "ул. Абдрахманова", "ул. Байтик Баатыра", "пр. Мира"]


def seed(scale: Scale | None = None) -> None:
    orgs = {}
    for code, ky, ru, en in ORGANISATIONS:
        orgs[code], _c = Organisation.objects.update_or_create(
            code=code, defaults={"name_ky": ky, "name_ru": ru, "name_en": en,
                                 "kind": Organisation.Kind.PROVIDER, "is_sample": True})
    categories = {}
    for order, (code, group, ky, ru, en, ack, res, target) in enumerate(CATEGORIES, start=1):
        category, _c = Category.objects.update_or_create(code=code, defaults={
            "group": group, "name_ky": ky, "name_ru": ru, "name_en": en,
            "description_ky": ky, "description_ru": ru, "description_en": en,
            "target_hours_acknowledge": ack, "target_hours_resolve": res, "order": order,
            "is_sample": True})
        categories[code] = category
        for q_order, (q_code, datatype, required, lky, lru, len_, values) in enumerate(
                QUESTIONS.get(code, []), start=1):
            Question.objects.update_or_create(category=category, code=q_code, defaults={
                "datatype": datatype, "required": required, "label_ky": lky, "label_ru": lru,
                "label_en": len_, "order": q_order,
                "values": [{"key": k, "name_ky": a, "name_ru": b, "name_en": c}
                           for k, a, b, c in values]})
        if target:
            department = organisation = None
            if target.startswith("dept:"):
                department = Department.objects.filter(code=target[5:]).first()
                if department is None:
                    continue
            else:
                organisation = orgs[target]
            RoutingRule.objects.update_or_create(
                category=category, district=None,
                defaults={"department": department, "organisation": organisation,
                          "is_sample": True})
    _provider_staff(orgs["tazalyk"])
    client = ApiClient.objects.filter(name="Demo call centre (sample)").first() or ApiClient(
        name="Demo call centre (sample)", contact="1212", is_sample=True)
    client.set_key(DEMO_API_KEY)
    client.save()
    if not Report.objects.filter(is_sample=True).exists():
        _sample_reports(categories, client, scale or demo_scale())



def _provider_staff(organisation: Organisation) -> None:
    """A sample account working Tazalyk's inbox (two-factor set-up on first log-in)."""
    from shaar.accounts.demo import demo_account
    from shaar.accounts.models import Role, RoleAssignment

    user = demo_account("demo-provider", "Руслан Б.")
    RoleAssignment.objects.get_or_create(user=user, role=Role.PROVIDER_STAFF,
                                         organisation=organisation)


# The share of an average month's reports each category takes, and how the seasons move it:
# twelve factors, January to December.
FLAT = (1,) * 12
SEASONS = {
    "pothole": (6, (1.3, 1.6, 2.2, 2.0, 1.3, 0.8, 0.6, 0.6, 0.7, 0.8, 0.9, 1.1)),
    "pavement": (4, (0.7, 0.7, 1.0, 1.2, 1.3, 1.2, 1.1, 1.1, 1.1, 1.0, 0.8, 0.7)),
    "traffic-light": (2, FLAT),
    "streetlight": (8, (1.5, 1.3, 1.0, 0.8, 0.6, 0.5, 0.5, 0.6, 0.9, 1.2, 1.5, 1.6)),
    "waste-uncollected": (12, (0.8, 0.8, 0.9, 1.0, 1.1, 1.3, 1.4, 1.3, 1.1, 0.9, 0.8, 1.0)),
    "illegal-dumping": (5, (0.5, 0.5, 0.9, 1.3, 1.4, 1.3, 1.2, 1.2, 1.1, 1.0, 0.7, 0.5)),
    "street-dust": (5, (0.1, 0.2, 0.8, 1.4, 1.8, 2.2, 2.6, 2.4, 1.6, 0.8, 0.3, 0.1)),
    "water-leak": (9, (1.1, 1.0, 0.9, 0.9, 1.1, 1.5, 1.7, 1.6, 1.1, 0.8, 0.8, 1.0)),
    "sewer-blocked": (5, (0.8, 0.8, 1.1, 1.3, 1.2, 1.2, 1.3, 1.2, 1.0, 0.9, 0.8, 0.8)),
    "no-heating": (14, (3.0, 2.6, 1.2, 0.3, 0.05, 0.05, 0.05, 0.05, 0.2, 1.6, 2.9, 3.2)),
    "bus-stop": (3, FLAT),
    "trolleybus-line": (2, (1.3, 1.2, 1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.9, 1.0, 1.2, 1.3)),
    "tree-danger": (3, (0.5, 0.5, 1.3, 1.6, 1.4, 1.0, 0.9, 0.9, 1.0, 1.2, 0.8, 0.6)),
    "park-damage": (3, (0.4, 0.4, 0.8, 1.2, 1.5, 1.5, 1.5, 1.4, 1.1, 0.8, 0.5, 0.4)),
    "lift-broken": (4, FLAT),
    "noise-order": (2, (0.6, 0.6, 0.8, 1.0, 1.3, 1.6, 1.7, 1.6, 1.1, 0.8, 0.6, 0.6)),
    "other": (3, FLAT),
}

REPLIES = {
    "waste": ["Заявка передана на участок, вывоз запланирован на завтра утром.",
              "Таштанды чыгаруучу унаа эртең эртең менен келет.",
              "The crew has been sent; the site will be cleaned within two days."],
    "water": ["Аварийная бригада выехала, вода будет перекрыта на время ремонта.",
              "Авариялык бригада жөнөтүлдү."],
    "heating": ["Проверяем давление в сети, слесарь придёт сегодня до 18:00.",
                "Жылуулук тармагындагы басым текшерилип жатат."],
    "lighting": ["Замена ламп включена в график на эту неделю.",
                 "Шамдарды алмаштыруу ушул жумага пландалды."],
    "roads": ["Участок включён в план ямочного ремонта.",
              "The section is in this month's repair plan."],
}
GENERIC_REPLIES = ["Спасибо, обращение передано ответственной службе.",
                   "Рахмат, кайрылуу жооптуу кызматка жөнөтүлдү.",
                   "Thank you, the responsible service has your report."]
REJECTIONS = ["Участок не относится к муниципальной собственности: это территория ТСЖ.",
              "Бул аймак муниципалдык менчикке кирбейт.",
              "The place is private land; the owner has been informed.",
              "Работы уже выполнены по другому обращению."]
RESOLUTIONS = ["Работы выполнены.", "Иштер аткарылды.", "Repaired and checked on site.",
               "Проблема устранена, участок проверен мастером."]
RESOLVE_SPEED = {"tazalyk": 1.1, "bishkekteploset": 1.4, "bishkekvodokanal": 0.9,
                 "bishkeksvet": 0.7, "bishkek-bus": 1.6, "bishkekgorlift": 0.8}
HOT_SPOTS = [("water-leak", 42.8765, 74.6120), ("pothole", 42.8420, 74.5850),
             ("streetlight", 42.8900, 74.6600)]
CHANNELS = [Channel.WEB] * 6 + [Channel.APP] * 4 + [Channel.PHONE] * 2 + [
    Channel.LETTER, Channel.IN_PERSON, Channel.EPORTAL, Channel.OPEN311]


def _month_starts(months: int) -> list[date]:
    today = local_today()
    first = date(today.year, today.month, 1)
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        starts.append(date(year, month + 1, 1))
    return starts


def _next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _place(gen: random.Random, districts: list[District]) -> tuple[float, float]:
    """A point inside a district, the districts drawn by population."""
    district = gen.choices(districts, weights=[d.population or 1 for d in districts])[0]
    boundary = district.boundary
    assert boundary is not None  # demo districts all have one
    ring = boundary["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    for _try in range(50):
        lon, lat = gen.uniform(min(lons), max(lons)), gen.uniform(min(lats), max(lats))
        if contains(boundary, lon, lat):
            return lat, lon
    return sum(lats) / len(lats), sum(lons) / len(lons)


def _answers(category: Category, gen: random.Random) -> dict:
    answers = {}
    for q in category.questions.all():
        if q.is_list:
            answers[q.code] = gen.choice(q.choices())[0]
        elif q.datatype == "number":
            answers[q.code] = str(gen.randint(1, 6))
        elif q.required:
            answers[q.code] = str(gen.randint(1, 120))
    return answers


def _plan(categories: dict[str, Category], scale: Scale, now: datetime) -> list[tuple]:
    """(category code, created at, lat, lon) for every report, oldest first."""
    gen = rng("feedback-plan")
    districts = [d for d in District.objects.all() if d.boundary]
    starts = _month_starts(scale.months)
    total_weight = sum(share for share, _f in SEASONS.values())
    plan = []
    for index, start in enumerate(starts):
        # More residents find the service as it becomes known: +50% over the period.
        growth = 0.8 + 0.5 * index / max(1, len(starts) - 1)
        end = _next_month(start)
        first, last = local_at(start, 0), min(local_at(end, 0), now)
        span = (last - first).total_seconds()
        days = (end - start).days
        fraction = span / (days * 86400)
        for code, (share, factors) in SEASONS.items():
            if code not in categories:
                continue
            expected = (scale.reports_per_month * growth * share / total_weight
                        * factors[start.month - 1] * fraction)
            count = int(expected) + (gen.random() < expected - int(expected))
            for _n in range(count):
                at = first + timedelta(seconds=gen.uniform(0, span))
                # Reports come in waking hours, most in the morning and evening.
                at = at.replace(hour=gen.choice([7, 8, 9, 9, 10, 11, 12, 13, 14, 17, 18, 19,
                                                 19, 20, 21, 22]))
                if at >= now:
                    continue
                lat, lon = _place(gen, districts)
                plan.append((code, at, lat, lon))
    # A few clusters near one place make the systemic-issue view find something.
    for n in range(max(6, scale.reports_per_month // 3)):
        code, lat, lon = HOT_SPOTS[n % len(HOT_SPOTS)]
        at = now - timedelta(days=gen.uniform(1, 45))
        plan.append((code, at, lat + gen.uniform(-0.0006, 0.0006),
                     lon + gen.uniform(-0.0008, 0.0008)))
    return sorted(plan, key=lambda item: item[1])


def _photos() -> list[bytes]:
    return [sample_photo("report photo", seed=f"report-photo-{n}") for n in range(12)]


def _life(report: Report, category: Category, gen: random.Random, now: datetime,
          staff: dict, earlier: list[Report]) -> None:
    """What happens to a report after it arrives, through the staff and resident actions."""
    org_code = report.organisation.code if report.organisation else ""
    speed = RESOLVE_SPEED.get(org_code, 1.0)
    created = report.created_at
    steps: list[tuple] = []

    def at(hours: float) -> datetime:
        return created + timedelta(hours=hours)

    roll = gen.random()
    ack = gen.uniform(0.3, category.target_hours_acknowledge * 1.6 * speed)
    if roll < 0.04 and earlier:
        original = gen.choice(earlier[-30:])
        if original.category_id == report.category_id:
            steps.append(("status", Status.DUPLICATE, "Дубликат: уже есть такое обращение.",
                          at(ack), original))
    elif roll < 0.10:
        steps.append(("status", Status.REJECTED, gen.choice(REJECTIONS), at(ack), None))
    else:
        # Recent reports stay new or in progress: their later steps fall after `now`.
        steps.append(("status", Status.ACKNOWLEDGED, "", at(ack), None))
        work = ack + gen.uniform(1, 30) * speed
        if gen.random() < 0.55:
            text = gen.choice(REPLIES.get(category.group, GENERIC_REPLIES))
            steps.append(("reply", text, at(work - 0.5)))
        steps.append(("status", Status.IN_PROGRESS, "", at(work), None))
        resolve = work + category.target_hours_resolve * gen.lognormvariate(-0.6, 0.7) * speed
        if gen.random() < 0.97:  # a few wait for a larger repair and stay in progress
            steps.append(("status", Status.RESOLVED, gen.choice(RESOLUTIONS), at(resolve),
                          None))
    me_too = int(gen.paretovariate(1.6)) - 1 if gen.random() < 0.35 else 0
    for n in range(min(me_too, 40)):
        steps.append(("support", n, at(gen.uniform(0.2, max(0.3, ack + 20)))))
    for step in sorted(steps, key=lambda s: s[3] if s[0] == "status" else s[2]):
        kind, when = step[0], step[3] if step[0] == "status" else step[2]
        if when >= now:
            break
        if kind == "status":
            actions.report_change_status(report=report, actor=None, status=step[1],
                                         note=step[2], duplicate_of=step[4], at=when)
        elif kind == "reply":
            actor = staff.get(org_code) or staff[""]
            actions.report_reply(report=report, actor=actor, text=step[1], at=when)
        elif Report.objects.filter(pk=report.pk, status__in=actions.OPEN_STATUSES).exists():
            actions.report_support(report=report, key=f"sample:{report.pk}:{step[1]}",
                                   at=when)
    report.refresh_from_db()
    if report.status == Status.RESOLVED and gen.random() < 0.45:
        _rate(report, gen, now)


def _rate(report: Report, gen: random.Random, now: datetime) -> None:
    """"Was it fixed?": mostly yes; a "no" reopens the report, which is then fixed again."""
    assert report.resolved_at is not None  # only resolved reports are rated
    when = report.resolved_at + timedelta(hours=gen.uniform(2, 96))
    if when >= now:
        return
    fixed = gen.random() < 0.8
    actions.report_rate(report=report, fixed=fixed,
                        score=gen.choice([4, 5, 5, 3]) if fixed else gen.choice([1, 1, 2]),
                        comment="" if fixed else "Ничего не изменилось.", at=when)
    if fixed:
        return
    again = when + timedelta(hours=gen.uniform(12, 120))
    if again < now:
        actions.report_change_status(report=report, actor=None, status=Status.RESOLVED,
                                     note="Повторно выполнено, проверено мастером.", at=again)


def _sample_reports(categories: dict[str, Category], client: ApiClient, scale: Scale) -> None:
    from shaar.accounts.models import User

    gen = rng("feedback-life")
    now = timezone.now()
    photos = _photos()
    staff = {"tazalyk": User.objects.filter(username="demo-provider").first(),
             "": User.objects.filter(username="demo-department").first()}
    made: list[Report] = []
    # The audit log records what staff do; a generated history is not their work.
    with disable_auditlog():
        for code, created, lat, lon in _plan(categories, scale, now):
            category = categories[code]
            channel = gen.choice(CHANNELS)
            report = actions.report_create(
                category=category, lat=lat, lon=lon,
                description=gen.choice(DESCRIPTIONS[code]),
                address=f"{gen.choice(STREETS)}, {gen.randint(1, 200)}",
                answers=_answers(category, gen), channel=channel,
                client=client if channel == Channel.OPEN311 else None, created_at=created,
                photo_bytes=[gen.choice(photos)] if gen.random() < scale.photo_share else [])
            _life(report, category, gen, now, staff, made)
            made.append(report)
    ids = [report.pk for report in made]
    for start in range(0, len(ids), 500):
        Report.objects.filter(pk__in=ids[start:start + 500]).update(is_sample=True)
