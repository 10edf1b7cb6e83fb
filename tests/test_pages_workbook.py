"""The workbook page through AppTest on the demo: build and download the workbook, upload an edited copy, see the
diff and the refused rows, apply it."""
from __future__ import annotations

import io

import openpyxl

from cxcore import roadmap, workbook
from cxcore.store import open_store
from tests.test_pages import app, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def test_download_then_upload_an_edited_copy_and_apply_it(db):
    at = app("pages/workbook.py")
    at.button(key="workbook.prepare").click().run()
    assert at.get("download_button")  # the built workbook is offered for download
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_bytes(open_store(db), "demo")))
    ws = book["Дорожная карта"]
    header = [c.value for c in ws[1]]
    status = header.index("Статус") + 1
    first = roadmap.items(open_store(db), "demo")[0]
    ws.cell(2, status).value = "Сделано"
    ws.cell(3, header.index("Следующий пересмотр") + 1).value = "завтра"
    edited = io.BytesIO()
    book.save(edited)
    at.file_uploader(key="workbook.upload").upload("edited.xlsx", edited.getvalue()).run()
    line = at.info[0].value  # the untouched roadmap and KPI rows count as unchanged
    assert line.startswith("Изменится строк: 1; без изменений: ") and line.endswith("; не принято: 1.")
    assert at.dataframe[1].value.iloc[0, 2].endswith("не дата")
    at.button(key="workbook.apply").click().run()
    assert at.success[0].value == "Применено строк: 1; отклонено: 1."
    assert roadmap.get_item(open_store(db), first.id).status == "done"
