"""Demo data for citizen feedback: categories with service levels and questions, Bishkek's
municipal enterprises as sample routing, an Open311 demo client and a few hundred sample
reports with histories. Idempotent: rows are keyed by code; reports are made once."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from shaar.city.models import Department, District, Organisation

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

QUESTIONS = {
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
                        "Someone dumped old furniture by the canal."],
    "water-leak": ["Из люка течёт чистая вода, лужа на всю улицу.",
                   "Суу түтүгү жарылып, көчөгө суу агып жатат."],
    "sewer-blocked": ["Открытый канализационный люк на тротуаре.",
                      "Канализация тыгылып, жаман жыт чыгып жатат."],
    "no-heating": ["В доме холодные батареи третий день.", "Үйдө жылуулук жок, балдар үшүп жатат."],
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


def seed() -> None:
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
        _sample_reports(categories)


def _provider_staff(organisation: Organisation) -> None:
    """A sample account working Tazalyk's inbox (two-factor set-up on first log-in)."""
    from allauth.account.models import EmailAddress

    from shaar.accounts.demo import DEMO_PASSWORD
    from shaar.accounts.models import Role, RoleAssignment, User

    user, created = User.objects.get_or_create(
        username="demo-provider", defaults={"display_name": "Tazalyk staff (sample)",
                                            "email": "demo-provider@example.org"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=user.email,
                                       defaults={"verified": True, "primary": True})
    RoleAssignment.objects.get_or_create(user=user, role=Role.PROVIDER_STAFF,
                                         organisation=organisation)


def _sample_reports(categories: dict[str, Category], count: int = 300) -> None:
    rng = random.Random(2026)  # noqa: S311 (sample data)
    districts = list(District.objects.filter(boundary__isnull=False))
    if not districts:
        return
    now = timezone.now()
    channels = [Channel.WEB] * 6 + [Channel.APP] * 3 + [Channel.PHONE, Channel.LETTER,
                                                        Channel.IN_PERSON, Channel.EPORTAL,
                                                        Channel.OPEN311]
    # A few hot spots make the systemic-issue view find clusters.
    hot_spots = [("water-leak", 42.8765, 74.6120), ("pothole", 42.8420, 74.5850),
                 ("streetlight", 42.8900, 74.6600)]
    plan = []
    for i in range(count):
        if i < 24:
            code, lat, lon = hot_spots[i % 3]
            lat += rng.uniform(-0.0006, 0.0006)
            lon += rng.uniform(-0.0008, 0.0008)
            created = now - timedelta(days=rng.uniform(1, 60))
        else:
            code = rng.choice(list(categories))
            box = districts[i % len(districts)].boundary["coordinates"][0]
            lons = [p[0] for p in box]
            lats = [p[1] for p in box]
            lat = rng.uniform(min(lats) + 0.005, max(lats) - 0.005)
            lon = rng.uniform(min(lons) + 0.005, max(lons) - 0.005)
            created = now - timedelta(days=rng.uniform(0, 365))
        plan.append((code, lat, lon, created))
    for code, lat, lon, created in sorted(plan, key=lambda p: p[3]):
        category = categories[code]
        answers = {}
        for q in category.questions.all():
            if q.required:
                answers[q.code] = (q.choices()[0][0] if q.is_list else
                                   "1" if q.datatype == "number" else "12")
        report = actions.report_create(
            category=category, lat=lat, lon=lon,
            description=rng.choice(DESCRIPTIONS[code]),
            address=f"{rng.choice(STREETS)}, {rng.randint(1, 200)}", answers=answers,
            channel=rng.choice(channels), created_at=created)
        Report.objects.filter(pk=report.pk).update(is_sample=True)
        age_hours = (now - created).total_seconds() / 3600
        roll = rng.random()
        t = created
        steps = []
        if roll < 0.85 and age_hours > 2:
            t += timedelta(hours=rng.uniform(0.5, category.target_hours_acknowledge * 1.5))
            steps.append((Status.ACKNOWLEDGED, "", t))
        if roll < 0.7 and age_hours > 24:
            t += timedelta(hours=rng.uniform(1, 48))
            steps.append((Status.IN_PROGRESS, "Бригада направлена.", t))
        if roll < 0.55 and age_hours > 72:
            t += timedelta(hours=rng.uniform(4, category.target_hours_resolve * 1.3))
            steps.append((Status.RESOLVED, "Работы выполнены.", t))
        elif 0.8 < roll < 0.85 and age_hours > 24:
            steps = [(Status.REJECTED, "Участок не относится к муниципальной собственности.",
                      created + timedelta(hours=5))]
        for status, note, at in steps:
            if at >= now:
                break
            actions.report_change_status(report=report, actor=None, status=status, note=note,
                                         at=at)
        report.refresh_from_db()
        if report.status == Status.RESOLVED and rng.random() < 0.5:
            fixed = rng.random() < 0.8
            at = report.resolved_at + timedelta(hours=rng.uniform(2, 72))
            if at < now:
                actions.report_rate(report=report, fixed=fixed,
                                    score=rng.randint(3, 5) if fixed else rng.randint(1, 2),
                                    at=at)
