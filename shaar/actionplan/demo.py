"""Demo data modelled on Bishkek's 2025 OGP Local action plan.

The plan's period, lead institutions and its first commitments (KGBSK0001 on citizen
participation in urban development planning, KGBSK0002 on municipal land, KGBSK0003 on
feedback about municipal services) follow what the city published with OGP; the texts
here are summaries. Milestones, progress updates, assessments, contributions and the
board are invented for the demonstration and marked as sample data. Idempotent: rows are
keyed by code and updated in place.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation

from shaar.accounts.demo import demo_account
from shaar.city.models import Department
from shaar.lib.demo import Scale

from .models import (
    ActionPlan,
    Assessment,
    BoardMember,
    Commitment,
    Completion,
    Contribution,
    Decision,
    Meeting,
    Milestone,
    PlanMonitor,
    PlanStatusChange,
    ProgressUpdate,
)

D = datetime.date

PLAN = {
    "title_ky": "Бишкек шаарынын Ачык башкаруу боюнча иш-аракеттер планы, 2025",
    "title_ru": "План действий Бишкека по открытому управлению, 2025",
    "title_en": "Bishkek Open Government Action Plan 2025",
    "summary_ky": "Бишкек OGP Local демилгесине 2020-жылы кошулган. 2025-жылдын планы мэриянын "
                  "Шаарды өнүктүрүү саясаты башкармалыгы жана «Санариптик технологиялар "
                  "борбору» муниципалдык ишканасы жетектеген жарандык коом менен бирге "
                  "иштелип чыккан.",
    "summary_ru": "Бишкек присоединился к инициативе OGP Local в 2020 году. План на 2025 год "
                  "разработан совместно с гражданским обществом под руководством Управления "
                  "политики развития города и МП «Центр цифровых технологий» мэрии.",
    "summary_en": "Bishkek joined OGP Local in 2020. The 2025 plan was co-created with civil "
                  "society, led by the City Development Policy Department and the Municipal "
                  "Enterprise ‘Center for Digital Technologies’ of the Mayor's Office.",
}

COMMITMENTS: list[dict[str, Any]] = [
    {
        "code": "KGBSK0001", "order": 1, "lead": "urban-development", "is_sample": False,
        "values": ["value_technology", "value_participation"],
        "title_ky": "Шаарды кыска жана орто мөөнөттүү пландаштырууга жарандардын катышуусун "
                    "жогорулатуу",
        "title_ru": "Повышение участия граждан в кратко- и среднесрочном планировании "
                    "развития города",
        "title_en": "Increasing citizen participation in short or medium-term urban development "
                    "planning",
        "problem_en": "Residents' appeals reach the Mayor's Office orally, in writing and "
                      "through the Tunduk portal, and are counted by area of city life. These "
                      "formats do not show which groups of residents face the same problems, "
                      "and there is no formal way to identify systemic issues that one "
                      "immediate action cannot solve.",
        "problem_ru": "Обращения жителей поступают в мэрию устно, письменно и через портал "
                      "«Түндүк» и учитываются по сферам городской жизни. Такие форматы не "
                      "позволяют увидеть, какие группы жителей сталкиваются с одинаковыми "
                      "проблемами, и нет формального способа выявлять системные проблемы.",
        "problem_ky": "Тургундардын кайрылуулары мэрияга оозеки, жазуу жүзүндө жана «Түндүк» "
                      "порталы аркылуу келет. Мындай форматтар кайсы топтор бирдей "
                      "көйгөйлөргө туш болгонун көрсөтпөйт, системалык көйгөйлөрдү аныктоонун "
                      "расмий жолу жок.",
        "status_quo_en": "There is no systematic approach to setting the local community's "
                         "priorities: they depend on senior officials and city council "
                         "members, and the city's channels for hearing residents are "
                         "scattered.",
        "status_quo_ru": "Системного подхода к определению приоритетов местного сообщества "
                         "нет: они зависят от руководства мэрии и депутатов, а каналы связи с "
                         "жителями разрозненны.",
        "status_quo_ky": "Жергиликтүү коомчулуктун артыкчылыктарын аныктоонун системалуу "
                         "ыкмасы жок: алар жетекчиликтен жана депутаттардан көз каранды.",
        "description_en": "Analyse residents' appeals together with civil society, publish the "
                          "findings, and use them with residents to set priorities for short "
                          "and medium-term urban development planning.",
        "description_ru": "Совместно с гражданским обществом анализировать обращения жителей, "
                          "публиковать результаты и вместе с жителями определять приоритеты "
                          "кратко- и среднесрочного планирования развития города.",
        "description_ky": "Жарандык коом менен бирге тургундардын кайрылууларын талдоо, "
                          "жыйынтыктарын жарыялоо жана алардын негизинде шаарды пландаштыруунун "
                          "артыкчылыктарын тургундар менен бирге аныктоо.",
        "objective_en": "City plans reflect priorities identified from residents' appeals and "
                        "public discussion.",
        "objective_ru": "Планы города отражают приоритеты, выявленные из обращений жителей и "
                        "публичного обсуждения.",
        "objective_ky": "Шаардын пландары тургундардын кайрылууларынан жана коомдук талкуудан "
                        "аныкталган артыкчылыктарды чагылдырат.",
        "supporting_others_en": "PF ‘Civic Participation’",
        "supporting_others_ru": "ОФ «Гражданское участие»",
        "supporting_others_ky": "«Жарандык катышуу» КФ",
        "start": D(2025, 1, 1), "end": D(2025, 12, 31), "sdgs": "11, 16",
        "milestones": [
            ("Методика анализа обращений граждан согласована с гражданским обществом",
             "Жарандардын кайрылууларын талдоо методикасы жарандык коом менен макулдашылды",
             "A method for analysing residents' appeals agreed with civil society",
             D(2025, 1, 15), D(2025, 3, 31), "completed", "complete"),
            ("Опубликован отчёт об анализе обращений за 2024 год",
             "2024-жылдагы кайрылууларды талдоо боюнча отчет жарыяланды",
             "Report on the analysis of 2024 appeals published",
             D(2025, 3, 1), D(2025, 6, 30), "completed", "complete"),
            ("Проведены публичные обсуждения приоритетов в четырёх районах",
             "Төрт райондо артыкчылыктар боюнча коомдук талкуулар өткөрүлдү",
             "Public discussions of priorities held in all four districts",
             D(2025, 7, 1), D(2025, 10, 31), "ongoing", "substantial"),
        ],
    },
    {
        "code": "KGBSK0002", "order": 2, "lead": "urban-development", "is_sample": False,
        "values": ["value_accountability"],
        "title_ky": "Муниципалдык жер участокторун бөлүштүрүү жана пайдалануу маселелерин "
                    "талкуулоо аянтчасын жакшыртуу",
        "title_ru": "Совершенствование диалоговой площадки по вопросам распределения и "
                    "управления муниципальными земельными участками",
        "title_en": "Improving the dialogue platform on the distribution and management of "
                    "municipal land plots and land use",
        "problem_en": "Bishkek lacks municipal land for playgrounds, recreation and safe "
                      "sidewalks, and residents often learn of city projects only when they "
                      "are ready, when their comments can change little.",
        "problem_ru": "В Бишкеке не хватает муниципальной земли для площадок, зон отдыха и "
                      "тротуаров, а жители часто узнают о проектах, когда они уже готовы.",
        "problem_ky": "Бишкекте оюн аянтчалары жана эс алуу жайлары үчүн муниципалдык жер "
                      "жетишсиз, тургундар долбоорлор даяр болгондо гана билишет.",
        "supporting_others_en": "PF ‘Sotsium’", "supporting_others_ru": "ОФ «Социум»",
        "supporting_others_ky": "«Социум» КФ",
        "start": D(2025, 1, 1), "end": D(2025, 12, 31), "sdgs": "11",
        "milestones": [
            ("Создан публичный реестр свободных муниципальных участков",
             "Бош муниципалдык участоктордун ачык реестри түзүлдү",
             "Public register of available municipal land plots created",
             D(2025, 2, 1), D(2025, 5, 31), "ongoing", "limited"),
        ],
    },
    {
        "code": "KGBSK0003", "order": 3, "lead": "urban-development", "is_sample": False,
        "values": ["value_accountability", "value_technology"],
        "title_ky": "Муниципалдык кызматтардын сапатын баалоо үчүн жарандар менен кайтарым "
                    "байланыштын санариптик куралын түзүү",
        "title_ru": "Создание цифрового инструмента обратной связи с гражданами для оценки "
                    "качества муниципальных услуг",
        "title_en": "Creation of a digital feedback tool for citizens to assess the quality of "
                    "municipal services",
        "problem_en": "The ‘My City’ app lets residents send requests to city services, but "
                      "answers are sometimes late or inaccurate and residents cannot rate the "
                      "service they received.",
        "problem_ru": "Приложение «Мой город» позволяет отправлять обращения в городские "
                      "службы, но ответы иногда запаздывают, а оценить качество услуги нельзя.",
        "problem_ky": "«Менин шаарым» тиркемеси аркылуу кайрылууга болот, бирок жооптор кээде "
                      "кечигет жана кызматтын сапатын баалоого мүмкүн эмес.",
        "start": D(2025, 1, 1), "end": D(2025, 12, 31), "sdgs": "11, 16",
        "milestones": [
            ("В приложение добавлена оценка качества услуги жителем",
             "Тиркемеге тургундун кызматты баалоосу кошулду",
             "Residents can rate the service in the app",
             D(2025, 3, 1), D(2025, 9, 30), "completed", "complete"),
        ],
    },
]

BOARD = [
    ("Representative of the Mayor's Office (sample)", "government", "chair",
     "Бишкек шаарынын мэриясы", "Мэрия города Бишкек", "Bishkek Mayor's Office"),
    ("City Development Policy Department (sample)", "government", "member",
     "Шаарды өнүктүрүү саясаты башкармалыгы", "Управление политики развития города",
     "City Development Policy Department"),
    ("Center for Digital Technologies (sample)", "government", "member",
     "«Санариптик технологиялар борбору» МИ", "МП «Центр цифровых технологий»",
     "ME ‘Center for Digital Technologies’"),
    ("Civil society representative 1 (sample)", "non_government", "co_chair",
     "«Жарандык катышуу» КФ", "ОФ «Гражданское участие»", "PF ‘Civic Participation’"),
    ("Civil society representative 2 (sample)", "non_government", "member",
     "«Социум» КФ", "ОФ «Социум»", "PF ‘Sotsium’"),
    ("Civil society representative 3 (sample)", "non_government", "member",
     "Өнүктүрүү саясаты институту", "Институт политики развития", "Development Policy Institute"),
]


def _dt(day: D, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed(scale: Scale | None = None) -> None:
    lead = {d.code: d for d in Department.objects.filter(code__in=["urban-development"])}
    if "urban-development" not in lead:
        return  # the city app's demo data comes first; nothing to attach commitments to
    plan, _created = ActionPlan.objects.update_or_create(
        code="bishkek-2025",
        create_defaults={**PLAN, "code": "bishkek-2025", "start_date": D(2025, 1, 1),
                         "end_date": D(2025, 12, 31), "adopted_on": D(2025, 1, 17),
                         "status": ActionPlan.Status.IMPLEMENTATION,
                         "consultation_ends": D(2024, 12, 15), "is_sample": False},
        defaults={**PLAN, "start_date": D(2025, 1, 1), "end_date": D(2025, 12, 31),
                  "adopted_on": D(2025, 1, 17), "consultation_ends": D(2024, 12, 15),
                  "is_sample": False})
    for data in COMMITMENTS:
        fields = {k: v for k, v in data.items() if k.endswith(("_ky", "_ru", "_en"))}
        values = {f: f in data["values"] for f in ("value_transparency", "value_participation",
                                                   "value_accountability", "value_technology")}
        commitment, _c = Commitment.objects.update_or_create(
            code=data["code"],
            defaults={**fields, **values, "plan": plan, "order": data["order"],
                      "lead_agency": lead[data["lead"]], "start_date": data["start"],
                      "end_date": data["end"], "sdgs": data["sdgs"],
                      "policy_area_en": "Open government", "policy_area_ru": "Открытое управление",
                      "policy_area_ky": "Ачык башкаруу",
                      "budget_source_en": "City budget (sample)",
                      "budget_source_ru": "Городской бюджет (пример)",
                      "budget_source_ky": "Шаардык бюджет (үлгү)",
                      "created_at": _dt(D(2024, 11, 1)), "is_sample": data["is_sample"]})
        for order, (ru, ky, en, start, end, status, completion) in enumerate(
                data["milestones"], start=1):
            Milestone.objects.update_or_create(
                commitment=commitment, order=order,
                defaults={"deliverable_ru": ru, "deliverable_ky": ky, "deliverable_en": en,
                          "start_date": start, "end_date": end, "status": status,
                          "completion": completion, "responsible": lead[data["lead"]],
                          "is_sample": True})
    first = Milestone.objects.get(commitment__code="KGBSK0001", order=1)
    ProgressUpdate.objects.update_or_create(
        milestone=first, text="Методика анализа обращений обсуждена на рабочей встрече с "
                              "ОФ «Гражданское участие» и утверждена (пример).",
        defaults={"department": first.responsible, "language": "ru",
                  "status": Milestone.Status.COMPLETED, "completion": Completion.COMPLETE,
                  "created_at": _dt(D(2025, 3, 28)), "is_sample": True})
    second = Milestone.objects.get(commitment__code="KGBSK0001", order=2)
    ProgressUpdate.objects.update_or_create(
        milestone=second, text="Draft report on 2024 appeals shared with the supervisory board "
                               "for comments (sample).",
        defaults={"department": second.responsible, "language": "en",
                  "status": Milestone.Status.ONGOING, "completion": Completion.SUBSTANTIAL,
                  "created_at": _dt(D(2025, 6, 20)), "is_sample": True})
    kgbsk1 = Commitment.objects.get(code="KGBSK0001")
    Contribution.objects.update_or_create(
        plan=plan, commitment=kgbsk1, author_name="Айгүл",
        defaults={"text": "Пожалуйста, публикуйте результаты анализа обращений по районам, а "
                          "не только по городу в целом.", "language": "ru",
                  "created_at": _dt(D(2024, 12, 5)), "response": Contribution.Response.ACCEPTED,
                  "response_text": "Принято: отчёт будет содержать разбивку по четырём "
                                   "районам (пример).",
                  "responded_at": _dt(D(2024, 12, 20)), "is_sample": True})
    today = timezone.localdate()
    # The first member signs in as demo-board (a trusted seat: two-factor at first log-in).
    board_account = demo_account("demo-board", "Мээрим Ш.")
    for index, (name, sector, position, ky, ru, en) in enumerate(BOARD):
        BoardMember.objects.update_or_create(
            name=name, defaults={"sector": sector, "position": position, "organisation_ky": ky,
                                 "organisation_ru": ru, "organisation_en": en,
                                 "term_start": D(2024, 9, 1),
                                 "term_end": D(today.year + 1, 12, 31), "is_sample": True,
                                 "user": board_account if index == 0 else None})
    meeting, _m = Meeting.objects.update_or_create(
        title_en="Supervisory board: mid-year review (sample)",
        defaults={"plan": plan, "title_ky": "Көзөмөл кеңеши: жарым жылдык жыйынтык (үлгү)",
                  "title_ru": "Наблюдательный совет: итоги полугодия (пример)",
                  "starts_at": _dt(D(2025, 7, 10), 15),
                  "location": "Mayor's Office, Chui Avenue 166",
                  "agenda_published_at": _dt(D(2025, 6, 26)),
                  "agenda_ky": "1. KGBSK0001 боюнча отчет.\n2. Ар кандай.",
                  "agenda_ru": "1. Отчёт по KGBSK0001.\n2. Разное.",
                  "agenda_en": "1. Report on KGBSK0001.\n2. Any other business.",
                  "status": Meeting.Status.HELD,
                  "minutes_ky": "Кеңеш отчетту угуп, райондор боюнча маалымат кошууну сунуштады.",
                  "minutes_ru": "Совет заслушал отчёт и рекомендовал добавить данные по районам.",
                  "minutes_en": "The board heard the report and recommended adding data by "
                                "district.",
                  "minutes_published_at": _dt(D(2025, 7, 15)),
                  "notified_at": _dt(D(2025, 6, 26)), "is_sample": True})
    decision, _d = Decision.objects.update_or_create(
        meeting=meeting, text_en="Publish the appeals analysis with a breakdown by district.",
        defaults={"text_ru": "Опубликовать анализ обращений с разбивкой по районам.",
                  "text_ky": "Кайрылууларды талдоону райондор боюнча бөлүп жарыялоо.",
                  "is_sample": True})
    decision.commitments.set([kgbsk1])
    for from_status, to_status, day in [
            (ActionPlan.Status.DRAFTING, ActionPlan.Status.CONSULTATION, D(2024, 11, 15)),
            (ActionPlan.Status.CONSULTATION, ActionPlan.Status.ADOPTED, D(2025, 1, 17)),
            (ActionPlan.Status.ADOPTED, ActionPlan.Status.IMPLEMENTATION, D(2025, 1, 20))]:
        PlanStatusChange.objects.get_or_create(plan=plan, from_status=from_status,
                                               to_status=to_status,
                                               defaults={"changed_at": _dt(day)})
    _seed_monitor(plan)
    if plan.status == ActionPlan.Status.IMPLEMENTATION:
        _close(plan)
    _next_plan(lead["urban-development"])
    _meetings_ahead()


def _seed_monitor(plan: ActionPlan) -> None:
    """A sample independent monitor account (same demo password as the other personas)."""
    user = demo_account("demo-monitor", "Дмитрий К.")
    PlanMonitor.objects.update_or_create(
        plan=plan, user=user, defaults={"organisation": "Independent researcher (sample)",
                                        "active": True})


# The final assessments of the closed 2025 plan: the city's, then the independent monitor's.
# commitment: (self completion, note), (independent completion, note, did it open government)
FINAL = {
    "KGBSK0001": (("substantial", "Two of three milestones complete; the district discussions "
                                  "were held in three of four districts (sample)."),
                  ("substantial", "The method and the 2024 report are public; the "
                                  "Sverdlovsky district discussion did not take place "
                                  "(sample).", "marginal")),
    "KGBSK0002": (("limited", "The register is designed, but only a pilot list for one "
                              "district was published (sample)."),
                  ("limited", "A list of 14 plots was published once and not updated "
                              "(sample).", "no_change")),
    "KGBSK0003": (("complete", "Residents can rate each resolved request in the app "
                               "(sample)."),
                  ("complete", "Ratings are public on the provider scorecards; their use by "
                               "providers is not yet visible (sample).", "marginal")),
}


def _close(plan: ActionPlan) -> None:
    """The plan ended on 31 December: the city and the independent monitor assess each
    commitment, then the plan is closed."""
    from shaar.accounts.models import User

    from . import actions

    admin = User.objects.filter(username="demo-admin").first()
    monitor = User.objects.filter(username="demo-monitor").first()
    if admin is None or monitor is None:
        return
    for code, (own, independent) in FINAL.items():
        commitment = Commitment.objects.filter(plan=plan, code=code).first()
        if commitment is None:
            continue
        actions.assessment_save(commitment=commitment, kind=Assessment.Kind.SELF, by=admin, data={
            "verifiable": True, "relevant": True, "potential": Assessment.Potential.MODEST,
            "completion": own[0], "completion_note": own[1],
            "assessor_name": "City Development Policy Department (sample)"})
        actions.assessment_save(
            commitment=commitment, kind=Assessment.Kind.INDEPENDENT, by=monitor, data={
                "verifiable": True, "relevant": True, "potential": Assessment.Potential.MODEST,
                "completion": independent[0], "completion_note": independent[1],
                "opened_government": independent[2],
                "opened_government_note": "Judged from public documents and interviews "
                                          "with residents (sample).",
                "assessor_name": "Independent researcher (sample)"})
    actions.plan_transition(plan=plan, to_status=ActionPlan.Status.CLOSED, by=admin,
                            note="The plan period ended; final assessments published.")
    # A past meeting is a record of what happened (scheduling refuses dates in the past).
    Meeting.objects.update_or_create(
        title_en="Supervisory board: final review of the 2025 plan (sample)",
        defaults={"plan": plan, "title_ky": "Көзөмөл кеңеши: 2025 планынын жыйынтыгы (үлгү)",
                  "title_ru": "Наблюдательный совет: итоги плана 2025 года (пример)",
                  "starts_at": _dt(D(2026, 2, 12), 15), "location": "Mayor's Office, "
                  "Chui Avenue 166, room 310", "agenda_published_at": _dt(D(2026, 1, 29)),
                  "agenda_ky": "1. Өз алдынча баалоо.\n2. Көз карандысыз баалоо.",
                  "agenda_ru": "1. Самооценка мэрии.\n2. Независимая оценка.",
                  "agenda_en": "1. The city's self-assessment.\n2. The independent "
                               "assessment.",
                  "status": Meeting.Status.HELD,
                  "minutes_ky": "Кеңеш эки баалоону тең угуп, планды жабууну колдоду.",
                  "minutes_ru": "Совет заслушал обе оценки и поддержал закрытие плана.",
                  "minutes_en": "The board heard both assessments and agreed to close the "
                                "plan.",
                  "minutes_published_at": _dt(D(2026, 2, 19)),
                  "notified_at": _dt(D(2026, 1, 29)), "is_sample": True})


NEXT_PLAN = {
    "code": "bishkek-2027", "title_ky": "Бишкектин Ачык башкаруу боюнча планы, 2027–2028 "
                                        "(долбоор, үлгү)",
    "title_ru": "План Бишкека по открытому управлению, 2027–2028 (проект, пример)",
    "title_en": "Bishkek Open Government Action Plan 2027–2028 (draft, sample)",
    "summary_ky": "Долбоор коомдук талкууда: пикириңизди жазыңыз.",
    "summary_ru": "Проект на общественном обсуждении: оставьте своё предложение.",
    "summary_en": "The draft is open for public consultation: tell us what you think.",
}
NEXT_COMMITMENTS = [
    ("KGBSK0004", "Ачык келишимдер: шаардык сатып алуулар бир жерде",
     "Открытые контракты: все закупки города в одном месте",
     "Open contracting: every city purchase in one place"),
    ("KGBSK0005", "Жарандык бюджетти мектептерге жайылтуу",
     "Гражданский бюджет в школах", "A civic budget for schools"),
]
IDEAS = [
    ("Публиковать отчёты подрядчиков", "Хорошо бы видеть акты выполненных работ по каждому "
                                       "объекту гражданского бюджета, а не только сумму."),
    ("Open data on air quality", "Please add the city's air-quality sensors to the open data "
                                 "portal, with hourly readings."),
    ("Мектеп бюджети", "Окуучулар өз мектебинин бюджетинин бир бөлүгүн бөлүштүрсө жакшы "
                       "болмок."),
]


def _next_plan(department: Department) -> None:
    """The next plan, drafted by the city and open for public consultation."""
    from shaar.accounts.demo import sample_residents
    from shaar.accounts.models import User
    from shaar.lib.demo import local_today

    from . import actions

    admin = User.objects.filter(username="demo-admin").first()
    if admin is None or ActionPlan.objects.filter(code=NEXT_PLAN["code"]).exists():
        return
    today = local_today()
    plan = actions.plan_save(plan=ActionPlan(
        **NEXT_PLAN, start_date=D(2027, 1, 1), end_date=D(2028, 12, 31),
        consultation_ends=today + datetime.timedelta(days=21), is_sample=True), by=admin)
    for order, (code, ky, ru, en) in enumerate(NEXT_COMMITMENTS, start=1):
        actions.commitment_save(by=admin, commitment=Commitment(
            plan=plan, code=code, order=order, title_ky=ky, title_ru=ru, title_en=en,
            lead_agency=department, start_date=D(2027, 1, 1), end_date=D(2028, 12, 31),
            value_transparency=True, is_sample=True))
    actions.plan_transition(plan=plan, to_status=ActionPlan.Status.CONSULTATION, by=admin)
    residents = sample_residents(len(IDEAS) + 2)
    first = Commitment.objects.get(plan=plan, code=NEXT_COMMITMENTS[0][0])
    with translation.override("ru"):  # the interface language each sample resident wrote in
        comment = actions.contribution_submit(
            plan=plan, author=residents[0], commitment=first,
            text="Пусть в реестре будут и договоры районных администраций, не только мэрии.")
    actions.contribution_respond(contribution=comment, by=admin,
                                 response=Contribution.Response.ACCEPTED,
                                 reasons="Принято: районные администрации войдут в реестр.")
    for resident, (title, text), language in zip(residents[1:], IDEAS, ("ru", "en", "ky"),
                                                 strict=False):
        with translation.override(language):
            actions.contribution_submit(plan=plan, author=resident, title=title, text=text)
    Contribution.objects.filter(plan=plan).update(is_sample=True)


def _meetings_ahead() -> None:
    """The board's next meeting, announced with its agenda at a round local time."""
    from shaar.lib.demo import days_from_today

    from . import actions

    plan = ActionPlan.objects.filter(code=NEXT_PLAN["code"]).first()
    title = "Көзөмөл кеңеши: 2027–2028 планынын долбоору (үлгү)"
    if plan is None or Meeting.objects.filter(title_ky=title).exists():
        return
    meeting = actions.meeting_schedule(
        by=None, plan=plan, starts_at=days_from_today(16, 15), location="Mayor's Office, "
        "Chui Avenue 166, room 310",
        titles={"ky": title, "ru": "Наблюдательный совет: проект плана 2027–2028 (пример)",
                "en": "Supervisory board: the draft 2027–2028 plan (sample)"},
        agendas={"ky": "1. Коомдук талкуунун жыйынтыгы.\n2. Планды кабыл алуу.",
                 "ru": "1. Итоги общественного обсуждения.\n2. Принятие плана.",
                 "en": "1. Results of the public consultation.\n2. Adopting the plan."})
    Meeting.objects.filter(pk=meeting.pk).update(is_sample=True)
