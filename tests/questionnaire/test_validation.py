"""Every validation rule: a small bad file, the message, and the line and column it points at."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.questionnaire import (
    PartnerDirectory,
    QuestionnaireError,
    check_file,
    load_questionnaire,
)

from .validation_helpers import PARTNERS, VALID, check_text, expect, find

QUESTION = """\
      - id: q_single
        type: single
        text: {de: Frage, en: Question}
        options:
          - {id: no, label: {de: Nein, en: No}, score: 0}
          - {id: yes, label: {de: Ja, en: Yes}, score: 1}
"""


def with_question(extra: str) -> str:
    """The valid file with one more question appended to the dimension."""
    return VALID.replace(QUESTION, QUESTION + extra)


def test_the_valid_file_has_no_problems(tmp_path: Path) -> None:
    """The base file of these tests is valid, so each test shows one rule."""
    assert check_text(tmp_path, VALID) == []
    questionnaire = load_questionnaire(tmp_path / "q.yaml")
    assert questionnaire.id == "test"
    assert questionnaire.directory is not None


# --- YAML itself ---------------------------------------------------------------------------


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    """A YAML syntax error is one problem at the place the parser stopped."""
    text = VALID.replace("title: {de: Test, en: Test}", "title: {de: Test, en: Test")
    problems = check_text(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].message.startswith("invalid YAML:")
    assert problems[0].line == 6
    assert str(problems[0]).startswith(f"{tmp_path / 'q.yaml'}:6:")


def test_duplicate_key_points_at_second_key(tmp_path: Path) -> None:
    """YAML allows a key twice and keeps the last; the check refuses it."""
    text = VALID.replace("version: 1\n", "version: 1\nversion: 2\n")
    problems = check_text(tmp_path, text)
    expect(problems, text, "version: 2", "duplicate key 'version' (first given at line 2)")


def test_empty_file(tmp_path: Path) -> None:
    """An empty file says so."""
    problems = check_text(tmp_path, "# nothing here\n")
    assert [p.message for p in problems] == ["the file is empty"]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    """A file saved in another encoding gets a hint at the line of the first bad byte."""
    path = tmp_path / "q.yaml"
    path.write_bytes(VALID.replace("Niedrig", "Gr\xfcn").encode("latin-1"))
    assert [(p.line, p.message) for p in check_file(path).problems] == [
        (8, "the file is not valid UTF-8 text; save it with UTF-8 encoding")
    ]


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is a problem, not a crash."""
    result = check_file(tmp_path / "missing.yaml")
    assert [p.message for p in result.problems] == [
        "cannot read the file: No such file or directory"
    ]


def test_unsafe_tag_is_refused(tmp_path: Path) -> None:
    """Python object tags are never constructed."""
    text = VALID.replace("id: test", "id: !!python/object/apply:os.system [echo]")
    problems = check_text(tmp_path, text)
    expect(problems, text, "!!python", "unsupported YAML tag")


def test_yes_and_no_stay_strings(tmp_path: Path) -> None:
    """Option ids no/yes are text (YAML 1.2 booleans are only true and false)."""
    questionnaire_path = tmp_path / "q.yaml"
    check_text(tmp_path, VALID)
    question = load_questionnaire(questionnaire_path).question_index["q_single"]
    assert [option.id for option in question.options] == ["no", "yes"]


# --- schema and types ----------------------------------------------------------------------


def test_wrong_type(tmp_path: Path) -> None:
    """A text where a whole number belongs."""
    text = VALID.replace("version: 1", 'version: "one"')
    expect(check_text(tmp_path, text), text, '"one"', "must be a whole number, not a text")


