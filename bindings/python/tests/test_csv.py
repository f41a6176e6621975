"""CSV ingestion through files and text."""

import pathlib

import pytest

import mitra

from conftest import EXPECTED_COUNTS


def test_csv_error_names_file_line_and_column(full_ws, tmp_path):
    path = tmp_path / "name.csv"
    path.write_text("customer_id,time,amount\n"
                    "c1,2025-03-01,12.5\n"
                    "c2,2025-03-02,12,5x\n")
    with pytest.raises(mitra.Error) as info:
        full_ws.ingest_csv("transactions", path)  # os.PathLike
    message = str(info.value)
    assert "name.csv:3:" in message
    assert isinstance(info.value, mitra.InvalidArgument)
    # Whole or nothing: line 2 was fine but is not applied either.
    assert full_ws.counts() == EXPECTED_COUNTS


def test_csv_bad_amount_names_the_column(full_ws, tmp_path):
    path = tmp_path / "name.csv"
    path.write_text("customer_id,time,amount\n"
                    "c1,2025-03-01,12.5\n"
                    "c2,2025-03-02,lots\n")
    with pytest.raises(mitra.InvalidArgument) as info:
        full_ws.ingest_csv("transactions", str(path))
    message = str(info.value)
    assert "name.csv:3:3" in message and "amount" in message and "lots" in message
    assert full_ws.counts() == EXPECTED_COUNTS


def test_csv_text_error_uses_the_given_name(full_ws):
    text = "customer_id,time,amount\nc1,2025-03-01,1\nc1,2025-03-01,-\n"
    with pytest.raises(mitra.InvalidArgument, match=r"inline\.csv:3:3 \(amount\)"):
        full_ws.ingest_csv_text("transactions", text, name="inline.csv")


def test_csv_unknown_reference_is_not_found(full_ws):
    with pytest.raises(mitra.NotFound, match="ghost"):
        full_ws.ingest_csv_text("transactions", "customer_id,time,amount\nghost,2025-01-01,1\n")
    assert full_ws.counts() == EXPECTED_COUNTS


def test_csv_unknown_column_is_an_error(ws):
    with pytest.raises(mitra.InvalidArgument, match="colour"):
        ws.ingest_csv_text("customers", "id,colour\nc1,red\n", name="customers.csv")
    assert ws.counts()["customers"] == 0


def test_csv_missing_file_is_not_found(ws, tmp_path):
    with pytest.raises(mitra.NotFound, match="cannot open"):
        ws.ingest_csv("customers", tmp_path / "absent.csv")


def test_open_error_names_the_file_even_under_a_long_path(ws, tmp_path):
    deep = tmp_path / ("d" * 80)
    deep.mkdir()
    with pytest.raises(mitra.NotFound, match="absent.csv"):
        ws.ingest_csv("customers", deep / "absent.csv")


def test_csv_files_ingest(ws, tmp_path):
    (tmp_path / "customers.csv").write_text(
        "id,created,attributes.city\nc1,2025-03-01,Pune\nc2,,\n")
    (tmp_path / "transactions.csv").write_bytes(
        b"customer_id,time,amount,quantity\r\nc1,2025-03-01T14:05:00Z,12.5,1\r\n"
        b"c2,1740787200,3,\r\n")
    ws.ingest_csv("customers", tmp_path / "customers.csv")
    ws.ingest_csv(b"transactions", str(tmp_path / "transactions.csv").encode())
    assert ws.counts()["customers"] == 2 and ws.counts()["transactions"] == 2
    batch = ws.export()
    assert batch.customers[0].attributes == {"city": "Pune"}
    assert not batch.customers[1].HasField("created_unix_seconds")
    assert batch.customers[0].created_unix_seconds == 1740787200
    assert [t.amount for t in batch.transactions] == [12.5, 3.0]
    assert batch.transactions[0].time_unix_seconds == 1740787200 + 14 * 3600 + 5 * 60


COMMENTS = [
    "plain",
    "embedded, comma",
    'a "doubled" quote',
    "line one\nline two",
    'all, of "them"\nat once',
    "",
    "unicode: चाय ☕",
]


def _quote(field):
    if any(c in field for c in ',"\n\r'):
        return '"' + field.replace('"', '""') + '"'
    return field


def test_csv_quoting_round_trips_into_comments(full_ws, tmp_path):
    rows = ["program_id,customer_id,time,ratings.comfort,comment"]
    for i, comment in enumerate(COMMENTS):
        rows.append("trial,c%d,2025-02-%02d,%d,%s" % (i % 3 + 1, i + 1, i % 5 + 1, _quote(comment)))
    path = tmp_path / "feedback.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    full_ws.ingest_csv("feedback", path)
    stored = [f.comment for f in full_ws.export().feedback][2:]
    assert stored == COMMENTS


def test_csv_text_quoting_literal(full_ws):
    text = ('program_id,customer_id,time,comment\r\n'
            'trial,c1,2025-02-01,"x, ""y""\nz"\r\n')
    full_ws.ingest_csv_text("feedback", text.encode("utf-8"), name="fb.csv")
    assert full_ws.export().feedback[-1].comment == 'x, "y"\nz'


def test_sample_data_if_present(ws):
    """The repository's sample data imports kind by kind."""
    root = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
    for kind in mitra.KINDS:
        if (root / (kind + ".csv")).exists():
            ws.ingest_csv(kind, root / (kind + ".csv"))
    assert ws.counts()["customers"] > 0
