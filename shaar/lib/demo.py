"""What every app's `demo.py` shares: the volume to seed and the city's local clock.

A scale says how much sample data to make. `seed_demo --scale city` seeds a city of
Bishkek's size for benchmarks and screenshots; the default seeds in well under a minute on
two cores; `small` (the test settings' default) keeps tests that seed the demo fast while
going through the same code paths.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Scale:
    name: str
    months: int  # of report history, ending today
    reports_per_month: int  # an average month; the seasons move it up and down
    register_residents: int  # rows in the residency register
    # Residents voting in a finished cycle, each city-wide and in their district. Not fewer
    # than 200: the engine's MES completion adds 1 som per voter per step, so a 40 m som
    # city-wide pool with few voters takes very many steps.
    voters: int
    supporters: int  # the most supporters one proposal gathers
    photo_share: float  # of reports sent with a photo


SCALES = {
    "small": Scale("small", months=18, reports_per_month=6, register_residents=300,
                   voters=200, supporters=6, photo_share=0.1),
    "demo": Scale("demo", months=18, reports_per_month=45, register_residents=3000,
                  voters=250, supporters=40, photo_share=0.12),
    "city": Scale("city", months=18, reports_per_month=1000, register_residents=40_000,
                  voters=12_000, supporters=400, photo_share=0.05),
}


def demo_scale(name: str | None = None) -> Scale:
    """The named scale, or the installation's default (settings.DEMO_SCALE)."""
    return SCALES[name or settings.DEMO_SCALE]


def rng(seed: str) -> random.Random:
    """A reproducible generator per purpose, so one app's sample data never shifts another's."""
    return random.Random(seed)  # noqa: S311 (invented sample data, not secrets)


def local_at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """`day` at a round local time in the city's time zone (deadlines, meetings)."""
    from shaar.city.models import City

    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=City.current().zone)


def local_today() -> datetime.date:
    from django.utils import timezone

    from shaar.city.models import City

    return timezone.now().astimezone(City.current().zone).date()


def days_from_today(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A round local time `days` from today: "voting closes in 18 days at 20:00"."""
    return local_at(local_today() + datetime.timedelta(days=days), hour, minute)


def sample_photo(label: str, *, seed: str, size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG drawn locally with Pillow: a plain scene with a "SAMPLE" caption, so nobody
    takes it for a real photo and no image is fetched from elsewhere."""
    from PIL import Image, ImageDraw

    gen = rng(seed)
    width, height = size
    sky = tuple(gen.randint(150, 215) for _c in range(3))
    ground = tuple(gen.randint(70, 140) for _c in range(3))
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    horizon = int(height * gen.uniform(0.45, 0.65))
    draw.rectangle([0, horizon, width, height], fill=ground)
    for _shape in range(gen.randint(3, 7)):
        x, y = gen.randint(0, width - 60), gen.randint(horizon - 120, height - 60)
        w, h = gen.randint(30, 180), gen.randint(20, 120)
        colour = tuple(gen.randint(20, 240) for _c in range(3))
        if gen.random() < 0.5:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        else:
            draw.ellipse([x, y, x + w, y + h], fill=colour)
    draw.rectangle([0, height - 36, width, height], fill=(0, 0, 0))
    draw.text((12, height - 28), f"SAMPLE · {label}"[:80], fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()