def test_number_where_text_belongs_suggests_quotes(tmp_path: Path) -> None:
    """A number as an id must be quoted."""
    text = VALID.replace("- id: q_single", "- id: 7")
    problems = check_text(tmp_path, text)
    expect(problems, text, "7", "must be a text, not a number; put it in quotes")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    """A misspelt key points at the key itself and names the likely intended key."""
    text = VALID.replace(
        "        type: single\n        text: {de: Frage",
        "        tpye: single\n        type: single\n        text: {de: Frage",
    )
    problems = check_text(tmp_path, text)
    problem = expect(problems, text, "tpye", "unknown key 'tpye'; did you mean 'type'?")
    assert problem.location == "dimensions[data].questions[q_single].tpye"


def test_misspelt_type_is_named(tmp_path: Path) -> None:
    """Without `type` the question cannot be read; the misspelt key is named."""
    text = VALID.replace(
        "        type: single\n        text: {de: Frage",
        "        tpye: single\n        text: {de: Frage",
    )
    problems = check_text(tmp_path, text)
    assert len(problems) == 1
    expect(problems, text, "tpye", "unknown key 'tpye'; did you mean 'type'? (one of single,")


def test_unknown_key_lists_allowed_keys(tmp_path: Path) -> None:
    """A key with no near match lists what is allowed there."""
    text = VALID.replace("    title: {de: Daten", "    colour: red\n    title: {de: Daten")
    problem = expect(check_text(tmp_path, text), text, "colour", "unknown key 'colour'")
    assert (
        "allowed here: id, title, description, weight, questions, recommendations"
        in problem.message
    )


def test_missing_key_points_at_the_mapping(tmp_path: Path) -> None:
    """A missing required key is reported at the mapping that lacks it."""
    text = VALID.replace("        text: {de: Frage, en: Question}\n", "")
    problem = expect(
        check_text(tmp_path, text), text, "id: q_single", "missing required key 'text'"
    )
    assert problem.location == "dimensions[data].questions[q_single]"


def test_unknown_question_type(tmp_path: Path) -> None:
    """An unknown type names the registered types."""
    text = VALID.replace(
        "type: single\n        text: {de: Frage", "type: slider\n        text: {de: Frage"
    )
    problem = find(check_text(tmp_path, text), "unknown question type 'slider'")
    assert "use one of single, scale, multi" in problem.message


def test_invalid_id(tmp_path: Path) -> None:
    """Ids are lower-case letters, digits, '_' and '-'."""
    text = VALID.replace("- id: data\n", "- id: Daten Analyse\n")
    expect(check_text(tmp_path, text), text, "Daten Analyse", "'Daten Analyse' is not a valid id")


def test_wrong_literal(tmp_path: Path) -> None:
    """Effort is one of low, medium, high."""
    text = VALID.replace("effort: low", "effort: small")
    expect(check_text(tmp_path, text), text, "small", "'small' is not allowed here; use one of")


def test_not_a_mapping(tmp_path: Path) -> None:
    """A question that is a plain string."""
    text = with_question("      - just a string\n")
    expect(check_text(tmp_path, text), text, "just a string", "must be a mapping, not a text")


def test_booleans_are_strict(tmp_path: Path) -> None:
    """required: "yes" is not silently read as true."""
    text = with_question('      - {id: note, type: text, text: {de: T, en: T}, required: "yes"}\n')
    expect(check_text(tmp_path, text), text, '"yes"', "must be true or false")


def test_empty_list(tmp_path: Path) -> None:
    """A dimension needs questions."""
    text = VALID.replace(QUESTION, "").replace("    questions:\n", "    questions: []\n")
    expect(check_text(tmp_path, text), text, "[]", "must not be empty")


# --- unique ids ----------------------------------------------------------------------------


def test_duplicate_question_id_across_profile_and_dimensions(tmp_path: Path) -> None:
    """Question ids are unique in the whole questionnaire."""
    text = with_question(
        "      - {id: sector, type: text, text: {de: T, en: T}, required: false}\n"
    )
    expect(check_text(tmp_path, text), text, "sector, type: text", "duplicate id 'sector'")


