"""Each class of bad input in docs/reliability.md, through the command line (exit 2, one line on
standard error naming the file, line or field) and through the API (a typed exception)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import profile, rule, write_rule

import aivoucher
from aivoucher.base.dates import add_years, parse_date
from aivoucher.base.documents import Limits, parse_json, parse_yaml, read_stream
from aivoucher.base.money import MAX_AMOUNT, parse_amount
from aivoucher.cli import main
from aivoucher.errors import AmountError, InputError, ProfileError, RuleFileError, YamlError
from aivoucher.ruleset.registry import bundled_rules, load_program, load_rules

CLI = [sys.executable, "-m", "aivoucher.cli"]


def _purchase_yaml(amount: str, **extra: str) -> str:
    fields = "".join(f"    {k}: {v}\n" for k, v in extra.items())
    return (
        "applicant: {kind: enterprise, city: shenzhen}\npurchases:\n"
        f"  - item: compute\n    amount: {amount}\n    signed: 2025-03-01\n{fields}"
    )


def _one_line(capsys: Any, argv: list[str], code: int = 2) -> str:
    assert main(argv) == code
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    return err


# -- numbers YAML 1.1 reads in surprising ways --------------------------------------------------


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("0500000", "octal"),
        ("0x10", "hexadecimal"),
        ("1:00:00", "sexagesimal"),
        ("1_000", "underscores"),
        ("1_000.50", "underscores"),
    ],
)
def test_yaml_1_1_number_forms_are_refused(
    tmp_path: Path, capsys: Any, written: str, form: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(_purchase_yaml(written), encoding="utf-8")
    err = _one_line(capsys, ["estimate", str(path)])
    assert f"{path}:4:" in err and form in err and repr(written) in err
    with pytest.raises(YamlError, match=form):
        aivoucher.load_profile(path)
    data = rule()
    data["caps"][0]["amount"] = "PLACEHOLDER"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    target = write_rule(tmp_path / "rules", data)
    target.write_text(text.replace("PLACEHOLDER", written), encoding="utf-8")
    with pytest.raises(YamlError, match=form):
        load_program(target)


def test_quoted_forms_stay_text_and_are_read_as_amounts_in_their_own_right() -> None:
    # A quoted '1,000' is an amount notation the parser knows; a quoted '0x10' is text and
    # refused by the amount parser, never read as 16.
    assert parse_yaml("a: '0500000'")["a"] == "0500000"
    assert parse_amount("0500000") == Decimal(500000)
    with pytest.raises(AmountError):
        parse_amount("0x10")


# -- reads that never end ---------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_quickly(device: str, capsys: Any) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    err = _one_line(capsys, ["estimate", device])
    assert device in err


def test_endless_standard_input_is_cut_at_the_limit() -> None:
    script = "import sys\nwhile True:\n    sys.stdout.write('a: b\\n' * 1000)\n"
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as feeder:
        proc = subprocess.run(
            [*CLI, "estimate", "-"],
            stdin=feeder.stdout,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        feeder.kill()
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "<stdin>: file is too large" in proc.stderr


def test_reads_are_bounded_by_bytes_read_not_by_reported_size() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[: len(buffer)] = b"x" * len(buffer)
            return len(buffer)

    with pytest.raises(YamlError, match="too large"):
        read_stream(io.BufferedReader(Endless()), Limits(max_bytes=1 << 20, max_nodes=10), "s")


def test_non_utf8_standard_input_gets_the_file_message(tmp_path: Path) -> None:
    data = b"applicant: {kind: enterprise, city: caf\xe9}\n"
    path = tmp_path / "p.yaml"
    path.write_bytes(data)
    from_file = subprocess.run([*CLI, "estimate", str(path)], capture_output=True, check=False)
    from_stdin = subprocess.run(
        [*CLI, "estimate", "-"], input=data, capture_output=True, check=False
    )
    assert from_file.returncode == from_stdin.returncode == 2
    file_message = from_file.stderr.decode().replace(str(path), "<stdin>")
    stdin_message = from_stdin.stderr.decode()
    assert file_message == stdin_message
    assert "not valid UTF-8 (byte 0xe9" in stdin_message


# -- huge integers, far dates, NUL bytes --------------------------------------------------------


def test_five_thousand_digit_numbers(tmp_path: Path, capsys: Any) -> None:
    digits = "7" * 5000
    yaml_path = tmp_path / "p.yaml"
    yaml_path.write_text(_purchase_yaml(digits), encoding="utf-8")
    assert "5,000 digits" in _one_line(capsys, ["estimate", str(yaml_path)])
    json_path = tmp_path / "p.json"
    json_path.write_text(
        '{"applicant": {"kind": "enterprise", "city": "shenzhen"}, "purchases": [{"item": '
        f'"compute", "amount": {digits}, "signed": "2025-03-01"}}]}}',
        encoding="utf-8",
    )
    assert "5,000 digits" in _one_line(capsys, ["estimate", str(json_path)])
    with pytest.raises(YamlError, match="digits"):
        parse_json(f"[{digits}.5]")
    data = rule()
    target = write_rule(tmp_path / "rules", data)
    target.write_text(
        target.read_text(encoding="utf-8").replace("amount: 100万", f"amount: {digits}"),
        encoding="utf-8",
    )
    with pytest.raises(YamlError, match="digits"):
        load_program(target)


def test_terms_past_year_9999_do_not_overflow() -> None:
    assert add_years(dt.date(9999, 6, 1), 3) == dt.date.max
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    beijing = bundled_rules().get("beijing.compute-voucher").program
    assert any(c.fact == "purchase.term" for c in beijing.eligibility)
    far = aivoucher.estimate(
        {
            "applicant": {"kind": "enterprise", "city": "beijing", "sector": "software"},
            "purchases": [
                {
                    "item": "compute",
                    "amount": "100万",
                    "signed": "9999-01-01",
                    "start": "9999-01-01",
                    "end": "9999-12-31",
                }
            ],
        },
        programs=["beijing.compute-voucher"],
        as_of="9999-12-31",
    )
    assert far.total_low == far.total_high  # evaluated, whatever it pays


def test_nul_bytes_are_refused_with_their_line(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"applicant: {kind: enterprise, city: shenzhen}\npurchases:\n  - id: a\x00b\n")
    err = _one_line(capsys, ["estimate", str(path)])
    assert f"{path}:3: contains a NUL byte" in err
    with pytest.raises(YamlError) as info:
        parse_yaml("a: 1\nb: \x00\n", source="s")
    assert info.value.line == 2


# -- contradictions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"settled": "900万"}, "settled 9000000 is above the contract amount 8000000"),
        ({"start": "2025-06-01", "end": "2025-01-01"}, "end 2025-01-01 is before start"),
    ],
)
def test_contradictory_purchases_are_refused(
    tmp_path: Path, capsys: Any, extra: dict[str, str], needle: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(_purchase_yaml("800万", **extra), encoding="utf-8")
    err = _one_line(capsys, ["estimate", str(path)])
    assert "purchases[0]" in err and needle in err
    with pytest.raises(ProfileError, match=needle):
        aivoucher.estimate(
            profile({"item": "compute", "amount": "800万", "signed": "2025-03-01", **extra})
        )


# -- the largest amount -----------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["1万亿", "10000亿", "1000000000000", "¥1,000,000,000,000"])
def test_the_largest_amount_in_every_spelling(spelling: str) -> None:
    assert parse_amount(spelling) == MAX_AMOUNT


@pytest.mark.parametrize(
    "spelling", ["1.00000000000001万亿", "10000.0000000001亿", "1000000000000.01", "2万亿"]
)
def test_above_the_largest_amount_in_every_spelling(
    tmp_path: Path, capsys: Any, spelling: str
) -> None:
    with pytest.raises(AmountError, match="maximum"):
        parse_amount(spelling)
    path = tmp_path / "p.yaml"
    path.write_text(_purchase_yaml(f"'{spelling}'"), encoding="utf-8")
    assert "maximum of 1万亿" in _one_line(capsys, ["estimate", str(path)])


# -- rule directories -------------------------------------------------------------------------


def test_a_rules_directory_without_rule_files(tmp_path: Path, capsys: Any) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    path = tmp_path / "p.yaml"
    path.write_text(_purchase_yaml("100万"), encoding="utf-8")
    assert "no rule files" in _one_line(capsys, ["--rules", str(empty), "estimate", str(path)])
    assert "no rule files" in _one_line(capsys, ["check", str(empty)])
    with pytest.raises(RuleFileError, match="no rule files"):
        load_rules(empty)


def test_check_fails_on_a_stacking_relation_to_an_unknown_program(
    tmp_path: Path, capsys: Any
) -> None:
    data = rule(
        stacking=[
            {"program": "gotham.voucher", "relation": "exclusive", "source": "text", "quote": "q"}
        ]
    )
    directory = tmp_path / "rules"
    write_rule(directory, data)
    assert main(["check", str(directory)]) == 1
    out, _ = capsys.readouterr()
    assert "stacking relation names unknown program 'gotham.voucher'" in out


# -- output that cannot be written --------------------------------------------------------------


def test_a_full_disk_gives_one_line_and_exit_1() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full does not exist here")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*CLI, "programs"], stdout=full, stderr=subprocess.PIPE, text=True, check=False
        )
    assert proc.returncode == 1
    assert proc.stderr == "error: cannot write output: No space left on device\n"


def test_a_closed_pipe_gives_one_line_and_exit_1() -> None:
    with subprocess.Popen(
        [*CLI, "programs", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait()
    assert code == 1 and err == "error: cannot write output: Broken pipe\n"


# -- API misuse ---------------------------------------------------------------------------------


@pytest.mark.parametrize("argument", ["programs", "assume"])
def test_a_string_where_a_list_is_expected(argument: str) -> None:
    with pytest.raises(TypeError, match=f"{argument} must be a list"):
        aivoucher.estimate(profile(amount="100万"), **{argument: "shenzhen.training-compute"})
    with pytest.raises(TypeError, match="not int"):
        aivoucher.estimate(profile(amount="100万"), **{argument: [7]})


# -- date forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2025-03-01", "2025/03/01", "2025/3/1", "2025年3月1日"])
def test_accepted_date_forms(written: str, tmp_path: Path, capsys: Any) -> None:
    assert parse_date(written) == dt.date(2025, 3, 1)
    path = tmp_path / "p.yaml"
    path.write_text(
        _purchase_yaml("100万").replace("signed: 2025-03-01", f"signed: '{written}'"),
        encoding="utf-8",
    )
    assert aivoucher.load_profile(path).purchases[0].signed == dt.date(2025, 3, 1)
    assert main(["estimate", str(path), "--as-of", written, "--format", "json"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    "written",
    ["2025-W09-6", "20250301", "2025-060", "２０２５-03-01", "2025-03-01T00:00", "3/1/2025"],
)
def test_refused_date_forms(written: str, tmp_path: Path, capsys: Any) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日"):
        parse_date(written)
    path = tmp_path / "p.yaml"
    path.write_text(
        _purchase_yaml("100万").replace("signed: 2025-03-01", f"signed: '{written}'"),
        encoding="utf-8",
    )
    err = _one_line(capsys, ["estimate", str(path)])
    assert "purchases[0].signed" in err and "YYYY年M月D日" in err
    err = _one_line(capsys, ["estimate", str(path), "--as-of", written])
    assert "YYYY/MM/DD" in err
    with pytest.raises(InputError, match="as_of"):
        aivoucher.estimate(profile(amount="100万"), as_of=written)


# -- many programs on one purchase ----------------------------------------------------------------


def test_two_thousand_programs_on_one_purchase_give_linear_notes(tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    for n in range(2000):
        write_rule(directory, rule(id=f"shenzhen.v{n}"))
    rules = load_rules(directory)
    est = rules.estimate(profile(amount="100万"), as_of="2025-06-30")
    assert len(est.awards) == 2000
    assert len(est.stacking) == 1 and len(est.stacking[0].programs) == 2000
    assert est.total_low == Decimal(500_000)  # the best single award
    assert est.total_high == Decimal(500_000) * 2000  # all of them: no text says they stack
