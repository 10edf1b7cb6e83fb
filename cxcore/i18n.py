"""The translation table: every user-facing string of the product, in Russian (default) and English."""
from __future__ import annotations

from typing import Any

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"

# key: (Russian, English). Placeholders are str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    # -- the app ------------------------------------------------------------------------------------------
    "app.title": ("CX Journey Studio", "CX Journey Studio"),
    "app.language": ("Язык", "Language"),
    "app.workshop": ("Воркшоп", "Workshop"),
    "app.no_workshop": ("Воркшоп «{name}» не найден — открыт демо-воркшоп.",
                        "Workshop “{name}” not found: the demo workshop is open."),
    "nav.workshop": ("Воркшоп", "Workshop"),
    "nav.base": ("Клиентская база", "Customer base"),
    "nav.rfm": ("RFM-сегменты", "RFM segments"),
    "nav.quality": ("Качество базы", "Base quality"),
    "nav.group.journey": ("Путь клиента", "Customer journey"),
    "nav.journey": ("Карта пути (доска)", "Journey map (board)"),
    "nav.journey_views": ("Граф, эмоции, ожидания, отделы", "Graph, emotions, expectations, teams"),
    "nav.group.day2": ("День 2: зрелость", "Day 2: maturity"),
    "nav.maturity_rate": ("Оценить практики", "Rate the practices"),
    "nav.maturity": ("Зрелость CX", "CX maturity"),
    "participant.ask": ("Как вас зовут? Имя будет на всём, что вы добавите.",
                        "Your name? It goes on everything you add."),
    "participant.placeholder": ("Имя и фамилия", "First and last name"),
    "participant.join": ("Войти", "Join"),
    "nav.group.day1": ("День 1: данные", "Day 1: data"),
    # -- the workshop page -------------------------------------------------------------------------------
    "workshop.title": ("Воркшоп", "Workshop"),
    "workshop.client": ("Клиент", "Client"),
    "workshop.industry": ("Отрасль", "Industry"),
    "workshop.held_on": ("Дата", "Date"),
    "workshop.facilitator": ("Фасилитатор", "Facilitator"),
    "workshop.language": ("Язык воркшопа", "Workshop language"),
    "workshop.name": ("Название", "Name"),
    "workshop.save": ("Сохранить", "Save"),
    "workshop.saved": ("Сохранено.", "Saved."),
    "workshop.base_none": ("База клиентов ещё не загружена.", "No customer base loaded yet."),
    "workshop.base_loaded": ("База: {source} — {customers} клиентов, {rows} строк, загружена {at}.",
                             "Base: {source} — {customers} customers, {rows} rows, loaded {at}."),
    "workshop.steps": ("Шаги воркшопа", "Workshop steps"),
    "workshop.step1": ("1. Клиентская база: загрузить выгрузку и проверить отчёт загрузки.",
                       "1. Customer base: load the export and check the load report."),
    "workshop.conflict": ("Кто-то уже изменил этот воркшоп. Сейчас сохранено: {current}",
                          "Someone changed this workshop meanwhile. It now reads: {current}"),
    # -- the customer base page --------------------------------------------------------------------------
    "base.title": ("Клиентская база", "Customer base"),
    "base.intro": ("Загрузите выгрузку продаж из 1С, CRM или Excel: CSV, TXT, XLSX или Parquet.",
                   "Load a sales export from 1C, a CRM or Excel: CSV, TXT, XLSX or Parquet."),
    "base.upload": ("Файл с транзакциями", "Transactions file"),
    "base.sheet": ("Лист", "Sheet"),
    "base.preview": ("Первые строки и роли колонок", "First rows and column roles"),
    "base.layout": ("Формат: {format}; кодировка: {encoding}; разделитель: {separator}; заголовок в строке {header}.",
                    "Format: {format}; encoding: {encoding}; separator: {separator}; header on row {header}."),
    "base.role_for": ("Колонка для роли «{role}»", "Column for the role “{role}”"),
    "base.role_none": ("— нет —", "— none —"),
    "base.load": ("Загрузить базу", "Load the base"),
    "base.loading": ("Загрузка…", "Loading…"),
    "base.loaded": ("Загружено строк: {loaded} из {read}; отклонено: {rejected}.",
                    "Rows loaded: {loaded} of {read}; rejected: {rejected}."),
    "base.replaces": ("Загрузка заменит текущую базу воркшопа; при ошибке текущая база останется как есть.",
                      "Loading replaces the workshop's current base; if it fails, the current base stays as it is."),
    "base.report": ("Отчёт загрузки", "Load report"),
    "base.rejects": ("Отклонённые строки", "Rejected rows"),
    "base.rejects_none": ("Все строки загружены.", "Every row was loaded."),
    "base.rejects_download": ("Скачать отклонённые строки (CSV)", "Download the rejected rows (CSV)"),
    "base.col_row": ("Строка", "Row"),
    "base.col_reason": ("Причина", "Reason"),
    "base.col_raw": ("Содержимое", "Content"),
    "base.summary": ("Текущая база", "Current base"),
    "base.none": ("В этом воркшопе ещё нет базы клиентов. Загрузите файл выше.",
                  "This workshop has no customer base yet. Load a file above."),
    "base.source": ("Источник: {source}, загружен {at} ({by}); {rows} строк с {first} по {last}.",
                    "Source: {source}, loaded {at} ({by}); {rows} rows from {first} to {last}."),
    "base.months": ("{n} мес.", "{n} months"),
    "base.revenue_m": ("Выручка, млн ₽", "Revenue, ₽ M"),
    "base.customers": ("Клиенты", "Customers"),
    "base.orders": ("Заказы", "Orders"),
    "base.revenue": ("Выручка", "Revenue"),
    "base.period": ("Период", "Period"),
    "base.chart_title": ("Выручка и активные клиенты по месяцам", "Monthly revenue and active customers"),
    "base.month": ("Месяц", "Month"),
    "base.active": ("Активные клиенты", "Active customers"),
    "base.error": ("Файл не загружен: {message}", "The file was not loaded: {message}"),
    # -- column roles ------------------------------------------------------------------------------------
    "role.customer_id": ("Клиент (ID)", "Customer ID"),
    "role.date": ("Дата", "Date"),
    "role.amount": ("Сумма", "Amount"),
    "role.order_id": ("Номер заказа", "Order ID"),
    "role.channel": ("Канал", "Channel"),
    "role.product": ("Товар", "Product"),
    "role.region": ("Регион", "Region"),
    "role.quantity": ("Количество", "Quantity"),
    # -- load progress -----------------------------------------------------------------------------------
    "progress.reading": ("Чтение файла…", "Reading the file…"),
    "progress.parsing": ("Разбор строк…", "Parsing rows…"),
    "progress.checking": ("Проверка и замена базы…", "Checking and replacing the base…"),
    "progress.done": ("Готово.", "Done."),
    # -- why a row was rejected --------------------------------------------------------------------------
    "reject.broken_line": ("строка повреждена: полей {value}, не совпадает с заголовком",
                           "broken line: {value} fields, does not match the header"),
    "reject.totals": ("строка итогов", "totals row"),
    "reject.no_customer": ("нет ID клиента", "no customer id"),
    "reject.no_date": ("нет даты", "no date"),
    "reject.bad_date": ("неверная дата «{value}»", "invalid date '{value}'"),
    "reject.implausible_date": ("неправдоподобная дата «{value}»", "implausible date '{value}'"),
    "reject.no_amount": ("нет суммы", "no amount"),
    "reject.bad_amount": ("неверная сумма «{value}»", "invalid amount '{value}'"),
    # -- RFM (cxcore/rfm.py, segments.py, quality.py, rfm_settings.py) -----------------------------------
    "rfm.title": ("RFM-сегменты", "RFM segments"),
    "number.thousand": ("{value} тыс.", "{value}k"),
    "number.million": ("{value} млн", "{value}M"),
    "rfm.cuts_line": ("На {as_of}; границы баллов: {mode}. R, дней: {r}; F, заказов: {f}; M, ₽: {m}.",
                      "As of {as_of}; score cut points: {mode}. R, days: {r}; F, orders: {f}; M, ₽: {m}."),
    "rfm.revenue_share": ("{share} % выручки", "{share} % of revenue"),
    "rfm.bars_title": ("Доля клиентов и доля выручки", "Share of customers and share of revenue"),
    "rfm.grid_title": ("Клиенты по ячейкам R × FM", "Customers per R × FM cell"),
    "rfm.table_title": ("Сегменты", "Segments"),
    "rfm.target_save": ("Сделать целевым", "Make it the target"),
    "rfm.target_conflict": ("Целевой сегмент только что изменил кто-то другой: страница обновлена.",
                            "Someone else just changed the target segment: the page shows it now."),
    "rfm.download_csv": ("Скачать клиентов с сегментами (CSV)", "Download customers with segments (CSV)"),
    "rfm.download_xlsx": ("Скачать клиентов с сегментами (XLSX)", "Download customers with segments (XLSX)"),
    "rfm.segment.champions": ("Истинная лояльность", "True loyalty"),
    "rfm.segment.loyal": ("Лояльные", "Loyal"),
    "rfm.segment.promising": ("Новые и перспективные", "New and promising"),
    "rfm.segment.at_risk": ("Под угрозой оттока", "At risk of churn"),
    "rfm.segment.lost": ("Потерянные", "Lost"),
    "rfm.segment.new": ("Новые с тех пор", "New since then"),
    "rfm.cant_lose": ("Нельзя потерять", "Can't lose them"),
    "rfm.target_segment": ("Целевой сегмент для CJM", "Target segment for the journey map"),
    "rfm.as_of": ("Дата расчёта", "As-of date"),
    "rfm.as_of_help": ("Учитываются транзакции до этой даты (не включая её). По умолчанию — день после последней "
                       "транзакции базы.",
                       "Transactions before this day count (the day itself does not). Default: the day after the "
                       "base's last transaction."),
    "rfm.settings_title": ("Дата расчёта, границы баллов и правила сегментов",
                           "As-of date, score cut points and segment rules"),
    "rfm.settings_conflict": ("Настройки RFM только что сохранил кто-то другой: форма показывает их, проверьте и "
                              "сохраните ещё раз.",
                              "Someone else just saved the RFM settings: the form shows them now; check and save "
                              "again."),
    "rfm.baseline": ("Базовая дата (для зафиксированных границ)", "Baseline date (for frozen cut points)"),
    "rfm.baseline_help": ("Границы баллов берутся из квинтилей на эту дату, и все более поздние периоды меряются той "
                          "же линейкой.",
                          "The cut points are the quintiles at this date; every later period is measured with the "
                          "same ruler."),
    "rfm.thresholds_help": ("Бизнес-пороги: четыре возрастающих числа через «;», например 30; 90; 180; 365. "
                            "Балл = 1 + число порогов, которые значение превышает (для R наоборот).",
                            "Business thresholds: four increasing numbers separated by “;”, e.g. 30; 90; 180; 365. "
                            "Score = 1 + the number of thresholds the value exceeds (reversed for R)."),
    "rfm.rules_title": ("Правила сегментов", "Segment rules"),
    "rfm.rules_help": ("Ячейка — две цифры: балл R, затем балл FM (FM = (F + M) / 2, округление вверх). Каждая из 25 "
                       "ячеек должна быть ровно в одном сегменте.",
                       "A cell is two digits: the R score, then the FM score (FM = (F + M) / 2 rounded up). Each of "
                       "the 25 cells must be in exactly one segment."),
    "rfm.cant_lose_cells": ("Ячейки «Нельзя потерять» (внутри «Под угрозой оттока»)",
                            "“Can't lose them” cells (inside “At risk of churn”)"),
    "rfm.grid_measure": ("Показать в ячейках", "Show in the cells"),
    "rfm.histograms_title": ("Распределение R, F и M", "Distribution of R, F and M"),
    # -- the base quality page ---------------------------------------------------------------------------
    "quality.title": ("Качество базы: не теряем ли мы лучших клиентов?", "Base quality: are we losing our best customers?"),
    "quality.step": ("Шаг", "Step"),
    "quality.step.month": ("Месяц", "Month"),
    "quality.step.quarter": ("Квартал", "Quarter"),
    "quality.span": ("Период", "Period"),
    "quality.months": ("Последние {n} мес.", "Last {n} months"),
    "quality.measure": ("Показатель", "Measure"),
    "quality.too_short": ("База слишком короткая для ряда: нужны хотя бы две даты расчёта после первой транзакции.",
                          "The base is too short for a series: at least two as-of dates after its first transaction "
                          "are needed."),
    "quality.ruler": ("Одна линейка на весь ряд — {mode}, на {as_of}: R, дней: {r}; F, заказов: {f}; M, ₽: {m}. "
                      "Выручка и активные клиенты — за период перед каждой датой.",
                      "One ruler for the whole series — {mode}, at {as_of}: R, days: {r}; F, orders: {f}; M, ₽: {m}. "
                      "Revenue and active customers are those of the period before each date."),
    "quality.sizes_title": ("Сегменты во времени", "Segments over time"),
    "quality.compare": ("Сравнить с квинтилями, пересчитанными на каждую дату",
                        "Compare with quintiles recomputed at every date"),
    "quality.compare_help": ("Пересчитанные квинтили всегда делят базу на равные доли, поэтому скрывают ухудшение: "
                             "тот же ряд с одной линейкой его показывает.",
                             "Recomputed quintiles always split the base into equal shares, so they hide a decline; "
                             "the same series with one ruler shows it."),
    "quality.frozen_ruler": ("Одна линейка", "One ruler"),
    "quality.moving_ruler": ("Квинтили пересчитываются", "Quintiles recomputed"),
    "quality.migration_title": ("Куда перешли клиенты", "Where the customers went"),
    "quality.migration_help": ("Строка — сегмент на {first}, столбец — сегмент на {last}; оба по границам на {first}. "
                               "«Новые с тех пор» — клиенты без транзакций до {first}. Выручка — с {first} по {last}.",
                               "Row: the segment at {first}; column: the segment at {last}; both by the cut points of "
                               "{first}. “New since then”: customers with no transaction before {first}. Revenue: "
                               "from {first} to {last}."),
    "quality.kept": ("Из {size} клиентов сегмента «{segment}» на {first} к {last} в нём остались {stayed} %, а {slid} % "
                     "скатились в «Под угрозой оттока» или «Потерянные».",
                     "Of the {size} “{segment}” customers at {first}, {stayed} % were still there at {last}, and "
                     "{slid} % slid to “At risk of churn” or “Lost”."),
    "quality.from": ("С даты", "From"),
    "quality.to": ("По дату", "To"),
    "quality.from_segment": ("Сегмент на {day}", "Segment at {day}"),
    "quality.to_segment": ("Сегмент на {day}", "Segment at {day}"),
    "quality.alert_settings": ("Пороги сигнала об ухудшении базы", "Thresholds of the base-quality alert"),
    "quality.alert_count": ("Активные клиенты изменились меньше чем на ±, %", "Active customers moved less than ±, %"),
    "quality.alert_revenue": ("…а выручка «Истинной лояльности» и «Лояльных» упала больше чем на, %",
                              "…while the revenue of True loyalty and Loyal fell by more than, %"),
    "rfm.cut_mode": ("Границы баллов", "Score cut points"),
    "rfm.mode.quantile": ("Квинтили этого периода", "Quintiles of this period"),
    "rfm.mode.frozen": ("Зафиксированные на базовую дату", "Frozen at a baseline date"),
    "rfm.mode.thresholds": ("Бизнес-пороги", "Business thresholds"),
    "rfm.cuts.recency": ("Границы R, дней", "R cut points, days"),
    "rfm.cuts.frequency": ("Границы F, заказов", "F cut points, orders"),
    "rfm.cuts.monetary": ("Границы M, ₽", "M cut points, ₽"),
    "rfm.col.customer_id": ("ID клиента", "Customer ID"),
    "rfm.col.recency_days": ("R, дней", "R, days"),
    "rfm.col.frequency": ("F, заказов", "F, orders"),
    "rfm.col.monetary": ("M, ₽", "M, ₽"),
    "rfm.col.r_score": ("Балл R", "R score"),
    "rfm.col.f_score": ("Балл F", "F score"),
    "rfm.col.m_score": ("Балл M", "M score"),
    "rfm.col.segment": ("Сегмент", "Segment"),
    "rfm.col.customers": ("Клиенты", "Customers"),
    "rfm.col.customer_share": ("Доля клиентов", "Share of customers"),
    "rfm.col.revenue": ("Выручка", "Revenue"),
    "rfm.col.revenue_share": ("Доля выручки", "Share of revenue"),
    "rfm.col.avg_recency": ("Средний R, дней", "Average R, days"),
    "rfm.col.avg_frequency": ("Средний F", "Average F"),
    "rfm.col.avg_monetary": ("Средний M, ₽", "Average M, ₽"),
    "rfm.col.avg_order_value": ("Средний чек", "Average order value"),
    "rfm.col.revenue_per_customer": ("Выручка на клиента", "Revenue per customer"),
    "rfm.col.active_customers": ("Активные клиенты", "Active customers"),
    "rfm.xlsx.customers": ("Клиенты", "Customers"),
    "rfm.xlsx.about": ("Параметры", "Settings"),
    "rfm.alert": ("С {first} по {last} число активных клиентов почти не изменилось ({active_first} → "
                  "{active_last}, {active_change}), а выручка сегментов «Истинная лояльность» и «Лояльные» "
                  "изменилась на {revenue_change} ({revenue_first} → {revenue_last}). База ухудшается: уходят "
                  "клиенты с высокой выручкой — начните с пути этих клиентов.",
                  "From {first} to {last} the number of active customers barely moved ({active_first} → "
                  "{active_last}, {active_change}), while the revenue of True loyalty and Loyal changed by "
                  "{revenue_change} ({revenue_first} → {revenue_last}). The base is getting worse: "
                  "high-revenue customers are leaving — map their journey first."),
    "rfm.alert_none": ("С {first} по {last}: активные клиенты {active_first} → {active_last} ({active_change}), "
                       "выручка «Истинной лояльности» и «Лояльных» {revenue_first} → {revenue_last} "
                       "({revenue_change}). Сигнала об ухудшении базы нет.",
                       "From {first} to {last}: active customers {active_first} → {active_last} ({active_change}), "
                       "revenue of True loyalty and Loyal {revenue_first} → {revenue_last} ({revenue_change}). "
                       "No sign of the base getting worse."),
    "rfm.rules_bad_segment": ("Неизвестный сегмент «{segment}». Сегменты: {segments}.",
                              "Unknown segment “{segment}”. Segments: {segments}."),
    "rfm.rules_bad_cell": ("Неизвестная ячейка «{cell}»: ячейка — это две цифры от 1 до 5, сначала R, потом FM "
                           "(например, 55).",
                           "Unknown cell “{cell}”: a cell is two digits from 1 to 5, R then FM (e.g. 55)."),
    "rfm.rules_twice": ("Ячейки отнесены к нескольким сегментам: {cells}. Каждая ячейка R×FM — ровно в одном сегменте.",
                        "Cells assigned to more than one segment: {cells}. Every R×FM cell belongs to exactly one "
                        "segment."),
    "rfm.rules_unassigned": ("Ячейки без сегмента: {cells}. Каждая ячейка R×FM — ровно в одном сегменте.",
                             "Cells without a segment: {cells}. Every R×FM cell belongs to exactly one segment."),
    "rfm.cant_lose_outside": ("Отметка «Нельзя потерять» возможна только для ячеек сегмента «Под угрозой оттока»: {cells}.",
                              "Only cells of “At risk of churn” can be flagged “Can't lose them”: {cells}."),
    "rfm.bad_thresholds": ("Границы {metric}: нужны четыре возрастающих числа (для R и F — не меньше нуля), "
                           "указано: {values}.",
                           "{metric} thresholds: four increasing numbers are needed (R and F not below zero), "
                           "got: {values}."),
    "rfm.bad_mode": ("Неизвестный способ границ «{mode}»: quantile, frozen:ГГГГ-ММ-ДД или thresholds.",
                     "Unknown cut-point mode “{mode}”: quantile, frozen:YYYY-MM-DD or thresholds."),
    "rfm.no_baseline": ("Для зафиксированных границ выберите базовую дату.",
                        "Frozen cut points need a baseline date."),
    "rfm.no_customers": ("До {as_of} в базе нет ни одной транзакции: выберите дату позже.",
                         "The base has no transaction before {as_of}: choose a later date."),
    "rfm.bad_dates": ("Дата «с» ({from_date}) должна быть раньше даты «по» ({to_date}).",
                      "The “from” date ({from_date}) must be before the “to” date ({to_date})."),
    "rfm.bad_segment": ("Неизвестный сегмент «{segment}». Сегменты: {segments}.",
                        "Unknown segment “{segment}”. Segments: {segments}."),
    "rfm.bad_alert_pct": ("Порог сигнала должен быть от 0 до 100 %, указано: {value}.",
                          "An alert threshold must be between 0 and 100 %, got: {value}."),
    "rfm.bad_step": ("Шаг ряда — month или quarter, указано: {step}.", "The series step is month or quarter, got: {step}."),
    "rfm.no_dates": ("Выберите хотя бы одну дату расчёта.", "Choose at least one as-of date."),
    # -- journey: the method's vocabulary (cxcore/method.py) and journey errors (cxcore/journey*.py) --------
    "stage.need": ("Потребность", "Need"),
    "stage.search": ("Поиск", "Search"),
    "stage.choice": ("Выбор", "Choice"),
    "stage.purchase": ("Покупка", "Purchase"),
    "stage.receipt": ("Получение", "Receipt"),
    "stage.use": ("Использование", "Use"),
    "stage.service": ("Обслуживание", "Service"),
    "stage.recommend": ("Рекомендации", "Recommendation"),
    "stage.need.principle": ("Вовлекайте", "Engage"),
    "stage.search.principle": ("Узнавайте", "Recognise"),
    "stage.choice.principle": ("Предлагайте нужное", "Offer what is needed"),
    "stage.purchase.principle": ("Удивляйте", "Surprise"),
    "stage.receipt.principle": ("Будьте последовательны", "Be consistent"),
    "stage.use.principle": ("Упрощайте", "Simplify"),
    "stage.service.principle": ("Заботьтесь", "Care"),
    "stage.recommend.principle": ("Награждайте", "Reward"),
    "expectation.need": ("Закрытие потребности", "Closing the whole need in one place"),
    "expectation.promises": ("Выполнение обещаний", "Keeping promises"),
    "expectation.material": ("Материальная выгода", "Material benefit"),
    "expectation.emotional": ("Эмоциональная выгода", "Emotional benefit"),
    "expectation.speed": ("Скорость операций", "Speed of operations"),
    "expectation.simplicity": ("Простота операций", "Simplicity of operations"),
    "expectation.transparency": ("Прозрачность взаимодействия", "Transparency"),
    "expectation.support": ("Поддержка", "Support"),
    "expectation.comfort": ("Комфорт в точках контакта", "Comfort at touchpoints"),
    "department.marketing": ("Маркетинг", "Marketing"),
    "department.sales": ("Продажи", "Sales"),
    "department.service": ("Сервис", "Service"),
    "channel.site": ("Сайт", "Website"),
    "channel.app": ("Мобильное приложение", "Mobile app"),
    "channel.store": ("Магазин", "Store"),
    "channel.call_centre": ("Колл-центр", "Call centre"),
    "channel.email": ("E-mail", "E-mail"),
    "channel.sms": ("SMS", "SMS"),
    "channel.messenger": ("Мессенджер", "Messenger"),
    "channel.social": ("Соцсети", "Social media"),
    "channel.ads": ("Реклама", "Advertising"),
    "channel.courier": ("Курьер", "Courier"),
    "channel.pickup_point": ("Пункт выдачи", "Pick-up point"),
    "channel.marketplace": ("Маркетплейс", "Marketplace"),
    "channel.manager": ("Персональный менеджер", "Account manager"),
    "evidence.data": ("Видно в данных", "Observed in data"),
    "evidence.customers": ("Со слов клиентов", "Reported by customers"),
    "evidence.assumed": ("Предположение", "Assumed"),
    "status.open": ("Открыт", "Open"),
    "status.in_progress": ("В работе", "In progress"),
    "status.solved": ("Решён", "Solved"),
    "quadrant.quick_win": ("Быстрая победа", "Quick win"),
    "quadrant.big_bet": ("Крупная ставка", "Big bet"),
    "quadrant.fill_in": ("Мелкое улучшение", "Fill-in"),
    "quadrant.time_sink": ("Пожиратель времени", "Time sink"),
    "journey.not_text": ("{field}: должно быть текстом", "{field}: must be text"),
    "journey.empty_text": ("{field}: не может быть пустым", "{field}: must not be empty"),
    "journey.bad_score": ("{field}: должно быть целым числом от 1 до 5", "{field}: must be an integer 1–5"),
    "journey.bad_emotion": ("{field}: должно быть целым числом от −2 до 2",
                            "{field}: must be an integer from −2 to 2"),
    "journey.bad_share": ("{field}: должно быть числом от 0 до 1", "{field}: must be a number from 0 to 1"),
    "journey.bad_number": ("{field}: должно быть числом", "{field}: must be a number"),
    "journey.bad_position": ("{field}: должно быть целым числом не меньше 0", "{field}: must be a whole number ≥ 0"),
    "journey.bad_choice": ("{field}: «{value}» — нет такого варианта; варианты: {allowed}",
                           "{field}: “{value}” is not one of: {allowed}"),
    "journey.not_list": ("{field}: должно быть списком", "{field}: must be a list"),
    "journey.not_object": ("{field}: должно быть объектом", "{field}: must be an object"),
    "journey.no_expectations": ("{field}: укажите хотя бы одно из 9 ожиданий",
                                "{field}: name at least one of the 9 expectations"),
    "journey.bad_time": ("{field}: нужны дата и время вида 2025-12-08T10:15:00",
                         "{field}: must be a date and time like 2025-12-08T10:15:00"),
    "journey.unknown_field": ("{field}: неизвестное поле", "{field}: unknown field"),
    "journey.missing_field": ("{field}: обязательное поле отсутствует", "{field}: required field missing"),
    "journey.duplicate_segment": ("{field}: второй путь для сегмента «{value}»",
                                  "{field}: a second journey for segment “{value}”"),
    "journey.bad_format": ("{field}: «{value}», ожидается {expected}", "{field}: “{value}”, expected {expected}"),
    "journey.no_file": ("Файл не найден: {path}", "File not found: {path}"),
    "journey.not_json": ("Файл {path} — не JSON: {detail}", "{path} is not JSON: {detail}"),
    "journey.no_template": ("Нет шаблона «{industry}». Шаблоны: {templates}.",
                            "No template “{industry}”. Templates: {templates}."),
    "journey.undo_conflict": ("Отменить нельзя: после вашего изменения запись изменили. Сейчас она такая, как показано.",
                              "Cannot undo: the record was changed after your change. It now reads as shown."),
    # -- the journey pages (pages/journey*.py, journey_ui.py) ---------------------------------------------
    "journey.title": ("Карта пути клиента", "Customer journey map"),
    "journey.segment": ("Путь сегмента", "Journey of the segment"),
    "journey.none": ("Путь сегмента «{segment}» ещё не начат.", "The journey of “{segment}” is not started yet."),
    "journey.template": ("Начать с шаблона отрасли", "Start from an industry template"),
    "journey.from_template": ("Начать с шаблона", "Start from the template"),
    "journey.empty": ("Пустая карта", "Empty map"),
    "journey.export": ("Скачать JSON", "Download JSON"),
    "journey.counts": ("Точек контакта: {touchpoints} · барьеров: {barriers} · идей: {ideas} · межкомандных "
                       "НО-ситуаций: {cross}. Изменения участников появляются здесь сами.",
                       "Touchpoints: {touchpoints} · barriers: {barriers} · ideas: {ideas} · cross-team "
                       "BUT-situations: {cross}. Participants' changes appear here by themselves."),
    "journey.lane.stage": ("Этап · принцип · владелец", "Stage · principle · owner"),
    "journey.lane.goal": ("Цель клиента", "Customer goal"),
    "journey.lane.actions": ("Действия", "Actions"),
    "journey.lane.thoughts": ("Мысли и цитаты", "Thoughts and quotes"),
    "journey.lane.emotion": ("Эмоция", "Emotion"),
    "journey.lane.touchpoints": ("Точки контакта → барьеры («НО…») → идеи", "Touchpoints → barriers (“BUT…”) → ideas"),
    "journey.lane.kpi": ("KPI этапа", "Stage KPI"),
    "journey.kpi_line": ("{name}: {current} → {target}", "{name}: {current} → {target}"),
    "journey.barrier_line": ("{severity} · {expectations} · {departments}", "{severity} · {expectations} · {departments}"),
    "journey.edit_stage": ("Этап", "Stage"),
    "journey.add.touchpoint": ("Точка контакта", "Touchpoint"),
    "journey.add.barrier": ("Барьер", "Barrier"),
    "journey.add.idea": ("Идея", "Idea"),
    "journey.edit.stage": ("Этап пути", "Journey stage"),
    "journey.edit.touchpoint": ("Точка контакта", "Touchpoint"),
    "journey.edit.barrier": ("Барьер: «НО…» клиента", "Barrier: the customer's “BUT…”"),
    "journey.edit.idea": ("Идея", "Idea"),
    "journey.card_gone": ("Эту карточку только что удалили.", "This card was just deleted."),
    "journey.conflict": ("Пока вы редактировали, карточку сохранил кто-то другой. Сейчас в ней: {current}. "
                         "Проверьте свой текст: следующее «Сохранить» запишет его поверх.",
                         "Someone else saved this card while you were editing. It now reads: {current}. Check your "
                         "text: the next Save writes it over theirs."),
    "journey.delete": ("Удалить в корзину", "Move to the trash"),
    "journey.deleted": ("Удалено в корзину.", "Moved to the trash."),
    "journey.delete_conflict": ("Не удалено: карточку только что изменили. Сейчас в ней: {current}",
                                "Not deleted: the card was just changed. It now reads: {current}"),
    "journey.history": ("История карточки", "Card history"),
    "journey.history_line": ("{at} · {actor} · {action} {what}", "{at} · {actor} · {action} {what}"),
    "journey.action.create": ("создал(а)", "created"),
    "journey.action.update": ("изменил(а)", "changed"),
    "journey.action.delete": ("удалил(а)", "deleted"),
    "journey.action.restore": ("восстановил(а)", "restored"),
    "journey.action.undo": ("отменил(а) изменение", "undid a change"),
    "journey.action.undo_refused": ("попытка отмены", "tried to undo"),
    "journey.field.owner": ("Отдел-владелец", "Owner department"),
    "journey.field.kpi": ("KPI этапа", "Stage KPI"),
    "journey.field.kpi_current": ("Сейчас", "Now"),
    "journey.field.kpi_target": ("Цель", "Target"),
    "journey.field.name": ("Название", "Name"),
    "journey.field.channel": ("Канал", "Channel"),
    "journey.field.barrier_text": ("Что мешает клиенту: «Я хочу…, НО…»", "What stops the customer: “I want…, BUT…”"),
    "journey.field.barrier_placeholder": ("Хочу оформить доставку на вечер, НО на сайте только дневные слоты",
                                          "I want an evening delivery, BUT the site offers daytime slots only"),
    "journey.field.expectations": ("Какие из 9 ожиданий нарушены", "Which of the 9 expectations it breaks"),
    "journey.field.departments": ("Какие отделы вовлечены", "Departments involved"),
    "journey.field.departments_help": ("Больше одного отдела — межкомандная НО-ситуация. Можно вписать свой отдел.",
                                       "More than one department makes it a cross-team BUT-situation. You can type "
                                       "another department."),
    "journey.field.severity": ("Серьёзность", "Severity"),
    "journey.field.evidence": ("Откуда известно", "Evidence"),
    "journey.field.status": ("Статус", "Status"),
    "journey.field.share": ("Доля сегмента, которую затрагивает, %", "Share of the segment affected, %"),
    "journey.field.idea_text": ("Идея решения", "The idea"),
    "journey.field.impact": ("Эффект", "Impact"),
    "journey.field.effort": ("Усилия", "Effort"),
    "journey.undo": ("Отменить моё последнее", "Undo my last change"),
    "journey.undone": ("Отменено.", "Undone."),
    "journey.nothing_to_undo": ("Нечего отменять.", "Nothing to undo."),
    "journey.trash": ("Корзина ({n})", "Trash ({n})"),
    "journey.trash_empty": ("Корзина пуста.", "The trash is empty."),
    "journey.trash_line": ("{stage} · удалил(а) {who} в {at}", "{stage} · deleted by {who} at {at}"),
    "journey.restore": ("Вернуть", "Restore"),
    "journey.kind.touchpoint": ("Точка контакта", "Touchpoint"),
    "journey.kind.barrier": ("Барьер", "Barrier"),
    "journey.kind.idea": ("Идея", "Idea"),
    "journey_views.title": ("Путь клиента: граф, эмоции, ожидания, отделы", "The journey: graph, emotions, "
                            "expectations, teams"),
    "journey_views.none": ("Карта пути ещё не начата: начните её на доске.",
                           "No journey map yet: start one on the board."),
    "journey_views.view": ("Вид", "View"),
    "journey_views.graph": ("Граф", "Graph"),
    "journey_views.emotion": ("Эмоции", "Emotions"),
    "journey_views.expectations": ("Ожидания", "Expectations"),
    "journey_views.departments": ("Отделы", "Teams"),
    "journey_views.graph_legend": ("Этапы → точки контакта → барьеры. Цвет — отдел (синий — маркетинг, зелёный — "
                                   "продажи, оранжевый — сервис, красный — несколько отделов), размер барьера — его "
                                   "серьёзность. Нажмите на узел, чтобы открыть карточку.",
                                   "Stages → touchpoints → barriers. Colour: the department (blue marketing, green "
                                   "sales, orange service, red several departments); a barrier's size: its severity. "
                                   "Click a node to open its card."),
    "journey_views.open_barriers": ("Открытые барьеры", "Open barriers"),
    "journey_views.cross_team": ("Межкомандные", "Cross-team"),
    "journey_views.met": ("{met} из 9", "{met} of 9"),
    "journey_views.loyalty_ok": ("≥ 6: достаточно", "≥ 6: enough"),
    "journey_views.loyalty_short": ("< 6: мало", "< 6: too few"),
    "journey_views.loyalty_summary": ("Для «Истинной лояльности» нужно, чтобы на каждом этапе выполнялись хотя бы 6 "
                                      "из 9 ожиданий. Сейчас меньше — на этапах: {stages}.",
                                      "True loyalty needs at least 6 of the 9 expectations met at every stage. Fewer "
                                      "are met at: {stages}."),
    "journey_views.loyalty_all": ("На каждом этапе выполнено не меньше 6 из 9 ожиданий — условие «Истинной "
                                  "лояльности» соблюдено.",
                                  "At least 6 of the 9 expectations are met at every stage: the True loyalty "
                                  "condition holds."),
    "journey_views.cross_title": ("Межкомандные НО-ситуации", "Cross-team BUT-situations"),
    "journey_views.cross_none": ("Барьеров с несколькими отделами пока нет.", "No barrier involves several teams yet."),
    "journey_views.col.stage": ("Этап", "Stage"),
    "journey_views.col.touchpoint": ("Точка контакта", "Touchpoint"),
    "journey_views.col.barrier": ("Барьер", "Barrier"),
    "journey_views.col.departments": ("Отделы", "Departments"),
    # -- maturity: the model's names, stages, candidates and errors (cxcore/maturity*.py) ------------------
    "maturity.competency.lead": ("Организация", "Lead"),
    "maturity.competency.realize": ("Планирование", "Realize"),
    "maturity.competency.activate": ("Активация", "Activate"),
    "maturity.competency.enlighten": ("Реагирование", "Enlighten"),
    "maturity.competency.respond": ("Улучшение", "Respond"),
    "maturity.competency.disrupt": ("Инновации", "Disrupt"),
    "maturity.scale.never": ("Никогда", "Never"),
    "maturity.scale.rarely": ("Редко", "Rarely"),
    "maturity.scale.often": ("Часто", "Often"),
    "maturity.scale.almost_always": ("Почти всегда", "Almost always"),
    "maturity.scale.always": ("Всегда", "Always"),
    "maturity.unknown": ("Не знаю", "Don't know"),
    "maturity.looks_like": ("1 — никогда: {never}. 5 — всегда: {always}.",
                            "1 never: {never}. 5 always: {always}."),
    "maturity.stage.investigate": ("Исследование", "Investigate"),
    "maturity.stage.initiate": ("Инициирование", "Initiate"),
    "maturity.stage.mobilize": ("Мобилизация", "Mobilize"),
    "maturity.stage.scale": ("Масштабирование", "Scale"),
    "maturity.stage.embed": ("Интеграция", "Embed"),
    "maturity.stage.investigate.meaning": (
        "Клиентский опыт ещё не рассматривается как стратегическая возможность.",
        "CX is not yet seen as a strategic opportunity."),
    "maturity.stage.investigate.next": (
        "Найти лучшие первые шаги: одну-две быстрые победы на карте пути клиента; показать их эффект в деньгах и "
        "донести до топ-менеджмента.",
        "Find the best first steps: one or two quick wins on the journey map; show their effect in money and take "
        "it to top management."),
    "maturity.stage.initiate.meaning": (
        "Руководители видят ценность клиентского опыта; работают команды на частичной занятости, есть первая "
        "стратегия и формальный сбор голоса клиента (VoC).",
        "Leaders see the value of CX; part-time teams work on it, there is a first strategy and a formal Voice of "
        "the Customer programme."),
    "maturity.stage.initiate.next": (
        "Закрепить владельцев инициатив и дорожную карту с KPI; связать голос клиента с операционными данными; "
        "готовить выделенную команду CX.",
        "Give initiatives owners and a roadmap with KPIs; link the Voice of the Customer to operational data; "
        "prepare a dedicated CX team."),
    "maturity.stage.mobilize.meaning": (
        "Клиентский опыт — стратегический приоритет; есть штатные сотрудники CX, проблемы клиентов исправляют "
        "точечно.",
        "CX is a strategic priority; there are full-time CX staff, and customer pains are fixed point by point."),
    "maturity.stage.mobilize.next": (
        "Перейти от точечных исправлений к системе: отслеживать исправление каждой найденной проблемы, встроить "
        "метрики CX в цели отделов.",
        "Move from point fixes to a system: track that every found problem gets fixed, and build CX metrics into "
        "the departments' goals."),
    "maturity.stage.scale.meaning": (
        "Выводы об опыте клиентов используются системно, вовлечён весь персонал, метрики CX управляют решениями.",
        "Insights are used systematically, the whole staff is involved, and CX metrics steer decisions."),
    "maturity.stage.scale.next": (
        "Встроить сигналы опыта в процессы и системы (CRM, колл-центр, магазины) и искать возможности "
        "преобразующего опыта, а не только исправлять.",
        "Build experience signals into processes and systems (CRM, call centre, stores) and look for "
        "transformative experiences, not only fixes."),
    "maturity.stage.embed.meaning": (
        "Навыки CX встроены в организацию, она быстро адаптируется к изменениям ожиданий клиентов.",
        "CX skills are built into the organisation, which adapts fast as customer expectations change."),
    "maturity.stage.embed.next": (
        "Удерживать уровень: регулярно повторять CJM (не реже раза в полгода), развивать человекоцентричный "
        "дизайн и согласованность новых элементов опыта.",
        "Hold the level: repeat the journey mapping at least every six months, and keep growing human-centred "
        "design and the consistency of new experience elements."),
    "maturity.candidate.competency": ("Усилить компетенцию «{name}»: сейчас {score} из 5",
                                      "Strengthen the competency “{name}”: now {score} of 5"),
    "maturity.candidate.practice": ("Практика {number} «{name}»: сейчас {score} из 5 — сделать её регулярной",
                                    "Practice {number} “{name}”: now {score} of 5 — make it a routine"),
    "maturity.no_respondent": ("Укажите имя респондента.", "Enter the respondent's name."),
    "maturity.unknown_respondent": ("Респондента «{name}» в этом воркшопе нет.",
                                    "There is no respondent “{name}” in this workshop."),
    "maturity.bad_practice": ("Практика {value}: есть только практики 1–20.", "Practice {value}: there are practices "
                              "1–20 only."),
    "maturity.bad_score": ("Оценка {value}: должна быть от 1 до 5 или пустой («не знаю»).",
                           "Score {value}: must be 1–5, or empty (don't know)."),
    "maturity.no_file": ("Файл не найден: {path}", "File not found: {path}"),
    "maturity.not_text": ("{path}: это не текстовый CSV-файл.", "{path}: not a text CSV file."),
    "maturity.empty_file": ("Файл пуст: нет заголовка respondent,practice,score.",
                            "The file is empty: no header respondent,practice,score."),
    "maturity.missing_column": ("строка 1 (заголовок): нет колонки «{column}»; нужен заголовок "
                                "respondent,practice,score",
                                "row 1 (the header): no column “{column}”; the header must be "
                                "respondent,practice,score"),
    "maturity.row_no_respondent": ("строка {row}: не указан респондент (строка 1 — заголовок)",
                                   "row {row}: the respondent is empty (row 1 is the header)"),
    "maturity.row_practice_range": ("строка {row}: практика {value} вне диапазона 1–20 (строка 1 — заголовок)",
                                    "row {row}: practice {value} is outside 1–20 (row 1 is the header)"),
    "maturity.row_practice_text": ("строка {row}: практика «{value}» — не номер от 1 до 20 (строка 1 — заголовок)",
                                   "row {row}: practice “{value}” is not a number 1–20 (row 1 is the header)"),
    "maturity.row_score_range": ("строка {row}: оценка {value} вне диапазона 1–5 (строка 1 — заголовок)",
                                 "row {row}: score {value} is outside 1–5 (row 1 is the header)"),
    "maturity.row_score_text": ("строка {row}: оценка «{value}» — не целое число от 1 до 5 (строка 1 — заголовок)",
                                "row {row}: score “{value}” is not a whole number 1–5 (row 1 is the header)"),
    "maturity.row_duplicate": ("строка {row}: {respondent} уже оценил(а) практику {practice} в строке {first}",
                               "row {row}: {respondent} already rated practice {practice} in row {first}"),
    "maturity.nobody_rated": ("практику {practices} никто не оценил: у каждой практики нужна хотя бы одна оценка",
                              "nobody rated practice {practices}: every practice needs at least one score"),
    "maturity.nobody_rated_many": ("практики {practices} никто не оценил: у каждой практики нужна хотя бы одна "
                                   "оценка",
                                   "nobody rated practices {practices}: every practice needs at least one score"),
    # -- the maturity pages (pages/maturity*.py) ---------------------------------------------------------
    "maturity.rate_title": ("Оцените 20 практик клиентского опыта", "Rate the 20 customer-experience practices"),
    "maturity.rate_help": ("Как часто это происходит в вашей компании: 1 — никогда … 5 — всегда. Каждый ответ "
                           "сохраняется сразу; «Не знаю» — тоже ответ. После обсуждения можно изменить оценку.",
                           "How often does this happen in your company: 1 never … 5 always. Every answer saves at "
                           "once; “Don't know” is an answer too. You can change a rating after the discussion."),
    "maturity.rate_progress": ("Вы ответили на {answered} из {total}", "You have answered {answered} of {total}"),
    "maturity.rate_done": ("Готово: все 20 практик оценены. Результат комнаты — на странице «Зрелость CX».",
                           "Done: all 20 practices rated. The room's result is on the “CX maturity” page."),
    "maturity.title": ("Зрелость клиентского опыта", "Customer-experience maturity"),
    "maturity.none": ("Оценок пока нет: участники оценивают практики на странице «Оценить практики».",
                      "No ratings yet: participants rate the practices on the “Rate the practices” page."),
    "maturity.incomplete": ("Итог появится, когда в каждой компетенции будет хоть одна оценка. Пока без оценок: "
                            "{missing}.", "The total appears once every competency has a rating. Still unrated: "
                            "{missing}."),
    "maturity.total": ("Итог по шкале 6–30", "Total on the 6–30 scale"),
    "maturity.of_30": ("{total} из 30", "{total} of 30"),
    "maturity.next": ("Типичные следующие шаги:", "Typical next steps:"),
    "maturity.score": ("Оценка", "Score"),
    "maturity.competencies": ("Шесть компетенций", "The six competencies"),
    "maturity.disagree": ("Где комната не согласна", "Where the room disagrees"),
    "maturity.no_spread": ("Расхождений пока нет.", "No disagreement yet."),
    "maturity.progress": ("Кто закончил", "Who has finished"),
    "maturity.answers": ("Все ответы: практика × участник («?» — не знаю)",
                         "Every answer: practice × respondent (“?”: don't know)"),
    "maturity.previous": ("По сравнению с прошлым воркшопом", "Against the last workshop"),
    "maturity.no_previous": ("У этого клиента нет более раннего воркшопа с оценкой зрелости.",
                             "This client has no earlier workshop with a maturity result."),
    "maturity.when.current": ("Сейчас ({day})", "Now ({day})"),
    "maturity.when.previous": ("Прошлый раз ({day})", "Last time ({day})"),
    "maturity.total_change": ("Итог изменился на {change} по шкале 6–30.", "The total moved by {change} on the 6–30 scale."),
    "maturity.candidates": ("Кандидаты в дорожную карту", "Candidates for the roadmap"),
    "maturity.col.practice": ("Практика", "Practice"),
    "maturity.col.range": ("Оценки от–до", "Ratings from–to"),
    "maturity.col.std": ("Стандартное отклонение", "Standard deviation"),
    "maturity.col.score": ("Средняя", "Mean"),
    "maturity.col.respondent": ("Участник", "Respondent"),
    "maturity.col.answered": ("Ответов", "Answered"),
    "maturity.col.finished": ("Закончил(а)", "Finished"),
    # -- errors ------------------------------------------------------------------------------------------
    "ingest.no_file": ("Файл не найден: {path}", "File not found: {path}"),
    "ingest.empty_file": ("Файл пуст.", "The file is empty."),
    "ingest.binary": ("Это не текстовая таблица: в файле двоичные данные.",
                      "This is not a text table: the file holds binary data."),
    "ingest.not_a_table": ("В файле не найдена таблица: нет строки с заголовком и хотя бы двумя колонками.",
                           "No table found in the file: no header row with at least two columns."),
    "ingest.bad_xlsx": ("Файл XLSX повреждён или не читается ({detail}).",
                        "The XLSX file is damaged or unreadable ({detail})."),
    "ingest.old_xls": ("Старый формат Excel (.xls) не поддерживается: сохраните файл как .xlsx или CSV.",
                       "The old Excel format (.xls) is not supported: save the file as .xlsx or CSV."),
    "ingest.no_sheet": ("Нет листа «{sheet}». Листы файла: {sheets}.",
                        "No sheet “{sheet}”. The file's sheets: {sheets}."),
    "ingest.unknown_role": ("Неизвестная роль «{role}». Роли: {roles}.", "Unknown role “{role}”. Roles: {roles}."),
    "ingest.no_column": ("Нет колонки «{column}». Колонки файла: {columns}.",
                         "No column “{column}”. The file's columns: {columns}."),
    "ingest.missing_roles": ("Не найдены колонки для: {roles}. Укажите их вручную. Колонки файла: {columns}.",
                             "No column found for: {roles}. Set them by hand. The file's columns: {columns}."),
    "ingest.nothing_loaded": ("Ни одна строка не загружена ({rows} отклонено; первая причина: {first}). "
                              "Текущая база не изменена.",
                              "No row could be loaded ({rows} rejected; first reason: {first}). "
                              "The current base is unchanged."),
    "ingest.line_too_long": ("В файле строка длиннее {limit} МБ: это не похоже на таблицу.",
                             "The file has a line longer than {limit} MB: it does not look like a table."),
    "ingest.read_failed": ("Файл не прочитан: {detail}", "The file could not be read: {detail}"),
    "error.store": ("Ошибка базы данных: {detail}", "Database error: {detail}"),
    "error.store_open": ("Не удалось открыть базу данных {path}: {detail}",
                         "Could not open the database {path}: {detail}"),
    "error.write_conflict": ("Одновременное изменение, повторите: {detail}",
                             "A simultaneous change, try again: {detail}"),
    "error.stale_version": ("Запись уже изменили (ваша версия {version}, текущая {current_version}).",
                            "The record was changed meanwhile (your version {version}, current {current_version})."),
    "error.record_missing": ("Запись {what} не найдена или удалена.", "Record {what} does not exist or was deleted."),
    "error.not_deleted": ("Запись {what} не удалена — восстанавливать нечего.",
                          "Record {what} is not deleted: nothing to restore."),
    "error.no_workshop": ("Воркшоп «{name}» не найден.", "Workshop “{name}” not found."),
    "error.no_base": ("В воркшопе «{name}» нет загруженной базы клиентов.",
                      "Workshop “{name}” has no customer base loaded."),
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The string for `key` in `lang`, with `params` filled in; an unknown key shows itself."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    return text.format(**params) if params else text


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """12345.6 → '12 345,6' in Russian (non-breaking thin spaces), '12,345.6' in English; None → '—'."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


_SCALES = ((1e9, "млрд", "bn", 2), (1e6, "млн", "M", 1))


def fmt_money(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Roubles, short when large: '1,89 млрд ₽' / '₽1.89 bn', '12,3 млн ₽'; exact below a million."""
    if value is None:
        return "—"
    for scale, ru, en, decimals in _SCALES:
        if abs(value) >= scale:
            number = fmt_number(value / scale, lang, decimals)
            return f"{number} {ru} ₽" if lang == "ru" else f"₽{number} {en}"
    number = fmt_number(value, lang, 2)
    return f"{number} ₽" if lang == "ru" else f"₽{number}"


def fmt_short(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number for a chart label: 950, '12 тыс.' / '12k', '3,4 млн' / '3.4M'."""
    if value is None:
        return "—"
    for scale, key in ((1e6, "number.million"), (1e3, "number.thousand")):
        if abs(value) >= scale:
            return t(key, lang, value=fmt_number(value / scale, lang, 0 if value % scale == 0 else 1))
    return fmt_number(value, lang)


def fmt_date(value, lang: str = DEFAULT_LANGUAGE) -> str:
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y") if lang == "ru" else value.strftime("%Y-%m-%d")