def test_duplicate_option_id(tmp_path: Path) -> None:
    """Option ids are unique within their question."""
    text = VALID.replace("{id: yes, label", "{id: no, label")
    expect(check_text(tmp_path, text), text, "no, label: {de: Ja", "duplicate option id 'no'")


def test_duplicate_dimension_and_level_ids(tmp_path: Path) -> None:
    """Dimension and level ids are unique."""
    second = "  - id: data\n    title: X\n    questions: [{id: other, type: text, text: X}]\n"
    text = VALID.replace("{id: high, min: 50", "{id: low, min: 50") + second
    problems = check_text(tmp_path, text)
    expect(problems, text, "low, min: 50", "duplicate id 'low'")
    problem = find(problems, "duplicate id 'data'")
    assert problem.line == len(VALID.splitlines()) + 1


def test_duplicate_matrix_row(tmp_path: Path) -> None:
    """Row ids are unique within their matrix."""
    text = with_question(
        "      - id: tech\n"
        "        type: matrix\n"
        "        text: {de: T, en: T}\n"
        "        rows: [{id: erp, text: ERP}, {id: erp, text: CRM}]\n"
        "        options: [{id: no, label: Nein, score: 0}, {id: yes, label: Ja, score: 1}]\n"
    )
    expect(check_text(tmp_path, text), text, "erp, text: CRM", "duplicate row id 'erp'")


# --- references ----------------------------------------------------------------------------


def test_condition_on_a_later_question(tmp_path: Path) -> None:
    """show_if may only look back."""
    condition = "        show_if: {question: later, answered: true}\n"
    text = with_question("      - {id: later, type: text, text: T}\n").replace(
        "        text: {de: Frage, en: Question}\n",
        "        text: {de: Frage, en: Question}\n" + condition,
    )
    problem = expect(
        check_text(tmp_path, text), text, "later, answered", "'later' is a later question"
    )
    assert problem.location == "dimensions[data].questions[q_single].show_if.question"


def test_condition_on_an_unknown_question(tmp_path: Path) -> None:
    """A misspelt question id in a condition."""
    text = with_question(
        "      - id: followup\n"
        "        type: text\n"
        "        text: T\n"
        "        show_if: {all: [{question: q_singel, in: [yes]}]}\n"
    )
    expect(check_text(tmp_path, text), text, "q_singel", "'q_singel' is an unknown question")


def test_condition_naming_a_missing_option(tmp_path: Path) -> None:
    """The options named in `in` must exist in the referred question."""
    text = with_question(
        "      - id: followup\n"
        "        type: text\n"
        "        text: T\n"
        "        show_if: {not: {question: q_single, in: [yes, maybe]}}\n"
    )
    problem = expect(
        check_text(tmp_path, text), text, "maybe", "'maybe' is not an option of 'q_single'"
    )
    assert problem.location.endswith("show_if.not.in[1]")


def test_condition_on_itself(tmp_path: Path) -> None:
    """A question cannot depend on its own answer."""
    text = with_question(
        "      - {id: loop, type: text, text: T, show_if: {question: loop, answered: true}}\n"
    )
    find(check_text(tmp_path, text), "a question cannot depend on itself")


def test_in_condition_on_matrix_is_refused(tmp_path: Path) -> None:
    """`in` makes no sense for a matrix; `answered` does."""
    text = with_question(
        "      - id: tech\n"
        "        type: matrix\n"
        "        text: T\n"
        "        rows: [{id: erp, text: ERP}]\n"
        "        options: [{id: no, label: Nein, score: 0}, {id: yes, label: Ja, score: 1}]\n"
        "      - {id: why, type: text, text: T, show_if: {question: tech, in: [yes]}}\n"
    )
    expect(check_text(tmp_path, text), text, "in: [yes]}}", "'in' does not apply", at="[yes]")


def test_unknown_level_in_recommendation(tmp_path: Path) -> None:
    """Recommendation levels must be declared levels."""
    text = VALID.replace("levels: [low]", "levels: [lowest]")
    expect(check_text(tmp_path, text), text, "lowest", "unknown level 'lowest'")


