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

from django.utils import timezone

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

COMMITMENTS = [
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
             D(2025, 3, 1), D(2025, 6, 30), "ongoing", "substantial"),
            ("Проведены публичные обсуждения приоритетов в четырёх районах",
             "Төрт райондо артыкчылыктар боюнча коомдук талкуулар өткөрүлдү",
             "Public discussions of priorities held in all four districts",
             D(2025, 7, 1), D(2025, 10, 31), "planned", "not_started"),
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
             D(2025, 3, 1), D(2025, 9, 30), "planned", "not_started"),
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
        defaults={**PLAN, "start_date": D(2025, 1, 1), "end_date": D(2025, 12, 31),
                  "status": ActionPlan.Status.IMPLEMENTATION, "adopted_on": D(2025, 1, 17),
                  "consultation_ends": D(2024, 12, 15), "is_sample": False})
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
    Assessment.objects.update_or_create(
        commitment=kgbsk1, kind=Assessment.Kind.SELF,
        defaults={"verifiable": True, "relevant": True,
                  "potential": Assessment.Potential.MODEST,
                  "completion": Completion.SUBSTANTIAL,
                  "completion_note": "Two of three milestones are complete or nearly complete "
                                     "(sample).",
                  "assessor_name": "City Development Policy Department (sample)",
                  "updated_at": _dt(D(2025, 7, 1)), "is_sample": True})
    Contribution.objects.update_or_create(
        plan=plan, commitment=kgbsk1, author_name="Айгүл (sample)",
        defaults={"text": "Пожалуйста, публикуйте результаты анализа обращений по районам, а "
                          "не только по городу в целом.",
                  "created_at": _dt(D(2024, 12, 5)), "response": Contribution.Response.ACCEPTED,
                  "response_text": "Принято: отчёт будет содержать разбивку по четырём "
                                   "районам (пример).",
                  "responded_at": _dt(D(2024, 12, 20)), "is_sample": True})
    today = timezone.localdate()
    for name, sector, position, ky, ru, en in BOARD:
        BoardMember.objects.update_or_create(
            name=name, defaults={"sector": sector, "position": position, "organisation_ky": ky,
                                 "organisation_ru": ru, "organisation_en": en,
                                 "term_start": D(2024, 9, 1),
                                 "term_end": D(today.year + 1, 12, 31), "is_sample": True})
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
    ActionPlan.objects.filter(id=plan.id).update(last_updated=timezone.now())


def _seed_monitor(plan: ActionPlan) -> None:
    """A sample independent monitor account (same demo password as the other personas)."""
    from shaar.accounts.demo import demo_account

    user = demo_account("demo-monitor", "Independent monitor (sample)")
    PlanMonitor.objects.update_or_create(
        plan=plan, user=user, defaults={"organisation": "Independent researcher (sample)",
                                        "active": True})
