"""The ``pii`` stage: Stanford CS336's cases, the labelled set (tests/data/pii/cases.jsonl: precision and recall per
type and language on the held-out half), the stage in a pipeline (text, ``pii_counts``, counters), parameters,
Chinese text, empty and missing text."""

from __future__ import annotations

import json
import sys

import pyarrow as pa
import pytest

import corpuskit
from corpuskit.stages.pii import (DEFAULT_PLACEHOLDERS, PII_TYPES, PIIRedactor, find_pii, is_id_number, luhn_valid,
                                  mask_card_numbers, mask_emails, mask_id_numbers, mask_ips, mask_phone_numbers,
                                  mask_pii)

from .conftest import ROOT, read_rows

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_pii import load_cases, ratio, score_cases  # noqa: E402

# --------------------------------------------------------------------------- Stanford CS336 assignment 4 (data)


def test_cs336_emails():
    text = "Feel free to contact me at test@gmail.com if you have any questions."
    assert mask_emails(text) == ("Feel free to contact me at |||EMAIL_ADDRESS||| if you have any questions.", 1)
    assert mask_emails("The instructors are pl@fakedomain.ai and spl@fakedomain.ai") == \
        ("The instructors are |||EMAIL_ADDRESS||| and |||EMAIL_ADDRESS|||", 2)
    existing = "Some datasets use the string |||EMAIL_ADDRESS||| to represent masked PII. "
    assert mask_emails(existing + "The instructors are pl@fakedomain.ai and spl@fakedomain.ai") == \
        (existing + "The instructors are |||EMAIL_ADDRESS||| and |||EMAIL_ADDRESS|||", 2)


@pytest.mark.parametrize("number", ["2831823829", "(283)-182-3829", "(283) 182 3829", "283-182-3829"])
def test_cs336_phone_numbers(number):
    text = f"Feel free to contact me at {number} if you have any questions."
    assert mask_phone_numbers(text) == \
        ("Feel free to contact me at |||PHONE_NUMBER||| if you have any questions.", 1)


def test_cs336_ips():
    assert mask_ips("You can access the server at 192.0.2.146.") == \
        ("You can access the server at |||IP_ADDRESS|||.", 1)


# --------------------------------------------------------------------------- the functions


def test_a_bare_number_needs_a_phone_word_and_an_order_word_vetoes_any_phone():
    assert mask_phone_numbers("Order 2831823829 shipped on Monday.")[1] == 0
    assert mask_phone_numbers("Call 2831823829 after six.")[1] == 1
    assert mask_phone_numbers("Order number: 283-182-3829")[1] == 0
    assert mask_phone_numbers("订单号：13812345678 已发货")[1] == 0
    assert mask_phone_numbers("请联系我：13812345678，谢谢")[1] == 1


def test_chinese_phones_ids_and_cards():
    text = "电话：010-12345678，手机 +86 139-1234-5678，身份证 11010519491231002X，卡号 6217001234567893。"
    masked, count = mask_pii(text)
    assert masked == ("电话：|||PHONE_NUMBER|||，手机 |||PHONE_NUMBER|||，身份证 |||ID_NUMBER|||，"
                      "卡号 |||CARD_NUMBER|||。")
    assert count == 4
    assert mask_phone_numbers("深圳（0755）12345678 或 (0755)1234567 或 021 1234 5678")[1] == 3


def test_checksums_decide_ids_and_cards():
    assert is_id_number("11010519491231002X") and is_id_number("11010519491231002x")
    assert not is_id_number("110105194912310021")  # wrong check character
    assert not is_id_number("440304198513075232")  # month 13
    assert mask_id_numbers("随机数字 123456789012345678 并非身份证")[1] == 0
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert mask_card_numbers("Card 4111 1111 1111 1111 exp 12/25") == ("Card |||CARD_NUMBER||| exp 12/25", 1)
    assert mask_card_numbers("Card 4111 1111 1111 1112 exp 12/25")[1] == 0


def test_hard_negatives_are_left_alone():
    for text in ["Meeting on 2023-10-01 at 10:45:18 UTC (1742942718).", "ISBN 978-0-306-40615-7",
                 "Upgrade to version 1.2.3.4 before Friday.", "版本号 1.2.3.4 已发布", "Coordinates 40.7128, -74.0060",
                 "MAC 00:1A:2B:3C:4D:5E", "std::vector and a::b", "logo@2x.png", "Arabic ٢٨٣-١٨٢-٣٨٢٩",
                 "全角１３８１２３４５６７８", "第13812345678号文件", "序列号：1381234567812345",
                 "https://example.com/item/13812345678.html", "He served 1990-2000.", "共计 1,381,234,567 元"]:
        assert mask_pii(text) == (text, 0), text


def test_types_placeholders_and_public_ips():
    text = "Mail a@example.com from 10.0.0.1 or 8.8.8.8"
    assert mask_pii(text, types=["ip"]) == ("Mail a@example.com from |||IP_ADDRESS||| or |||IP_ADDRESS|||", 2)
    assert mask_pii(text, types=["ip"], only_public_ips=True)[0] == "Mail a@example.com from 10.0.0.1 or |||IP_ADDRESS|||"
    assert mask_pii(text, placeholders={"email": "<EMAIL>"})[0].startswith("Mail <EMAIL> from")
    with pytest.raises(ValueError, match="unknown PII types"):
        mask_pii(text, types=["ssn"])