def test_partner_topic_missing_from_directory(tmp_path: Path) -> None:
    """A topic no partner covers is a dangling reference."""
    text = VALID.replace("partners: [data]", "partners: [data, security]")
    problem = find(check_text(tmp_path, text), "unknown partner topic 'security'")
    assert problem.location == "dimensions[data].recommendations[0].partners[1]"


def test_partner_file_missing(tmp_path: Path) -> None:
    """The partners file must exist next to the questionnaire."""
    text = VALID.replace("partners: partners.yaml", "partners: network.yaml")
    expect(check_text(tmp_path, text), text, "network.yaml", "'network.yaml' does not exist")


def test_topics_without_partner_file(tmp_path: Path) -> None:
    """Naming partner topics needs a partner directory."""
    text = VALID.replace("partners: partners.yaml\n", "")
    find(check_text(tmp_path, text, partners=None), "names no partners file")


def test_levels_and_max_score_exclusive(tmp_path: Path) -> None:
    """A recommendation has levels or max_score, not both, not neither."""
    text = VALID.replace("{levels: [low], text", "{levels: [low], max_score: 30, text")
    find(check_text(tmp_path, text), "give either levels or max_score")
    text = VALID.replace("{levels: [low], text", "{text")
    find(check_text(tmp_path, text), "give either levels or max_score")


# --- levels --------------------------------------------------------------------------------


def test_first_level_starts_at_zero(tmp_path: Path) -> None:
    """Levels cover the whole scale from 0."""
    text = VALID.replace("{id: low, min: 0", "{id: low, min: 10")
    expect(check_text(tmp_path, text), text, "10, label", "the first level must start at min: 0")


def test_levels_ascend(tmp_path: Path) -> None:
    """Each level starts above the previous one."""
    text = VALID.replace("min: 50", "min: 0")
    problem = find(check_text(tmp_path, text), "levels must ascend")
    assert problem.line == 9


def test_level_above_100(tmp_path: Path) -> None:
    """Level minimums lie on the 0-100 scale."""
    text = VALID.replace("min: 50", "min: 150")
    expect(check_text(tmp_path, text), text, "150", "must be at most 100")


# --- scorable options ----------------------------------------------------------------------


def test_scored_single_needs_two_scored_options(tmp_path: Path) -> None:
    """One scored option plus "don't know" cannot be scored."""
    text = VALID.replace(
        "{id: yes, label: {de: Ja, en: Yes}, score: 1}",
        "{id: yes, label: {de: Ja, en: Yes}, score: null}",
    )
    find(check_text(tmp_path, text), "needs at least two options with a score other than null")


def test_scored_single_with_equal_scores(tmp_path: Path) -> None:
    """Options that all score the same cannot tell firms apart."""
    text = VALID.replace("score: 1}", "score: 0}")
    find(check_text(tmp_path, text), "all scores are equal")


def test_option_without_score(tmp_path: Path) -> None:
    """In a scored question every option says its score (null is explicit)."""
    text = VALID.replace(
        "{id: yes, label: {de: Ja, en: Yes}, score: 1}", "{id: yes, label: {de: Ja, en: Yes}}"
    )
    expect(check_text(tmp_path, text), text, "{id: yes", "missing score")


def test_weight_zero_question_needs_no_scores(tmp_path: Path) -> None:
    """A question asked but not scored may leave scores out."""
    text = with_question(
        "      - id: info\n"
        "        type: single\n"
        "        text: T\n"
        "        weight: 0\n"
        "        options: [{id: a, label: A}, {id: b, label: B}]\n"
    )
    assert check_text(tmp_path, text) == []


