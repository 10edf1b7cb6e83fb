-- How one text cell of a customer base becomes a value. Created as TEMP macros on the loading cursor.

-- A money value with spaces, non-breaking spaces, apostrophes and currency marks taken out.
CREATE OR REPLACE TEMP MACRO cx_money_text(s) AS
    regexp_replace(replace(lower(s), '−', '-'), '[\s\x{00A0}\x{202F}'']|₽|руб\.?|р\.|rub|usd|eur|\$|€', '', 'g');

-- A number with a decimal comma or point; the other mark, if present, separates thousands.
CREATE OR REPLACE TEMP MACRO cx_decimal(t) AS CASE
    WHEN NOT regexp_full_match(t, '[-+]?[0-9][0-9.,]*') THEN NULL
    WHEN position(',' IN t) = 0 THEN try_cast(t AS DOUBLE)
    WHEN position('.' IN t) = 0 AND length(t) - length(replace(t, ',', '')) = 1
        THEN try_cast(replace(t, ',', '.') AS DOUBLE)
    WHEN position('.' IN t) = 0 THEN try_cast(replace(t, ',', '') AS DOUBLE)
    WHEN instr(reverse(t), ',') < instr(reverse(t), '.')
        THEN try_cast(replace(replace(t, '.', ''), ',', '.') AS DOUBLE)
    ELSE try_cast(replace(t, ',', '') AS DOUBLE)
END;

-- Accounting negatives: (123,45) and 123,45-.
CREATE OR REPLACE TEMP MACRO cx_money_slow(t) AS CASE
    WHEN t LIKE '(%)' THEN -cx_decimal(t[2:-2])
    WHEN t LIKE '%-' THEN -cx_decimal(t[1:-2])
    ELSE cx_decimal(t)
END;

-- The fast path takes plain numbers (with a decimal comma too); only the rest pays for cleaning.
-- NaN and infinity pass here and are refused by the loader. The cleaned text is bound once through a
-- one-element list: a macro argument is pasted wherever it is used, and cx_money_slow(cx_money_text(s))
-- pasted the regexp some forty times (slow to plan and to run).
CREATE OR REPLACE TEMP MACRO cx_money(s) AS coalesce(
    try_cast(replace(s, ',', '.') AS DOUBLE),
    list_transform([cx_money_text(s)], lambda t: cx_money_slow(t))[1]
);

-- A date written in one of `fmts` (time of day ignored), or an Excel serial day number.
CREATE OR REPLACE TEMP MACRO cx_date(s, fmts) AS coalesce(
    CAST(try_strptime(split_part(split_part(s, ' ', 1), 'T', 1), fmts) AS DATE),
    CASE WHEN regexp_full_match(s, '[0-9]{5}(\.[0-9]+)?')
         THEN DATE '1899-12-30' + CAST(floor(CAST(s AS DOUBLE)) AS INTEGER) END
);

-- A totals line ("Итого", "Всего", "Total") is never a customer. Checked on every row, so plain string
-- tests first; the one regex only for text that starts with "total" ("Total:" yes, "Totally" no).
CREATE OR REPLACE TEMP MACRO cx_is_total(s) AS list_transform([lower(ltrim(coalesce(s, '')))], lambda v: CASE
    WHEN starts_with(v, 'total') THEN NOT regexp_matches(v, '^total\w')
    ELSE starts_with(v, 'итог') OR starts_with(v, 'всего') OR starts_with(v, 'grand total')
END)[1];

-- The first cell of a row that holds something: the label of a totals line may stand in any column
-- (";Итого:;1 500,00"), but it is the first thing on the line.
CREATE OR REPLACE TEMP MACRO cx_first_filled(f) AS CASE
    WHEN trim(f[1]) <> '' THEN f[1]
    ELSE list_filter(f, lambda x: trim(x) <> '')[1]
END;

-- A line split at `sep`, honouring double quotes; `pattern` captures one field after a separator.
CREATE OR REPLACE TEMP MACRO cx_split(line, sep, pattern) AS CASE
    WHEN NOT contains(line, '"') THEN string_split(line, sep)
    ELSE list_transform(regexp_extract_all(sep || line, pattern, 1),
                        lambda v: CASE WHEN length(v) >= 2 AND v LIKE '"%"' THEN replace(v[2:-2], '""', '"') ELSE v END)
END;
