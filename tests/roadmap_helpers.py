"""A small mapped workshop the roadmap tests share: an at_risk journey with three barriers and their ideas."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cxcore import ingest, journey, rfm_settings, workshop
from cxcore.journey import Barrier, Idea
from cxcore.store import Store


@dataclass
class Room:
    workshop_id: str
    stock: Barrier  # severity 5, share 0.25, at `search`, departments sales + logistics
    queue: Barrier  # severity 3, share None, at `purchase`
    hours: Barrier  # severity 2, share 0.1, at `search`
    refresh: Idea  # on stock: impact 5, effort 3 (big bet)
    reserve: Idea  # on stock: impact 4, effort 2 (quick win)
    till: Idea  # on queue: impact 3, effort 1 (fill-in)
    maps: Idea  # on hours: impact 2, effort 4 (time sink)


def mapped(store: Store, name: str = "CJM") -> Room:
    w = workshop.create(store, name, held_on=date(2025, 12, 8))
    j = journey.ensure(store, w.id, "at_risk", "anna")
    site = journey.add_touchpoint(store, j.stage("search"), "anna", "Сайт", "site")
    till = journey.add_touchpoint(store, j.stage("purchase"), "boris", "Касса", "store")
    stock = journey.add_barrier(store, site, "anna", "На сайте «в наличии», НО в магазине нет", ["promises"],
                                severity=5, share=0.25, departments=["sales", "Логистика"])
    queue = journey.add_barrier(store, till, "boris", "Очередь на кассе", ["speed"], severity=3)
    hours = journey.add_barrier(store, site, "vera", "Часы работы неверные", ["transparency"], severity=2,
                                share=0.1, departments=[])
    return Room(
        w.id, stock, queue, hours,
        journey.add_idea(store, stock, "anna", "Обновлять остатки каждые 15 минут", impact=5, effort=3),
        journey.add_idea(store, stock, "boris", "Резерв товара на 2 часа", impact=4, effort=2),
        journey.add_idea(store, queue, "boris", "Вторая касса при очереди", impact=3, effort=1),
        journey.add_idea(store, hours, "vera", "Сверять часы на картах", impact=2, effort=4),
    )


def with_base(store: Store, tmp_path: Path, room: Room) -> None:
    """Load a base into the room's workshop whose at_risk segment (thresholds mode, default thresholds) is known
    by hand: 10 customers of one order of 3 000 ₽ made 200 days before the as-of date (R 2, F 1, M 2: cell 22),
    and one champion; the base spans 2023-07-01 .. 2024-12-31, 18 months."""
    lines = ["customer;date;amount"]
    lines += [f"R{i:02d};2024-06-15;3000" for i in range(10)]
    champion_days = ["2023-07-01", "2024-01-10", "2024-03-10", "2024-06-10", "2024-09-10", "2024-12-31"]
    lines += [f"C1;{day};10000" for day in champion_days]
    path = tmp_path / "base.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest.load(store, path, workshop_id=room.workshop_id, actor="anna")
    settings = rfm_settings.get(store, room.workshop_id)
    rfm_settings.save(store, settings, "anna", cut_mode="thresholds", target_segment="at_risk")
