"""FormIndex.scan and FixedFormIndex.scan: the longest form at each position, left to right, never overlapping."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zxkg.ingest.gazetteer import Gazetteer
from zxkg.ingest.matcher import FixedFormIndex, FormIndex, GrowingFormIndex


def reference_scan(text: str, forms: set[str]) -> list[tuple[int, int]]:
    """The definition, position by position."""
    out, i = [], 0
    longest = max(map(len, forms), default=0)
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            if text[i : i + length] in forms:
                out.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return out


def test_longest_form_wins_and_matches_do_not_overlap() -> None:
    index = FormIndex(["大连", "五大连池", "连池", "长沙", "长沙市", "沙市"])
    text = "五大连池市和长沙市、荆州沙市,大连"
    assert [text[a:b] for a, b in index.scan(text)] == ["五大连池", "长沙市", "沙市", "大连"]


def test_overlapping_occurrences_of_one_pair_are_all_tried() -> None:
    index = FormIndex(["哈哈镇"])
    assert list(index.scan("哈哈哈镇")) == [(1, 4)]


def test_discarded_forms_are_not_found_and_short_forms_are_ignored() -> None:
    index = FormIndex(["委员工作室", "工作", "室"])
    index.discard("委员工作室")
    assert list(index.scan("委员工作室")) == [(2, 4)]
    assert "室" not in index


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=5), max_size=12),
    st.text(alphabet="甲乙丙丁戊,", max_size=60),
)
def test_scan_agrees_with_the_definition(forms: set[str], text: str) -> None:
    index = FormIndex(forms)
    assert list(index.scan(text)) == reference_scan(text, {f for f in forms if len(f) >= 2})


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=5), max_size=12),
    st.text(alphabet="甲乙丙丁戊,", max_size=60),
)
def test_the_fixed_index_agrees_with_the_definition(forms: set[str], text: str) -> None:
    index = FixedFormIndex(forms)
    assert list(index.scan(text)) == reference_scan(text, {f for f in forms if len(f) >= 2})


def test_the_fixed_index_finds_what_the_other_finds_in_the_division_table(gaz: Gazetteer) -> None:
    forms = list(gaz.forms)
    text = "五大连池市和长沙市、荆州沙市,大连;湘西州泸溪县政协与湖南省长沙市雨花区政协"
    assert list(FixedFormIndex(forms).scan(text)) == list(FormIndex(forms).scan(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=5), max_size=4),
            st.text(alphabet="甲乙丙丁戊,", max_size=40),
        ),
        max_size=12,
    )
)
def test_the_growing_index_agrees_with_the_definition_while_it_learns(steps: list[tuple[list[str], str]]) -> None:
    """Forms learnt between scans are found at once, whether or not the automaton has been rebuilt."""
    index, known = GrowingFormIndex(), set()
    for forms, text in steps:
        for form in forms:
            index.add(form)
            known |= {form} if len(form) >= 2 else set()
        assert list(index.scan(text)) == reference_scan(text, known)


def test_the_growing_index_forgets_a_discarded_form_its_automaton_held() -> None:
    index = GrowingFormIndex(["委员工作室", "工作"])
    assert list(index.scan("委员工作室")) == [(0, 5)]
    index.discard("委员工作室")
    assert list(index.scan("委员工作室")) == [(2, 4)]
    index.add("员工")
    assert list(index.scan("委员工作室")) == [(1, 3)]


def test_the_growing_index_rebuilds_once_texts_have_paid_for_it() -> None:
    """A form added after the build is served by the Python scan until the automaton is rebuilt with it."""
    index = GrowingFormIndex(["甲乙", "丙丁"])
    assert list(index.scan("甲乙丙丁")) == [(0, 2), (2, 4)]
    index.add("乙丙")
    for _ in range(3):
        assert list(index.scan("甲乙丙丁")) == [(0, 2), (2, 4)]
    assert list(index.scan("乙丙丁")) == [(0, 2)]
    assert index._fresh == []  # rebuilt: the texts paid more than three forms' worth
