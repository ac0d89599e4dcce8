"""Demo data: "Civic budget 2027" in its voting phase and "Civic budget 2026" finished and
in implementation, each taken through the same actions a city uses: sample residents
propose (some with photos), support and comment; reviewers approve with revised costs,
reject with reasons and merge duplicates; the cycle moves phase by phase; register
residents vote (online, some on paper) through `ballot_cast`; the count runs; delivery is
recorded with milestones, money and updates that agree. Idempotent: a cycle that exists
is left as it is.

Kept on its own so that changes to ballots and counting flow through unchanged."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from shaar.accounts.demo import resident_district_codes, resident_pin, sample_residents
from shaar.accounts.models import User
from shaar.city.models import City, Department, District
from shaar.lib.demo import (
    Scale,
    days_from_today,
    demo_scale,
    local_at,
    local_today,
    rng,
    sample_photo,
)

from . import actions
from .models import Cycle, Phase, Pool, Proposal

POOLS = [
    # district code (None: city-wide), names, budget, ballot form, rule
    (None, "Шаар боюнча", "Общегородской", "City-wide", 40_000_000, "knapsack", "mes"),
    ("leninsky", "Ленин району", "Ленинский район", "Leninsky district", 10_000_000,
     "knapsack", "greedy"),
    ("oktyabrsky", "Октябрь району", "Октябрьский район", "Oktyabrsky district", 10_000_000,
     "approval", "greedy"),
    ("pervomaisky", "Биринчи май району", "Первомайский район", "Pervomaisky district",
     8_000_000, "knapsack", "greedy"),
    ("sverdlovsky", "Свердлов району", "Свердловский район", "Sverdlovsky district",
     9_000_000, "knapsack", "mes"),
]

# Two projects the demo's voters like equally, at one cost: only one fits, a tie decides.
TIED_2026 = ("Крытый каток в 12 микрорайоне", "Бассейн при школе № 5")
# (pool code, title, category, estimated cost, lat, lon, department code)
PROJECTS_2026 = [
    (None, "Велодорожка по проспекту Чуй от Манаса до Советской", "roads", 14_500_000,
     42.8765, 74.5900, "transport"),
    (None, "Кышкы аянтчалар: 10 муз аянтча мектептердин жанында", "playgrounds", 9_800_000,
     42.8700, 74.6000, "education"),
    (None, "Пандусы и тактильная плитка на 40 остановках", "accessibility", 7_200_000,
     42.8746, 74.6120, "transport"),
    (None, "Новые урны и контейнеры для раздельного сбора в парках", "environment",
     4_600_000, 42.8800, 74.6050, "landscaping"),
    (None, "Светодиодное освещение бульвара Эркиндик", "lighting", 11_000_000,
     42.8730, 74.6080, "urban-development"),
    (None, "Шаардык китепканаларда коворкинг", "culture", 6_300_000, 42.8770, 74.6030,
     "education"),
    ("leninsky", "Детская площадка во дворе Джал-23", "playgrounds", 3_100_000, 42.8300,
     74.5700, "landscaping"),
    ("leninsky", "Тротуар по улице Ахунбаева от Матросова", "roads", 4_800_000, 42.8420,
     74.5800, "transport"),
    ("leninsky", "Сквер у школы № 61", "parks", 2_700_000, 42.8600, 74.5600, "landscaping"),
    ("leninsky", "Көчө жарыгы: Ала-Арча конушу", "lighting", 3_900_000, 42.8200, 74.5500,
     "urban-development"),
    ("oktyabrsky", "Спортивная площадка в 12 микрорайоне", "playgrounds", 3_500_000, 42.8350,
     74.6300, "landscaping"),
    ("oktyabrsky", "Ремонт тротуаров на улице Горького", "roads", 4_200_000, 42.8580,
     74.6200, "transport"),
    ("oktyabrsky", "Озеленение бульвара Молодой гвардии", "parks", 2_900_000, 42.8500,
     74.6400, "landscaping"),
    ("oktyabrsky", TIED_2026[0], "playgrounds", 5_500_000, 42.8330, 74.6280, "landscaping"),
    ("oktyabrsky", TIED_2026[1], "playgrounds", 5_500_000, 42.8480, 74.6350, "education"),
    ("oktyabrsky", "Пандусы у поликлиники № 7", "accessibility", 1_600_000, 42.8450,
     74.6500, "social"),
    ("pervomaisky", "Обновление сквера Ататюрка", "parks", 3_800_000, 42.8900, 74.6000,
     "landscaping"),
    ("pervomaisky", "Освещение улицы Фрунзе", "lighting", 2_400_000, 42.8800, 74.6000,
     "urban-development"),
    ("pervomaisky", "Балдар бакчасынын оюн аянтчасы", "playgrounds", 2_100_000, 42.8930,
     74.5900, "education"),
    ("pervomaisky", "Контейнерные площадки во дворах", "environment", 1_900_000, 42.8850,
     74.6100, "landscaping"),
    ("sverdlovsky", "Дворовая площадка в Восток-5", "playgrounds", 3_300_000, 42.8700,
     74.6800, "landscaping"),
    ("sverdlovsky", "Тротуар вдоль улицы Жукеева-Пудовкина", "roads", 4_400_000, 42.8900,
     74.6700, "transport"),
    ("sverdlovsky", "Парк на Ахунбаева: скамейки и освещение", "parks", 2_800_000, 42.8800,
     74.6900, "landscaping"),
    ("sverdlovsky", "Адаптивная спортплощадка для детей с ОВЗ", "accessibility", 2_200_000,
     42.8750, 74.7000, "social"),
]

PROJECTS_2027 = [
    (None, "Зеленый коридор вдоль реки Ала-Арча", "parks", 16_000_000, 42.8600, 74.5900,
     "landscaping"),
    (None, "Бесплатный Wi-Fi в 30 автобусах и на остановках", "other", 5_500_000, 42.8746,
     74.6000, "transport"),
    (None, "Шаар боюнча 25 жаңы автобус аялдамасы", "roads", 12_500_000, 42.8750, 74.6100,
     "transport"),
    (None, "Общественные туалеты в парках", "environment", 8_000_000, 42.8800, 74.6000,
     "landscaping"),
    ("leninsky", "Освещение улицы Садыгалиева", "lighting", 2_600_000, 42.8300, 74.5600,
     "urban-development"),
    ("leninsky", "Площадка для воркаута в Джале", "playgrounds", 1_800_000, 42.8250, 74.5750,
     "landscaping"),
    ("leninsky", "Ремонт арыков на улице Льва Толстого", "roads", 4_100_000, 42.8650, 74.5700,
     "transport"),
    ("oktyabrsky", "Скейт-парк у кинотеатра «Ала-Тоо»", "playgrounds", 3_900_000, 42.8400,
     74.6300, "landscaping"),
    ("oktyabrsky", "Тротуар к школе № 28", "roads", 2_300_000, 42.8300, 74.6400, "transport"),
    ("oktyabrsky", "Сквер с фонтаном в Асанбае", "parks", 4_700_000, 42.8250, 74.6300,
     "landscaping"),
    ("pervomaisky", "Велопарковки у вузов", "other", 900_000, 42.8850, 74.5900, "transport"),
    ("pervomaisky", "Короо ичиндеги жарык: Токтогул көчөсү", "lighting", 2_200_000, 42.8780,
     74.5950, "urban-development"),
    ("pervomaisky", "Пандусы в подземных переходах", "accessibility", 3_400_000, 42.8760,
     74.6040, "social"),
    ("sverdlovsky", "Детская площадка в Кок-Жаре", "playgrounds", 2_600_000, 42.8500,
     74.6700, "landscaping"),
    ("sverdlovsky", "Аллея у ТЭЦ: деревья и скамейки", "parks", 3_800_000, 42.8850, 74.6600,
     "landscaping"),
    ("sverdlovsky", "Освещение улицы Лермонтова", "lighting", 2_100_000, 42.8900, 74.6900,
     "urban-development"),
]


# Proposals the review turns down, each with its public reason; and duplicates it merges.
REJECTED = [
    (None, "Крытый каток в центре города", "other", 38_000_000,
     "Стоимость почти равна бюджету всего пула, а содержание катка не предусмотрено "
     "бюджетом города. Предлагаем подать проект дешевле или в программу спорта."),
    ("leninsky", "Ремонт подъезда дома по ул. Токтогула, 125", "other", 900_000,
     "Подъезды многоквартирных домов — общее имущество собственников, а не муниципальное: "
     "город не может финансировать этот ремонт."),
    ("sverdlovsky", "Асфальт на частной стоянке у рынка", "roads", 2_500_000,
     "Жер тилкеси жеке менчикте: шаардык бюджеттен каржыланбайт."),
]
DUPLICATES = [
    # (pool code, title, the title of the proposal it repeats)
    ("leninsky", "Фонари на улице Садыгалиева", "Освещение улицы Садыгалиева"),
    ("oktyabrsky", "Тротуар для детей у школы 28", "Тротуар к школе № 28"),
]

WHY = {
    "roads": ("Сейчас жители ходят по обочине рядом с машинами, а после дождя — по грязи.",
              "Азыр тургундар унаалардын жанынан, жамгырдан кийин ылай менен басышат.",
              "Today people walk on the roadside next to cars, and in mud after rain."),
    "playgrounds": ("Во дворах много детей, но площадки нет или она старая и опасная.",
                    "Короодо балдар көп, бирок оюн аянтчасы жок же эскирип калган.",
                    "Many children live here, but there is no playground or it is unsafe."),
    "parks": ("Сквер зарос, скамейки сломаны, вечером там темно.",
              "Сквер каралбай калган, отургучтар сынган, кечинде караңгы.",
              "The square is overgrown, its benches broken and it is dark at night."),
    "lighting": ("Улица не освещена, зимой в шесть вечера уже темно и небезопасно.",
                 "Көчөдө жарык жок, кышында кечки алтыда эле караңгы.",
                 "The street is unlit; in winter it is dark and unsafe by six."),
    "accessibility": ("Люди на колясках и родители с колясками не могут пройти без помощи.",
                      "Майыптар жана балдар арабасы менен жүргөндөр жардамсыз өтө алышпайт.",
                      "Wheelchair users and parents with prams cannot pass without help."),
    "environment": ("Мусор разлетается, контейнеров мало, раздельного сбора нет.",
                    "Таштанды чачылат, контейнерлер аз.",
                    "Rubbish blows around; there are too few bins and no recycling."),
    "culture": ("Молодёжи негде заниматься и встречаться после учёбы.",
                "Жаштардын окуудан кийин жолугушар жери жок.",
                "Young people have nowhere to study or meet after classes."),
    "other": ("Жители просили об этом на встречах с районной администрацией.",
              "Тургундар бул тууралуу райондук администрация менен жолугушууда сурашкан.",
              "Residents asked for this at meetings with the district administration."),
}
BENEFIT = ["Пользоваться будут около {n} жителей соседних домов.",
           "Жакын жердеги болжол менен {n} тургун пайдаланат.",
           "About {n} residents of the nearby blocks will use it."]
COMMENTS = ["Поддерживаю, хожу здесь каждый день с ребёнком.",
            "Абдан керектүү долбоор, колдойм!",
            "Хорошая идея, но нужно подумать, кто будет это содержать.",
            "Would it be possible to add a bench and a bin as well?",
            "Наш дом тоже рядом, очень ждём.",
            "Мен да колдойм, бирок баасы кымбат көрүнөт.",
            "Пусть подрядчика выбирают открыто, с отчётом о расходах.",
            "Please keep the old trees when you build it."]
STAGES = [("Сатып алуу", "Закупка", "Procurement"),
          ("Курулуш иштери", "Строительные работы", "Construction"),
          ("Кабыл алуу", "Приёмка и передача", "Handover")]
CONTRACTORS = ["ОсОО «Курулуш Сервис» (sample)", "ОсОО «Ала-Тоо Жол» (sample)",
               "ИП Осмонов (sample)", "ОсОО «Жашыл Шаар» (sample)"]


WRITTEN_IN = ("ky", "ru", "en")  # by _language(): the interface a sample resident wrote in


# Kyrgyz words without ң, ө or ү still end in its plural or genitive (аянтчалар,
# мектептердин, китепканаларда); no Russian title of the demo does.
KYRGYZ_ENDINGS = re.compile(r"\w(?:лар|лер|дар|дер)(?:да|де|ды|ди|дын|дин|га|ге)?\b"
                            r"|\w(?:нын|нин|дын|дин|тын|тин)\b")


def _language(text: str) -> int:
    """0 Kyrgyz, 1 Russian, 2 English: a resident writes the whole proposal in one."""
    if any(letter in text.lower() for letter in "ңөү") or KYRGYZ_ENDINGS.search(text.lower()):
        return 0
    return 2 if text.isascii() else 1


def _description(gen: random.Random, title: str, category: str) -> str:
    language = _language(title)
    why = WHY.get(category, WHY["other"])[language]
    benefit = BENEFIT[language].format(n=gen.choice([300, 800, 1500, 2500, 5000]))
    return f"{title}.\n\n{why}\n\n{benefit}"


def _breakdown(gen: random.Random, cost: int) -> str:
    works = gen.randint(30, 55)
    design = gen.randint(3, 9)
    supervision = gen.randint(2, 5)
    materials = 100 - works - design - supervision
    parts = [("Материалы", materials), ("Работы", works), ("Проект", design),
             ("Технадзор", supervision)]
    return "; ".join(f"{name}: {cost * share // 100:,} сом".replace(",", " ")
                     for name, share in parts)


def _cycle(slug: str, names: tuple[str, str, str]) -> tuple[Cycle, bool]:
    ky, ru, en = names
    cycle, created = Cycle.objects.get_or_create(slug=slug, defaults={
        "phase": Phase.PROPOSALS, "name_ky": ky, "name_ru": ru, "name_en": en,
        "is_sample": True,
        "description_ky": "Бишкектин тургундары шаар жана райондор үчүн долбоорлорду "
                          "сунуштап, алар үчүн добуш беришет.",
        "description_ru": "Жители Бишкека предлагают проекты для города и своих районов и "
                          "голосуют за них.",
        "description_en": "Bishkek residents propose projects for the city and their "
                          "districts and vote for them."})
    if created:
        for code, pky, pru, pen, budget, form, rule in POOLS:
            district = District.objects.filter(code=code).first() if code else None
            if code and district is None:
                continue
            Pool.objects.create(cycle=cycle, district=district, name_ky=pky, name_ru=pru,
                                name_en=pen, budget=budget, ballot_form=form, max_projects=3,
                                rule=rule, is_sample=True)
    return cycle, created


def _pool(cycle: Cycle, code: str | None) -> Pool | None:
    if code:
        return cycle.pools.filter(district__code=code).first()
    return cycle.pools.filter(district__isnull=True).first()


def _propose(cycle: Cycle, rows: list, authors: list[User], gen: random.Random,
             reviewer: User, scale: Scale) -> None:
    """Residents propose; reviewers approve, reject and merge; residents support and
    comment; then the cycle moves on to voting."""
    by_title: dict[str, Proposal] = {}
    review: dict[int, tuple[str | None, str]] = {}  # proposal: (department code, rejection)
    drafts = [(code, title, category, cost, lat, lon, dept, "") for code, title, category, cost,
              lat, lon, dept in rows]
    drafts += [(code, title, category, cost, None, None, None, reason)
               for code, title, category, cost, reason in REJECTED]
    for n, (code, title, category, cost, lat, lon, dept, reason) in enumerate(drafts):
        pool = _pool(cycle, code)
        if pool is None:
            continue
        author = authors[n % len(authors)]
        photos = []
        if n % 3 == 0:
            photos = [SimpleUploadedFile("place.jpg", sample_photo(
                "proposal", seed=f"{cycle.slug}-{n}"), content_type="image/jpeg")]
        with translation.override(WRITTEN_IN[_language(title)]):
            proposal = actions.proposal_save(
                author=author, cycle=cycle, pool=pool, title=title,
                description=_description(gen, title, category), category=category,
                estimated_cost=cost, latitude=lat, longitude=lon, photos=photos)
        actions.proposal_submit(proposal=proposal, by=author)
        by_title[title] = proposal
        review[proposal.pk] = (dept, reason)
    for code, title, original in DUPLICATES:
        pool = _pool(cycle, code)
        if pool is None or original not in by_title:
            continue
        author = authors[-1 - len(title) % 5]
        with translation.override(WRITTEN_IN[_language(title)]):
            duplicate = actions.proposal_save(
                author=author, cycle=cycle, pool=pool, title=title,
                description=_description(gen, title, by_title[original].category),
                category=by_title[original].category, estimated_cost=by_title[original]
                .estimated_cost)
        actions.proposal_submit(proposal=duplicate, by=author)
        actions.proposal_merge(duplicate=duplicate, into=by_title[original], by=reviewer,
                               reason="Предлагается то же самое в том же месте: проекты "
                                      "объединены, поддержка авторов сохранена.")
    for proposal in by_title.values():
        count = min(len(authors), int(gen.paretovariate(1.2) * 2) - 1, scale.supporters)
        for supporter in gen.sample(authors, max(0, count)):
            if supporter.pk != proposal.author_id:
                actions.proposal_support(proposal=proposal, user=supporter)
        for _n in range(gen.choice([0, 0, 1, 1, 2, 3, 4])):
            text = gen.choice(COMMENTS)
            with translation.override(WRITTEN_IN[_language(text)]):
                actions.comment_add(proposal=proposal, author=gen.choice(authors), text=text)
    actions.cycle_advance(cycle=cycle, by=reviewer)  # to review
    for proposal in by_title.values():
        department_code, rejection = review[proposal.pk]
        department = Department.objects.filter(code=department_code or "landscaping").first()
        actions.proposal_assign(proposal=proposal, department=department, by=reviewer)
        if rejection:
            actions.proposal_review(proposal=proposal, by=reviewer, legal_ok=False,
                                    technical_ok=True, competence_ok=True, cost=None,
                                    cost_breakdown="", reason=rejection)
            continue
        # Reviewers revise the estimate: up for most, down for a few, to round figures
        # (the tied pair keeps its equal estimate).
        cost = proposal.estimated_cost if proposal.title in TIED_2026 else int(round(
            proposal.estimated_cost * gen.uniform(0.85, 1.25), -4))
        cost = min(cost, proposal.pool.budget)
        actions.proposal_review(proposal=proposal, by=reviewer, legal_ok=True,
                                technical_ok=True, competence_ok=True, cost=cost,
                                cost_breakdown=_breakdown(gen, cost), reason="")
    Proposal.objects.filter(cycle=cycle).update(is_sample=True)


def _open_voting(cycle: Cycle, opens: dt.datetime, closes: dt.datetime,
                 reviewer: User) -> Cycle:
    # The dates are the cycle's settings (what an admin edits); then the phase moves on.
    Cycle.objects.filter(pk=cycle.pk).update(voting_opens=opens, voting_closes=closes)
    return actions.cycle_advance(cycle=cycle, by=reviewer)


def _vote(cycle: Cycle, voters: range, gen: random.Random, clerks: list[User]) -> None:
    """Register residents vote city-wide and in their district, online or (about one in
    eight, where the district office has two clerks for the double entry) on paper."""
    pools = list(Pool.objects.filter(cycle=cycle).select_related("cycle", "district"))
    by_district = {p.district.code: p for p in pools if p.district}
    citywide = next(p for p in pools if p.district_id is None)
    projects = {p.pk: list(Proposal.objects.on_ballot().filter(pool=p).order_by("id")
                           .values_list("id", "cost")) for p in pools}
    # Popularity makes the outcome interesting rather than uniform.
    weights = {pid: gen.uniform(0.2, 1.0) for items in projects.values() for pid, _c in items}
    tied = list(Proposal.objects.filter(cycle=cycle, title__in=TIED_2026)
                .values_list("id", flat=True))
    office = clerks[0].roles.filter(district__isnull=False).values_list(
        "district_id", flat=True).first() if len(clerks) == 2 else None
    sheets = itertools.count(1)
    codes = resident_district_codes()
    for number in voters:
        pin = resident_pin(number)
        home = by_district.get(codes[number % len(codes)])
        paper = home is not None and home.district_id == office and gen.random() < 0.12
        for pool in (citywide, home):
            if pool is None:
                continue
            chosen = _choose(pool, projects[pool.pk], weights, gen, tied)
            if paper:
                assert office is not None  # paper only at the office of the home district
                actions.paper_check_in(staff=clerks[0], pool=pool, office_id=office, pin=pin)
                sheet = next(sheets)
                for clerk in clerks:  # the double entry, with no identity
                    actions.paper_entry_record(staff=clerk, pool=pool, office_id=office,
                                               sheet=sheet, project_ids=chosen)
            else:
                voter = actions.voter_for_pin(pin, pool, home.district_id if home else None)
                actions.ballot_cast(pool=pool, voter=voter, project_ids=chosen)


def _choose(pool: Pool, items: list[tuple[int, int]], weights: dict[int, float],
            gen: random.Random, tied: list[int]) -> list[int]:
    ranked = sorted(items, key=lambda item: -weights[item[0]] * gen.random())
    chosen: list[int] = []
    total = 0
    for pid, cost in ranked:
        if pool.ballot_form == Pool.BallotForm.APPROVAL and len(chosen) >= pool.max_projects:
            break
        if pool.ballot_form == Pool.BallotForm.KNAPSACK and total + cost > pool.budget:
            continue
        if gen.random() < 0.7:
            chosen.append(pid)
            total += cost
    chosen = chosen or [ranked[0][0]]
    if tied and tied[0] in dict(items):
        # The tied pair is chosen together on six ballots in ten and never apart: the same
        # votes, the most of the pool, and only one of them fits its budget.
        chosen = [p for p in chosen if p not in tied] or [
            next(pid for pid, _c in ranked if pid not in tied)]
        if gen.random() < 0.6:
            chosen = tied + chosen[:pool.max_projects - len(tied)]
    return chosen


def _deliver(cycle: Cycle, gen: random.Random, staff: User) -> None:
    """Projects a year into delivery: a third done, the rest at each stage, every figure
    agreeing (milestones reached, money spent, the latest update)."""
    assert cycle.published_at is not None  # the results are published first
    published = cycle.published_at.astimezone(City.current().zone).date()
    stages = ["done", "done", "in_progress", "in_progress", "procurement", "stalled"]
    yesterday = local_today() - dt.timedelta(days=1)
    for n, impl in enumerate(actions.implementation_start(cycle=cycle)):
        cost = impl.proposal.cost or 0
        stage = stages[n % len(stages)]
        contracted = (int(round(cost * gen.uniform(0.88, 0.98), -3)) if stage != "procurement"
                      else 0)
        percent = {"done": 100, "in_progress": gen.choice([35, 50, 70]), "procurement": 0,
                   "stalled": 20}[stage]
        spent = (contracted if stage == "done"
                 else int(round(contracted * percent / 100 * 0.9, -3)))
        contractor = gen.choice(CONTRACTORS) if contracted else ""
        reference = f"SAMPLE-{cycle.slug[-4:]}-{n + 1:03d}" if contracted else ""
        start = published + dt.timedelta(days=20 + 3 * n)
        reached = {"done": 3, "in_progress": 1, "procurement": 0, "stalled": 1}[stage]
        latest = start
        for index, titles in enumerate(STAGES):
            planned = start + dt.timedelta(days=[20, 90, 150][index])
            actual = None
            if index < reached:
                actual = min(planned + dt.timedelta(days=gen.randint(-5, 12)), yesterday)
                latest = actual
            actions.milestone_save(implementation=impl, by=staff, planned=planned,
                                   actual=actual, titles=dict(zip(("ky", "ru", "en"), titles,
                                                                  strict=True)))
        texts = {
            "done": "Объект сдан и принят комиссией с участием жителей. Потрачено "
                    f"{spent:,} сом из {contracted:,} по договору.".replace(",", " "),
            "in_progress": f"Работы идут, выполнено {percent}%. Подрядчик: {contractor}.",
            "procurement": "Объявлен конкурс на выбор подрядчика, итоги через месяц.",
            "stalled": "Работы приостановлены: подрядчик не вышел на объект в срок, "
                       "мэрия направила претензию.",
        }
        status = {"done": "done", "in_progress": "in_progress", "procurement": "procurement",
                  "stalled": "stalled"}[stage]
        actions.implementation_update(
            implementation=impl, by=staff, status=status, percent_complete=percent,
            contracted=contracted, spent=spent, contractor=contractor,
            procurement_ref=reference, text=texts[stage],
            kind="after" if stage == "done" else "progress",
            at=local_at(min(latest + dt.timedelta(days=2), yesterday), 11))


def seed(scale: Scale | None = None) -> None:
    scale = scale or demo_scale()
    gen = rng("budgeting")
    reviewer = User.objects.filter(username="demo-reviewer").first()
    staff = User.objects.filter(username="demo-department").first()
    clerks = list(User.objects.filter(username__in=["demo-office", "demo-office-2"]))
    authors = sample_residents(scale.supporters + 20)
    if reviewer is None or staff is None or len(authors) < 5:
        return  # the accounts app's demo data comes first
    now = timezone.now()
    finished, created = _cycle("civic-budget-2026", ("Жарандык бюджет 2026",
                                                     "Гражданский бюджет 2026",
                                                     "Civic budget 2026"))
    if created:
        _propose(finished, PROJECTS_2026, authors, gen, reviewer, scale)
        # Voting is open while the sample ballots are cast, then closes in the past.
        finished = _open_voting(finished, now - dt.timedelta(days=1),
                                now + dt.timedelta(hours=2), reviewer)
        _vote(finished, range(1, scale.voters + 1), gen, clerks)
        Cycle.objects.filter(pk=finished.pk).update(
            voting_opens=days_from_today(-300, 9), voting_closes=days_from_today(-270, 20))
        finished = actions.cycle_advance(cycle=finished, by=reviewer)  # counting
        actions.cycle_count(cycle=finished)
        finished = actions.cycle_advance(cycle=finished, by=reviewer)  # results
        Cycle.objects.filter(pk=finished.pk).update(published_at=days_from_today(-260, 12))
        finished = actions.cycle_advance(cycle=finished, by=reviewer)  # implementation
        _deliver(finished, gen, staff)
    current, created = _cycle("civic-budget-2027", ("Жарандык бюджет 2027",
                                                    "Гражданский бюджет 2027",
                                                    "Civic budget 2027"))
    if created:
        _propose(current, PROJECTS_2027, authors, gen, reviewer, scale)
        current = _open_voting(current, days_from_today(-3, 9), days_from_today(18, 20),
                               reviewer)
        # Two in five of the register have voted so far (not the demo resident, who can).
        _vote(current, range(1, scale.voters * 2 // 5 + 1), gen, clerks)