def test_multi_needs_a_reachable_range(tmp_path: Path) -> None:
    """A multi's max_score above the sum of positive scores could never reach 100."""
    text = with_question(
        "      - id: tools\n"
        "        type: multi\n"
        "        text: T\n"
        "        max_score: 5\n"
        "        options:\n"
        "          - {id: a, label: A, score: 1}\n"
        "          - {id: b, label: B, score: 2}\n"
    )
    expect(
        check_text(tmp_path, text),
        text,
        "max_score: 5",
        "above the sum of all positive scores (3)",
        at="5",
    )


def test_scale_bounds(tmp_path: Path) -> None:
    """A scale needs min < max and at most 11 points; labels must be on the scale."""
    text = with_question(
        "      - id: rate\n"
        "        type: scale\n"
        "        text: T\n"
        "        min: 5\n"
        "        max: 1\n"
        "        labels: {7: Sieben}\n"
    )
    problems = check_text(tmp_path, text)
    expect(problems, text, "max: 1", "max must be greater than min (5)", at="1")
    expect(problems, text, "7: Sieben", "7 is not a point of the scale 5..1")


def test_scale_extra_options_are_not_scored(tmp_path: Path) -> None:
    """Scale points carry the score; extra answers must be null."""
    text = with_question(
        "      - id: rate\n"
        "        type: scale\n"
        "        text: T\n"
        "        min: 1\n"
        "        max: 5\n"
        "        options: [{id: dk, label: '?', score: 2}]\n"
    )
    find(check_text(tmp_path, text), "extra options of a scale are never scored")


def test_number_bands(tmp_path: Path) -> None:
    """Bands ascend, start at the minimum, and do not start above the maximum."""
    text = with_question(
        "      - id: staff\n"
        "        type: number\n"
        "        text: T\n"
        "        min: 0\n"
        "        max: 100\n"
        "        bands: [{min: 5, score: 0}, {min: 3, score: 1}, {min: 200, score: 2}]\n"
    )
    problems = check_text(tmp_path, text)
    expect(problems, text, "5, score: 0", "the first band starts at 5")
    expect(problems, text, "3, score: 1", "bands must ascend by min")
    expect(problems, text, "200, score: 2", "starts above the maximum 100")


# --- languages -----------------------------------------------------------------------------


def test_text_missing_a_language(tmp_path: Path) -> None:
    """Every declared language must be given."""
    text = VALID.replace("text: {de: Frage, en: Question}", "text: {de: Frage}")
    problem = expect(check_text(tmp_path, text), text, "{de: Frage}", "missing the language 'en'")
    assert problem.location == "dimensions[data].questions[q_single].text"


def test_text_in_an_undeclared_language(tmp_path: Path) -> None:
    """A language that is not declared is probably a typo."""
    text = VALID.replace("{de: Daten, en: Data}", "{de: Daten, en: Data, fr: Données}")
    problems = check_text(tmp_path, text)
    expect(problems, text, "fr: Données", "'fr' is not a declared language", at="fr")


def test_default_language_must_be_declared(tmp_path: Path) -> None:
    """language is one of languages."""
    text = VALID.replace("language: de\n", "language: fr\n")
    find(check_text(tmp_path, text), "the default language 'fr' must be among languages")


def test_partner_texts_follow_the_questionnaire_languages(tmp_path: Path) -> None:
    """Partner descriptions are checked against the questionnaire's languages."""
    partners = "- {id: p1, name: P, kind: public, topics: [data], description: {de: Hilfe}}\n"
    problem = find(check_text(tmp_path, VALID, partners=partners), "missing the language 'en'")
    assert problem.file.endswith("partners.yaml")
    assert problem.location == "[p1].description"


# --- the profile ---------------------------------------------------------------------------


def test_profile_is_never_scored(tmp_path: Path) -> None:
    """Scores and weights in the profile are mistakes."""
    text = VALID.replace(
        "{id: craft, label: {de: Handwerk, en: Crafts}}",
        "{id: craft, label: {de: Handwerk, en: Crafts}, score: 1}",
    )
    problems = check_text(tmp_path, text)
    expect(problems, text, "Crafts}, score: 1", "profile questions are never scored", at="1}")


