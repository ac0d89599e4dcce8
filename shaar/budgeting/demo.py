"""Demo data: "Civic budget 2027" in its voting phase and "Civic budget 2026" finished, with
generated ballots, published results and projects in implementation. Idempotent: cycles,
pools and proposals are keyed by slug/title; ballots are generated only once."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.utils import timezone

from shaar.accounts.models import User, Verification, voter_key_for_pin
from shaar.city.models import Department, District
from shaar.lib.demo import Scale

from . import actions
from .models import Ballot, Cycle, Implementation, Milestone, Phase, Pool, ProjectUpdate, Proposal

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

DEMO_VOTER_PIN = "21234567890123"
# 1,600 voters, each voting city-wide and in their district: 3,200 ballots.
DEMO_VOTERS = 1600


def _cycle(slug: str, ky: str, ru: str, en: str, phase: str, **dates) -> Cycle:
    cycle, _created = Cycle.objects.update_or_create(slug=slug, create_defaults={
        "phase": phase, "slug": slug, "name_ky": ky, "name_ru": ru, "name_en": en,
        "is_sample": True, **dates}, defaults={
        "name_ky": ky, "name_ru": ru, "name_en": en, "is_sample": True,
        "description_ky": "Бишкектин тургундары шаар жана райондор үчүн долбоорлорду "
                          "сунуштап, алар үчүн добуш беришет.",
        "description_ru": "Жители Бишкека предлагают проекты для города и своих районов и "
                          "голосуют за них.",
        "description_en": "Bishkek residents propose projects for the city and their "
                          "districts and vote for them.",
        **dates})
    for code, pky, pru, pen, budget, form, rule in POOLS:
        district = District.objects.filter(code=code).first() if code else None
        if code and district is None:
            continue
        Pool.objects.update_or_create(cycle=cycle, district=district, defaults={
            "name_ky": pky, "name_ru": pru, "name_en": pen, "budget": budget,
            "ballot_form": form, "max_projects": 3, "rule": rule, "is_sample": True})
    return cycle


def _proposals(cycle: Cycle, rows: list, author: User | None) -> list[Proposal]:
    made = []
    for code, title, category, cost, lat, lon, dept in rows:
        pool = cycle.pools.filter(district__code=code).first() if code else \
            cycle.pools.filter(district__isnull=True).first()
        if pool is None:
            continue
        proposal, _c = Proposal.objects.update_or_create(cycle=cycle, title=title, defaults={
            "pool": pool, "author": author, "description": title + ".", "category": category,
            "estimated_cost": cost, "cost": cost, "latitude": lat, "longitude": lon,
            "status": Proposal.Status.APPROVED, "legal_ok": True, "technical_ok": True,
            "competence_ok": True, "department": Department.objects.filter(code=dept).first(),
            "cost_breakdown": "Материалы 60%, работы 35%, проект 5%", "is_sample": True,
            "submitted_at": timezone.now()})
        made.append(proposal)
    return made


def _generate_ballots(cycle: Cycle, voters: int, seed: int) -> None:
    """Ballots for a finished cycle: each voter votes city-wide and in their district."""
    if Ballot.objects.filter(pool__cycle=cycle).exists():
        return
    rng = random.Random(seed)  # noqa: S311 (invented demo ballots, reproducible)
    pools = list(cycle.pools.select_related("district"))
    citywide = next(p for p in pools if p.district_id is None)
    district_pools = [p for p in pools if p.district_id]
    projects = {p.pk: list(Proposal.objects.on_ballot().filter(pool=p).order_by("id")
                           .values_list("id", "cost")) for p in pools}
    # Popularity weights make the outcome interesting rather than uniform.
    weights = {pid: rng.uniform(0.2, 1.0) for items in projects.values() for pid, _c in items}
    ballots: dict[int, list[Ballot]] = {p.pk: [] for p in pools}
    start = cycle.voting_opens or timezone.now()
    for n in range(voters):
        key = voter_key_for_pin(f"1{seed % 1000:03d}{n:010d}")
        home = rng.choice(district_pools)
        channel = Ballot.Channel.PAPER if rng.random() < 0.12 else Ballot.Channel.WEB
        for pool in (citywide, home):
            items = sorted(projects[pool.pk], key=lambda it: -weights[it[0]] * rng.random())
            chosen, total = [], 0
            for pid, cost in items:
                if pool.ballot_form == "approval" and len(chosen) >= pool.max_projects:
                    break
                if pool.ballot_form == "knapsack" and total + cost > pool.budget:
                    continue
                if rng.random() < 0.7:
                    chosen.append(pid)
                    total += cost
            if not chosen:
                chosen = [items[0][0]]
            ballots[pool.pk].append(Ballot(
                pool=pool, voter_key=key, projects=sorted(chosen), channel=channel,
                district_id=home.district_id, salt=secrets.token_hex(16),
                public_id=secrets.token_hex(8),
                cast_at=start + dt.timedelta(minutes=n * 7)))
    for pool in pools:
        previous = ""
        for seq, ballot in enumerate(ballots[pool.pk], start=1):
            ballot.seq, ballot.previous_receipt = seq, previous
            ballot.receipt = Ballot.chain(previous, Ballot.content(ballot.projects), ballot.salt)
            previous = ballot.receipt
        Ballot.objects.bulk_create(ballots[pool.pk], batch_size=1000)
        Pool.objects.filter(pk=pool.pk).update(last_receipt=previous,
                                               ballot_seq=len(ballots[pool.pk]))


def _implementation(cycle: Cycle) -> None:
    today = timezone.localdate()
    for i, impl in enumerate(actions.implementation_start(cycle=cycle)):
        progress = [100, 65, 30, 10][i % 4]
        status = {100: "done", 65: "in_progress", 30: "in_progress", 10: "procurement"}[progress]
        Implementation.objects.filter(pk=impl.pk).update(
            status=status, percent_complete=progress,
            contracted=impl.proposal.cost * 95 // 100 if progress > 10 else 0,
            spent=impl.proposal.cost * progress * 9 // 1000,
            contractor="ОсОО «Бишкек Курулуш» (sample)" if progress > 10 else "",
            procurement_ref=f"ZAKUPKI-2026-{1000 + impl.pk}")
        if not impl.milestones.exists():
            for j, (ky, ru, en) in enumerate([
                    ("Сатып алуу", "Закупка", "Procurement"),
                    ("Курулуш иштери", "Строительные работы", "Construction"),
                    ("Кабыл алуу", "Приёмка", "Handover")]):
                planned = today + dt.timedelta(days=60 * (j - 1))
                done = planned if (j + 1) * 34 <= progress else None
                Milestone.objects.create(implementation=impl, title_ky=ky, title_ru=ru,
                                         title_en=en, planned=planned, actual=done,
                                         is_sample=True)
            ProjectUpdate.objects.create(
                implementation=impl, kind=ProjectUpdate.Kind.PROGRESS, is_sample=True,
                text=f"Выполнено {progress}%. Подрядчик выходит на объект по графику.")


def seed(scale: Scale | None = None) -> None:
    now = timezone.now()
    resident = User.objects.filter(username="demo-resident").first()
    # The demo resident was verified in person without a PIN; give them one so that
    # `make run` shows a working ballot (PIN 21234567890123, sample only).
    if resident is not None:
        Verification.objects.filter(user=resident, voter_key__isnull=True).update(
            voter_key=voter_key_for_pin(DEMO_VOTER_PIN))

    finished = _cycle("civic-budget-2026", "Жарандык бюджет 2026", "Гражданский бюджет 2026",
                      "Civic budget 2026", Phase.VOTING,
                      voting_opens=now - dt.timedelta(days=300),
                      voting_closes=now - dt.timedelta(days=270))
    _proposals(finished, PROJECTS_2026, resident)
    _generate_ballots(finished, voters=DEMO_VOTERS, seed=2026)
    if finished.phase != Phase.IMPLEMENTATION:
        Cycle.objects.filter(pk=finished.pk).update(phase=Phase.COUNTING)
        finished.refresh_from_db()
        actions.cycle_count(cycle=finished)
        Cycle.objects.filter(pk=finished.pk).update(
            phase=Phase.IMPLEMENTATION, published_at=now - dt.timedelta(days=260))
        finished.refresh_from_db()
    _implementation(finished)

    current = _cycle("civic-budget-2027", "Жарандык бюджет 2027", "Гражданский бюджет 2027",
                     "Civic budget 2027", Phase.VOTING,
                     voting_opens=now - dt.timedelta(days=3),
                     voting_closes=now + dt.timedelta(days=18))
    _proposals(current, PROJECTS_2027, resident)
