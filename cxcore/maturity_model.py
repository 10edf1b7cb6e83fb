"""The CX maturity model of METHOD.md (XM Institute): 6 competencies, 20 practices numbered 1–20, the 1–5
frequency scale and the five stages with their lower bounds on the 6–30 total.

One table for both languages: every text is a (Russian, English) pair, as in the translation table. Names of
competencies, stages, stage meanings and next steps are translation keys (`maturity.competency.lead`,
`maturity.stage.initiate`, `maturity.stage.initiate.meaning`, `maturity.stage.initiate.next`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

from cxcore.i18n import LANGUAGES, t

COMPETENCIES = ("lead", "realize", "activate", "enlighten", "respond", "disrupt")
SCORES = (1, 2, 3, 4, 5)
SCALE = ("never", "rarely", "often", "almost_always", "always")  # the meaning of scores 1..5
STAGES = ("investigate", "initiate", "mobilize", "scale", "embed")
# The lowest total (6–30) at which each stage is reached; a total below 15 is Investigate.
STAGE_BOUNDS = {"investigate": 6, "initiate": 15, "mobilize": 19, "scale": 23, "embed": 27}
TOTAL_MIN, TOTAL_MAX = 6, 30

Text = tuple[str, str]  # (Russian, English)


def _pick(text: Text, lang: str) -> str:
    return text[LANGUAGES.index(lang) if lang in LANGUAGES else 0]


@dataclass(frozen=True)
class Practice:
    """One practice: its number (the key), competency, wording, and what 1 (never) and 5 (always) look like."""
    number: int
    competency: str
    name_pair: Text
    never_pair: Text
    always_pair: Text

    def name(self, lang: str) -> str:
        return _pick(self.name_pair, lang)

    def never(self, lang: str) -> str:
        return _pick(self.never_pair, lang)

    def always(self, lang: str) -> str:
        return _pick(self.always_pair, lang)

    def looks_like(self, lang: str) -> str:
        """The hint shown beside the rating: "1 never: …. 5 always: …."."""
        return t("maturity.looks_like", lang, never=self.never(lang), always=self.always(lang))


def _p(number: int, competency: str, name: Text, never: Text, always: Text) -> Practice:
    return Practice(number, competency, name, never, always)


PRACTICES: tuple[Practice, ...] = (
    # -- lead / Организация
    _p(1, "lead", ("Единое понятное видение клиентского опыта", "One clear CX vision"),
       ("у каждого отдела своё представление о том, каким должен быть опыт клиента",
        "each department has its own idea of what the customer's experience should be"),
       ("видение записано, его знает каждый сотрудник и по нему принимают решения",
        "the vision is written down, every employee knows it, and decisions are made by it")),
    _p(2, "lead", ("Отслеживание прогресса по дорожной карте CX", "Track progress against the CX roadmap"),
       ("дорожной карты нет или о ней забывают после воркшопа",
        "there is no roadmap, or it is forgotten after the workshop"),
       ("у каждого пункта есть владелец и срок, статус регулярно разбирают на встречах руководства",
        "every item has an owner and a date, and its status is reviewed regularly by management")),
    _p(3, "lead", ("Управление: решения, согласование, ответственность и конфликты",
                   "Governance for decisions, alignment, accountability and conflicts"),
       ("споры между отделами о клиенте решаются случайно или не решаются",
        "disputes between departments about the customer are settled by chance or not at all"),
       ("ясно, кто решает, кто отвечает и куда нести конфликт; правила работают",
        "it is clear who decides, who is accountable and where a conflict goes; the rules work")),
    # -- realize / Планирование
    _p(4, "realize", ("Прогноз бизнес-эффекта инициатив CX", "Forecast the business effect of CX initiatives"),
       ("инициативы запускают без оценки эффекта в деньгах или клиентах",
        "initiatives start without an estimate of their effect in money or customers"),
       ("у каждой инициативы есть бизнес-кейс с KPI и ожидаемым эффектом",
        "every initiative has a business case with KPIs and an expected effect")),
    _p(5, "realize", ("Корректировка усилий под прогнозы", "Adjust efforts to meet the forecasts"),
       ("фактический эффект не сравнивают с прогнозом",
        "the actual effect is never compared with the forecast"),
       ("отставание от прогноза замечают за месяцы и меняют план, бюджет или команду",
        "a shortfall against the forecast is seen within months and the plan, budget or team changes")),
    _p(6, "realize", ("Приоритеты CX по чётко заданному набору метрик", "Set CX priorities from a well-defined set "
                                                                       "of metrics"),
       ("приоритеты задаёт самый громкий голос или последняя жалоба",
        "priorities come from the loudest voice or the latest complaint"),
       ("приоритеты выводятся из согласованных метрик (NPS, отток, выручка сегментов)",
        "priorities follow from agreed metrics (NPS, churn, segment revenue)")),
    # -- activate / Активация
    _p(7, "activate", ("Рассказывать сотрудникам и партнёрам о ценности и статусе инициатив CX",
                       "Tell employees and partners the value and status of CX initiatives"),
       ("о проектах CX знает только команда проекта", "only the project team knows about CX projects"),
       ("сотрудники и партнёры знают, что делается, зачем и что уже изменилось",
        "employees and partners know what is being done, why, and what has already changed")),
    _p(8, "activate", ("Механизмы развития ключевых навыков CX во всей организации",
                       "Build mechanisms that grow key CX skills across the organisation"),
       ("навыки CX есть у отдельных энтузиастов", "CX skills live with a few enthusiasts"),
       ("есть программы, наставники и сообщество практиков; навыки растут в каждом отделе",
        "there are programmes, mentors and a community of practice; skills grow in every department")),
    _p(9, "activate", ("Обучение и мотивация сотрудников в CX", "Train and motivate employees in CX"),
       ("обучения нет, премии не связаны с опытом клиента",
        "there is no training, and bonuses have nothing to do with the customer's experience"),
       ("новички и опытные проходят обучение, цели и премии учитывают метрики клиентского опыта",
        "newcomers and veterans are trained, and goals and bonuses include CX metrics")),
    # -- enlighten / Реагирование
    _p(10, "enlighten", ("Объединять данные CX и операционные данные в практические выводы",
                         "Combine CX and operational data into practical insight"),
       ("опросы и операционные данные лежат в разных системах и не сводятся",
        "surveys and operational data sit in separate systems and are never joined"),
       ("отзывы связаны с заказами, доставками и обращениями; выводы конкретны",
        "feedback is linked to orders, deliveries and contacts; the insight is concrete")),
    _p(11, "enlighten", ("Своевременные сигналы от клиентов", "Get timely signals from customers"),
       ("о проблеме узнают, когда клиент уже ушёл", "a problem is found out after the customer has left"),
       ("сигналы приходят в дни, а не месяцы: опросы после контакта, отзывы, обращения",
        "signals arrive within days, not months: post-contact surveys, reviews, contacts")),
    _p(12, "enlighten", ("Анализ данных CX и операционных данных для приоритизации действий",
                         "Analyse CX and operational data to prioritise actions"),
       ("данные собирают, но решения принимают без них",
        "data is collected, but decisions are made without it"),
       ("анализ показывает, какие барьеры стоят больше всего, и с них начинают",
        "analysis shows which barriers cost the most, and work starts with them")),
    _p(13, "enlighten", ("Доставлять выводы тем, кто может действовать",
                         "Deliver insights to the stakeholders who can act"),
       ("отчёты уходят в общую рассылку и не читаются", "reports go to a mailing list and nobody reads them"),
       ("каждый владелец точки контакта получает свои выводы вовремя и в понятном виде",
        "every touchpoint owner gets their own insight in time and in a usable form")),
    # -- respond / Улучшение
    _p(14, "respond", ("Системно отслеживать, что найденные проблемы клиентов исправлены",
                       "Systematically track that identified customer problems get fixed"),
       ("найденные проблемы никто не ведёт до исправления", "nobody follows a found problem until it is fixed"),
       ("у каждой проблемы есть владелец, срок и проверка, что клиенту стало лучше",
        "every problem has an owner, a date and a check that the customer is better off")),
    _p(15, "respond", ("Постоянно улучшать операции по результатам анализа опыта",
                       "Keep improving operations from experience analysis"),
       ("процессы меняют только после крупных сбоев", "processes change only after a major failure"),
       ("анализ опыта регулярно превращается в изменения процессов и скриптов",
        "experience analysis regularly turns into changes of processes and scripts")),
    _p(16, "respond", ("Принимать стратегические решения по анализу опыта",
                       "Make strategic decisions from experience analysis"),
       ("стратегия пишется без данных о клиентском опыте",
        "strategy is written without data on the customer's experience"),
       ("инвестиции, ассортимент и каналы выбирают с учётом данных об опыте клиентов",
        "investments, assortment and channels are chosen with experience data in view")),
    _p(17, "respond", ("Встраивать информацию об опыте в операционные процессы и системы",
                       "Build experience information into operational processes and systems"),
       ("сотрудник в точке контакта не видит истории и оценок клиента",
        "the employee at a touchpoint sees neither the customer's history nor their ratings"),
       ("CRM, колл-центр и магазины показывают сигналы опыта и подсказывают действие",
        "CRM, call centre and stores show experience signals and suggest the next action")),
    # -- disrupt / Инновации
    _p(18, "disrupt", ("Находить возможности для преобразующего опыта",
                       "Find chances for transformative experience"),
       ("улучшают только то, что уже сломано", "only what is already broken gets improved"),
       ("регулярно ищут, как изменить опыт клиента целиком, а не по частям",
        "the company regularly looks for ways to change the whole experience, not piece by piece")),
    _p(19, "disrupt", ("Человекоцентричный дизайн", "Use human-centred design"),
       ("решения придумывают в переговорной, не говоря с клиентами",
        "solutions are invented in a meeting room without talking to customers"),
       ("исследования, CJM и тесты с клиентами — обычная часть любого проекта",
        "research, journey maps and tests with customers are a normal part of every project")),
    _p(20, "disrupt", ("Согласованность новых элементов опыта во всей организации",
                       "Keep new experience elements consistent across the organisation"),
       ("каждый канал запускает новинки сам, клиент видит разные правила",
        "each channel launches its own novelties and the customer meets different rules"),
       ("новый элемент опыта одинаково работает на сайте, в магазине и в колл-центре",
        "a new experience element works the same on the site, in the store and in the call centre")),
)

BY_NUMBER = {p.number: p for p in PRACTICES}
PRACTICE_NUMBERS = tuple(BY_NUMBER)


def practices_of(competency: str) -> tuple[Practice, ...]:
    return tuple(p for p in PRACTICES if p.competency == competency)


def stage_of(total: Rational | float | None) -> str | None:
    """The stage a total (6–30) reaches: the last whose lower bound it reaches, compared exactly (14.99 is
    Investigate, 15 is Initiate); None for no total."""
    if total is None:
        return None
    exact = Fraction(total)  # a float converts exactly: no rounding happens here
    return [stage for stage in STAGES if exact >= STAGE_BOUNDS[stage]][-1] if exact >= TOTAL_MIN else STAGES[0]


def stage_range(stage: str) -> tuple[int, int]:
    """The stage's band on the total scale: [low, high), the last one up to 30 inclusive."""
    i = STAGES.index(stage)
    return STAGE_BOUNDS[stage], STAGE_BOUNDS[STAGES[i + 1]] if i + 1 < len(STAGES) else TOTAL_MAX


def competency_name(key: str, lang: str) -> str:
    return t(f"maturity.competency.{key}", lang)


def stage_name(stage: str, lang: str) -> str:
    return t(f"maturity.stage.{stage}", lang)


def stage_meaning(stage: str, lang: str) -> str:
    return t(f"maturity.stage.{stage}.meaning", lang)


def stage_next_steps(stage: str, lang: str) -> str:
    return t(f"maturity.stage.{stage}.next", lang)


def scale_name(score: int, lang: str) -> str:
    """1 → "никогда" / "never" … 5 → "всегда" / "always"."""
    return t(f"maturity.scale.{SCALE[score - 1]}", lang)