def test_size_uses_eu_classes(tmp_path: Path) -> None:
    """The profile question size has the EU size classes as option ids."""
    text = VALID.replace(
        "dimensions:\n",
        "  - id: size\n    type: single\n    text: T\n"
        "    options: [{id: micro, label: M}, {id: tiny, label: T}]\n"
        "dimensions:\n",
    )
    expect(check_text(tmp_path, text), text, "tiny", "size options must be EU size classes")


def test_sector_must_be_single(tmp_path: Path) -> None:
    """sector groups firms, so it is a single choice."""
    text = VALID.replace("  - id: sector\n    type: single", "  - id: sector\n    type: multi")
    find(check_text(tmp_path, text), "the profile question 'sector' must be of type single")


# --- partner directories -------------------------------------------------------------------


def test_partner_directory_rules(tmp_path: Path) -> None:
    """Kinds, sizes, ids, declared topics and profile options are checked in the partner file."""
    partners = (
        "topics:\n"
        "  - {id: data, label: Daten}\n"
        "partners:\n"
        "  - {id: p1, name: A, kind: public, topics: [data]}\n"
        "  - {id: p1, name: B, kind: bank, topics: [data]}\n"
        "  - {id: p3, name: C, kind: research, topics: [data, ai], sizes: [huge]}\n"
        "  - {id: p4, name: D, kind: startup, topics: [data], sectors: [farming]}\n"
        "  - {id: p5, name: E, kind: startup, topics: [data], email: nobody, url: www.x.org}\n"
    )
    problems = check_text(tmp_path, VALID, partners=partners)
    expect(problems, partners, "bank", "'bank' is not allowed here")
    expect(problems, partners, "huge", "'huge' is not allowed here")
    expect(problems, partners, "nobody", "'nobody' is not an e-mail address")
    expect(problems, partners, "www.x.org", "is not a web address")
    assert all(p.file.endswith("partners.yaml") for p in problems)
    # semantic rules are reported once the structure is right
    fixed = (
        partners.replace("bank", "funding")
        .replace("huge", "micro")
        .replace("email: nobody, url: www.x.org", "email: a@example.org")
    )
    problems = check_text(tmp_path, VALID, partners=fixed)
    expect(problems, fixed, "p1, name: B", "duplicate partner id 'p1'")
    expect(problems, fixed, "ai]", "unknown topic 'ai'; declare it under topics first")
    expect(
        problems, fixed, "farming", "'farming' is not an option of the profile question 'sector'"
    )


def test_partner_file_checked_on_its_own(tmp_path: Path) -> None:
    """A partner file given alone is recognised and summarised."""
    path = tmp_path / "partners.yaml"
    path.write_text(PARTNERS, encoding="utf-8")
    result = check_file(path)
    assert result.problems == []
    assert isinstance(result.value, PartnerDirectory)


# --- all at once ---------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Type errors, unknown keys, dangling references and language gaps come in one run."""
    text = (
        VALID.replace("version: 1", "version: x")
        .replace("title: {de: Daten, en: Data}", "title: {de: Daten}\n    icon: chart")
        .replace("levels: [low]", "levels: [lo]")
    )
    text = (
        with_question(
            "      - {id: q_single, type: text, text: T}\n"
            "      - {id: f, type: text, text: T, show_if: {question: nope, answered: true}}\n"
        )
        .replace("version: 1", "version: x")
        .replace("title: {de: Daten, en: Data}", "title: {de: Daten}\n    icon: chart")
        .replace("levels: [low]", "levels: [lo]")
    )
    problems = check_text(tmp_path, text)
    messages = "\n".join(p.message for p in problems)
    for fragment in (
        "must be a whole number",
        "unknown key 'icon'",
        "missing the language 'en'",
        "duplicate id 'q_single'",
        "'nope' is an unknown question",
        "unknown level 'lo'",
    ):
        assert fragment in messages
    assert problems == sorted(problems)


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    """load_questionnaire refuses an invalid file and carries the problems."""
    text = VALID.replace("version: 1", "version: 0")
    check_text(tmp_path, text)
    with pytest.raises(QuestionnaireError) as error:
        load_questionnaire(tmp_path / "q.yaml")
    assert len(error.value.problems) == 1
    assert "version: must be at least 1, not 0" in str(error.value)


