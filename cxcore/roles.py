"""Column roles of a file (a customer base, a feedback file) and how they are guessed from Russian and English
header names."""
from __future__ import annotations

import re
from dataclasses import dataclass

REQUIRED = ("customer_id", "date", "amount")
OPTIONAL = ("order_id", "channel", "product", "region", "quantity")
ROLES = REQUIRED + OPTIONAL

# Normalised header names per role, most specific first. Exact matches win over prefix matches,
# prefix matches over "contains" matches, so "Дата документа" is a date and "Номер документа" an order.
# Between two equally good matches the synonym listed first wins: a file with both "Клиент" (a name)
# and "Код клиента" takes the code, since names repeat and codes do not.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "код клиента", "id клиента", "клиент id", "код покупателя", "код контрагента", "номер клиента",
        "номер карты", "карта клиента", "customer id", "customerid", "cust id", "client id", "clientid",
        "user id", "userid", "member id", "account id", "contact id", "card number",
        "клиент", "покупатель", "контрагент", "карта", "абонент", "гость", "customer", "client", "buyer",
    ),
    "date": (
        "дата", "дата продажи", "дата заказа", "дата документа", "дата покупки", "дата чека",
        "дата операции", "дата транзакции", "период", "дата и время", "date", "order date", "orderdate",
        "purchase date", "transaction date", "sale date", "invoice date", "created at", "datetime",
        "timestamp",
    ),
    "amount": (
        "сумма", "выручка", "сумма заказа", "сумма продажи", "сумма чека", "сумма покупки", "стоимость",
        "сумма с ндс", "оборот", "итого по строке", "amount", "revenue", "sales", "sales amount", "total",
        "order total", "sum", "value", "net amount", "gross amount", "price total",
    ),
    "order_id": (
        "номер заказа", "заказ", "номер документа", "документ", "номер чека", "чек", "id заказа",
        "код заказа", "номер продажи", "order id", "order", "orderid", "order number", "invoice",
        "invoice id", "invoice no", "receipt", "receipt id", "transaction id", "document",
    ),
    "channel": ("канал", "канал продаж", "канал продажи", "источник", "channel", "sales channel", "source"),
    "product": (
        "товар", "номенклатура", "продукт", "категория", "группа товаров", "артикул", "услуга",
        "product", "item", "sku", "category", "product name", "article",
    ),
    "region": (
        "регион", "город", "филиал", "магазин", "область", "подразделение", "region", "city", "branch",
        "store", "shop", "country", "area",
    ),
    "quantity": ("количество", "кол-во", "кол во", "колво", "шт", "quantity", "qty", "units", "pcs"),
}


def normalise(header: object) -> str:
    """Lower case, currency marks and punctuation dropped, spaces folded: 'Сумма заказа, ₽' → 'сумма заказа'."""
    text = str(header or "").lower().replace("ё", "е").replace("_", " ")
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[^\w\s-]", " ", text)
    text = re.sub(r"\b(руб|rub|usd|eur|р)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip(" -")


def _score(synonyms: tuple[str, ...], name: str) -> tuple[int, int]:
    """How well a normalised header name fits a role (given by its synonyms): 3 exact, 2 prefix, 1 contains,
    0 not at all; with the rank of the synonym that matched (0 = the most specific)."""
    best, best_rank = 0, len(synonyms)
    for rank, synonym in enumerate(synonyms):
        if name == synonym:
            return 3, rank
        if name.startswith(synonym + " "):
            score = 2
        elif len(synonym) > 3 and re.search(rf"\b{re.escape(synonym)}\b", name):
            score = 1
        else:
            score = 0
        if score > best:
            best, best_rank = score, rank
    return best, best_rank


def guess(headers: list[str], kind: "RoleSet | None" = None) -> dict[str, str]:
    """Role → header name for the roles that the header names reveal; each column used once."""
    kind = kind or BASE
    names = [normalise(h) for h in headers]
    candidates = []
    for order, role in enumerate(kind.roles):
        for index, name in enumerate(names):
            score, rank = _score(kind.synonyms[role], name)
            if score:
                # Ties: prefer the role listed first (required roles), the more specific synonym, then
                # the leftmost column.
                candidates.append((-score, order, rank, index, role))
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for *_, index, role in sorted(candidates):
        if role not in mapping and index not in used:
            mapping[role] = headers[index]
            used.add(index)
    return mapping


@dataclass(frozen=True)
class RoleSet:
    """The roles of one kind of file: those a load needs, those it can use, and their header names."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]

    @property
    def roles(self) -> tuple[str, ...]:
        return self.required + self.optional


BASE = RoleSet("base", REQUIRED, OPTIONAL, SYNONYMS)

# A feedback file (cxcore/feedback.py): survey answers, reviews, service requests.
FEEDBACK = RoleSet("feedback", ("text",), ("date", "channel", "rating", "customer_id"), {
    "text": (
        "текст отзыва", "отзыв", "текст", "комментарий", "текст обращения", "обращение", "сообщение",
        "ответ", "суть обращения", "описание", "жалоба", "review", "review text", "comment", "comments",
        "text", "feedback", "message", "verbatim", "answer", "response", "description",
    ),
    "date": SYNONYMS["date"] + ("дата отзыва", "дата обращения", "дата ответа", "дата создания", "создано",
                                "review date", "submitted", "submitted at", "response date"),
    "channel": ("источник", "канал", "канал обращения", "площадка", "платформа", "тип обращения", "source",
                "channel", "platform", "origin"),
    "rating": ("оценка", "рейтинг", "балл", "баллы", "nps", "csat", "звезды", "оценка nps", "rating", "score",
               "stars", "grade", "nps score"),
    "customer_id": SYNONYMS["customer_id"],
})
KINDS = {role_set.kind: role_set for role_set in (BASE, FEEDBACK)}