def test_empty_and_missing_text():
    for text in ("", None):
        assert mask_pii(text) == (text, 0)
        assert find_pii(text) == []
    table = pa.table({"id": ["a", "b", "c"], "text": [None, "", "ip 192.0.2.1"]})
    result = PIIRedactor().process(table)
    assert result.kept.column("text").to_pylist() == [None, "", "ip |||IP_ADDRESS|||"]
    assert result.kept.column("pii_counts").to_pylist()[2]["ip"] == 1
    assert result.rejected is None and result.kept.num_rows == 3


# --------------------------------------------------------------------------- the labelled set

# the held-out half was written after the detectors; it met the targets (P >= 0.98, R >= 0.95) in every cell but
# English phone recall, 15 of 16 (a number in 3-3-4 groups apart by spaces, no phone word). One format rule was added
# for that form, then measured on the "fresh" part, written after the rule and before running it (docs/pii.md)
TARGET_PRECISION, TARGET_RECALL = 0.98, 0.95


def test_the_labelled_set_is_large_and_covers_every_type_in_both_languages():
    cases = load_cases()
    assert len(cases) >= 200
    for split in ("dev", "heldout"):
        for lang in ("en", "zh"):
            part = [c for c in cases if c["split"] == split and c["lang"] == lang]
            assert sum(1 for c in part if not c["pii"]) >= 20, (split, lang)  # hard negatives
    labels = {label for c in cases for label, _ in c["pii"] if c["lang"] == "zh"}
    assert labels == {"EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS", "ID_NUMBER", "CARD_NUMBER"}
    for case in cases:
        for _, value in case["pii"]:
            assert value in case["text"], case["id"]


@pytest.mark.parametrize("split", ["dev", "heldout", "fresh"])
def test_precision_and_recall_per_type_and_language(split):
    tally, errors = score_cases([c for c in load_cases() if c["split"] == split])
    for (part, lang, kind), (tp, detected, labelled) in tally.items():
        if not detected and not labelled:
            continue
        assert ratio(tp, detected) >= TARGET_PRECISION, (part, lang, kind, errors)
        assert ratio(tp, labelled) >= TARGET_RECALL, (part, lang, kind, errors)


# --------------------------------------------------------------------------- the stage in a pipeline


def test_the_stage_in_a_pipeline(tmp_path):
    docs = [{"id": "en", "text": "Write to jane@example.org or call (212) 555-0147; server 203.0.113.7."},
            {"id": "zh", "text": "联系电话：13812345678，身份证 11010519491231002X，卡号 6217001234567893"},
            {"id": "none", "text": "Order 2831823829 shipped on 2023-10-01, version 1.2.3.4."}]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "docs.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n",
                                                 encoding="utf-8")
    result = corpuskit.run({"name": "pii-check", "input": {"paths": [str(tmp_path / "in")], "id_field": "id"},
                            "output": {"path": str(tmp_path / "out")},
                            "stages": [{"pii": {"placeholders": {"card_number": "[CARD]"}}}],
                            "executor": {"type": "local", "workers": 1}})
    rows = {r["id"]: r for r in read_rows(tmp_path / "out" / "kept")}
    assert rows["en"]["text"] == ("Write to |||EMAIL_ADDRESS||| or call |||PHONE_NUMBER|||; server |||IP_ADDRESS|||.")
    assert rows["zh"]["text"] == "联系电话：|||PHONE_NUMBER|||，身份证 |||ID_NUMBER|||，卡号 [CARD]"
    assert rows["none"]["text"] == docs[2]["text"]
    assert rows["zh"]["pii_counts"] == {"email": 0, "phone": 1, "ip": 0, "id_number": 1, "card_number": 1}
    stage = next(s for s in result.stats["stages"] if s["name"] == "pii")
    assert stage["docs_in"] == stage["docs_kept"] == 3 and stage["docs_rejected"] == 0
    counters = stage["counters"]
    assert {t: counters[f"found:{t}"] for t in PII_TYPES} == \
        {"email": 1, "phone": 2, "ip": 1, "id_number": 1, "card_number": 1}
    assert counters["docs_with_pii"] == 2 and counters["docs_modified"] == 2


def test_annotate_mode_and_chosen_types_count_without_changing_the_text():
    table = pa.table({"id": ["a"], "text": ["a@example.com, 192.0.2.1, (212) 555-0147"]})
    result = PIIRedactor(mode="annotate", types=["email", "phone"]).process(table)
    assert result.kept.column("text").to_pylist() == table.column("text").to_pylist()
    assert result.kept.column("pii_counts").to_pylist() == \
        [{"email": 1, "phone": 1, "ip": None, "id_number": None, "card_number": None}]
    assert result.counters["found:email"] == 1 and "found:ip" not in result.counters
    with pytest.raises(ValueError):
        PIIRedactor(mode="drop")
    with pytest.raises(ValueError):
        PIIRedactor(placeholders={"ssn": "x"})
    assert PIIRedactor().placeholders == DEFAULT_PLACEHOLDERS