# --- urgency ---------------------------------------------------------------------------------


def test_urgency_names_a_single_question(tmp_path: Path) -> None:
    """`urgency` names the single question whose answer says how urgent the firm's concern is."""
    text = VALID.replace("partners: partners.yaml\n", "partners: partners.yaml\nurgency: sector\n")
    assert check_text(tmp_path, text) == []
    loaded = load_questionnaire(tmp_path / "q.yaml")
    assert loaded.urgency_of({"sector": "trade"}) == ("trade", 1)
    assert loaded.urgency_of({"sector": "unknown"}) is None
    assert loaded.urgency_of({}) is None


def test_urgency_naming_an_unknown_question_is_an_error(tmp_path: Path) -> None:
    """A misspelt question id is reported at the `urgency` key's value."""
    text = VALID.replace("partners: partners.yaml\n", "partners: partners.yaml\nurgency: sectr\n")
    problems = check_text(tmp_path, text)
    expect(problems, text, "urgency: sectr", "'sectr' is an unknown question", at="sectr")


def test_urgency_naming_another_type_is_an_error(tmp_path: Path) -> None:
    """Only a single question has ordered options to rank urgency by."""
    scale = "      - {id: q_scale, type: scale, min: 1, max: 5, text: {de: Skala, en: Scale}}\n"
    text = VALID.replace("partners: partners.yaml\n", "partners: partners.yaml\nurgency: q_scale\n")
    text = text.replace("    recommendations:\n", scale + "    recommendations:\n")
    problems = check_text(tmp_path, text)
    problem = expect(
        problems, text, "urgency: q_scale", "urgency must name a single question", at="q_scale"
    )
    assert "'q_scale' is a scale question" in problem.message


def test_a_questionnaire_without_urgency_has_none(tmp_path: Path) -> None:
    """The key is optional: files written before it stay valid, with no urgency to show."""
    assert check_text(tmp_path, VALID) == []
    loaded = load_questionnaire(tmp_path / "q.yaml")
    assert loaded.urgency is None and loaded.urgency_of({"sector": "trade"}) is None


# --- team roles ------------------------------------------------------------------------------


def test_a_questionnaire_may_declare_its_team_roles(tmp_path: Path) -> None:
    """Roles with ids and labels in every language; ids unique."""
    roles = (
        "team_roles:\n"
        "  - {id: workshop, label: {de: Werkstatt, en: Workshop}}\n"
        "  - {id: office, label: {de: Büro, en: Office}}\n"
    )
    text = VALID.replace("profile:\n", roles + "profile:\n", 1)
    assert check_text(tmp_path, text) == []
    loaded = load_questionnaire(tmp_path / "q.yaml")
    assert [role.id for role in loaded.team_roles or ()] == ["workshop", "office"]


def test_team_roles_with_a_duplicate_id_or_a_missing_language(tmp_path: Path) -> None:
    """Each is reported where it stands."""
    roles = (
        "team_roles:\n"
        "  - {id: workshop, label: {de: Werkstatt, en: Workshop}}\n"
        "  - {id: workshop, label: {de: Büro}}\n"
    )
    text = VALID.replace("profile:\n", roles + "profile:\n", 1)
    problems = check_text(tmp_path, text)
    expect(problems, text, "label: {de: Büro}", "duplicate id 'workshop'", at="workshop")
    expect(problems, text, "label: {de: Büro}", "missing the language 'en'", at="{de: Büro}")
