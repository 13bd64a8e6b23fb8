from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paseban.content.approvals import (
    DEFAULT_POLICIES,
    SYSTEM,
    AccountRef,
    Action,
    NotAllowed,
    Person,
    Policy,
    PostState,
    PostStatus,
    Step,
    can_author,
    can_review,
    can_see,
    decide,
    parse_steps,
    policy_for,
)
from paseban.domain.accounts import OwnerKind, Role, Scope

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
KEL = AccountRef(1, OwnerKind.KELURAHAN, "32.71.05.1002")  # Tegal Gundil, Bogor Utara
OTHER_KEL = AccountRef(2, OwnerKind.KELURAHAN, "32.71.01.1001")  # Batu Tulis, Bogor Selatan
LURAH = Person("lurah.tg", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.05.1002"))
CAMAT = Person("camat.bu", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.05"))
OTHER_CAMAT = Person("camat.bs", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))
KOMINFO = Person("operator", Role.DISKOMINFO, Scope())
KOMINFO2 = Person("operator2", Role.DISKOMINFO, Scope())
VIEWER = Person("pantau", Role.VIEWER, Scope())


def state(status: PostStatus, kind: str = "informasi", **kw: object) -> PostState:
    return PostState(status, KEL, kind, "lurah.tg", **kw)  # type: ignore[arg-type]


def run(st_: PostState, action: Action, who: Person, note: str = "") -> PostStatus:
    policy = policy_for(st_.account, st_.content_type, DEFAULT_POLICIES)
    return decide(st_, action, who, policy, now=NOW, note=note).status


def test_policy_resolution_is_most_specific_first() -> None:
    assert policy_for(KEL, "informasi", DEFAULT_POLICIES).steps == (Step.KECAMATAN,)
    assert policy_for(KEL, "program", DEFAULT_POLICIES).steps == (Step.KECAMATAN, Step.DISKOMINFO)
    special = (*DEFAULT_POLICIES, Policy((), account_id=1))
    assert policy_for(KEL, "program", special).steps == ()
    assert policy_for(KEL, "x", ()).steps == ()


def test_kelurahan_draft_through_kecamatan_and_diskominfo() -> None:
    s = state(PostStatus.DRAFT, "program")
    assert run(s, Action.SUBMIT, LURAH) is PostStatus.REVIEW_KECAMATAN
    s = state(PostStatus.REVIEW_KECAMATAN, "program")
    with pytest.raises(NotAllowed, match="kecamatan"):
        run(s, Action.APPROVE, OTHER_CAMAT)
    assert run(s, Action.APPROVE, CAMAT) is PostStatus.REVIEW_DISKOMINFO
    s = state(PostStatus.REVIEW_DISKOMINFO, "program")
    with pytest.raises(NotAllowed, match="Diskominfo"):
        run(s, Action.APPROVE, CAMAT)
    assert run(s, Action.APPROVE, KOMINFO) is PostStatus.APPROVED
    later = state(PostStatus.REVIEW_DISKOMINFO, "program", scheduled_at=NOW + timedelta(days=1))
    assert run(later, Action.APPROVE, KOMINFO) is PostStatus.SCHEDULED


def test_informasi_needs_only_the_kecamatan() -> None:
    assert run(state(PostStatus.REVIEW_KECAMATAN), Action.APPROVE, CAMAT) is PostStatus.APPROVED


def test_return_needs_a_note_and_goes_back_to_the_author() -> None:
    s = state(PostStatus.REVIEW_KECAMATAN)
    with pytest.raises(NotAllowed, match="catatan"):
        run(s, Action.RETURN, CAMAT)
    assert run(s, Action.RETURN, CAMAT, "tambahkan jam") is PostStatus.RETURNED
    assert run(state(PostStatus.RETURNED), Action.SUBMIT, LURAH) is PostStatus.REVIEW_KECAMATAN


def test_no_self_approval() -> None:
    s = PostState(PostStatus.REVIEW_DISKOMINFO, KEL, "program", "operator")
    with pytest.raises(NotAllowed, match="sendiri"):
        decide(s, Action.APPROVE, KOMINFO, policy_for(KEL, "program", DEFAULT_POLICIES), now=NOW)
    assert (
        decide(
            s, Action.APPROVE, KOMINFO2, policy_for(KEL, "program", DEFAULT_POLICIES), now=NOW
        ).status
        is PostStatus.APPROVED
    )


def test_admins_write_only_for_their_own_accounts() -> None:
    assert can_author(LURAH, KEL) and not can_author(LURAH, OTHER_KEL)
    assert can_author(CAMAT, KEL) and not can_author(OTHER_CAMAT, KEL)
    assert not can_author(VIEWER, KEL) and can_author(KOMINFO, OTHER_KEL)
    with pytest.raises(NotAllowed, match="sendiri"):
        decide(
            PostState(PostStatus.DRAFT, OTHER_KEL, "informasi", "x"),
            Action.SUBMIT,
            LURAH,
            Policy(()),
            now=NOW,
        )


def test_blockers_stop_submission_and_approval() -> None:
    with pytest.raises(NotAllowed, match="menghalangi"):
        decide(
            state(PostStatus.DRAFT), Action.SUBMIT, LURAH, Policy(()), now=NOW, has_blockers=True
        )


def test_editing_an_approved_post_needs_approval_again() -> None:
    assert run(state(PostStatus.APPROVED), Action.EDIT, LURAH) is PostStatus.DRAFT
    assert (
        run(state(PostStatus.REVIEW_KECAMATAN), Action.EDIT, CAMAT) is PostStatus.REVIEW_KECAMATAN
    )
    with pytest.raises(NotAllowed):
        run(state(PostStatus.REVIEW_KECAMATAN), Action.EDIT, LURAH)


def test_publishing_steps_belong_to_the_system() -> None:
    s = state(PostStatus.SCHEDULED, scheduled_at=NOW)
    with pytest.raises(NotAllowed):
        run(s, Action.QUEUE, LURAH)
    assert run(s, Action.QUEUE, SYSTEM) is PostStatus.PUBLISHING
    assert run(state(PostStatus.PUBLISHING), Action.PUBLISHED, SYSTEM) is PostStatus.PUBLISHED
    assert run(state(PostStatus.APPROVED), Action.PUBLISHED, LURAH) is PostStatus.PUBLISHED


def test_schedule_must_be_in_the_future() -> None:
    with pytest.raises(NotAllowed, match="masa depan"):
        run(
            state(PostStatus.APPROVED, scheduled_at=NOW - timedelta(minutes=1)),
            Action.SCHEDULE,
            LURAH,
        )
    future = state(PostStatus.APPROVED, scheduled_at=NOW + timedelta(hours=1))
    assert run(future, Action.SCHEDULE, LURAH) is PostStatus.SCHEDULED


def test_parse_steps() -> None:
    assert parse_steps(["Kecamatan", "diskominfo"]) == (Step.KECAMATAN, Step.DISKOMINFO)
    for bad in (["lurah"], ["kecamatan", "kecamatan"], ["diskominfo", "kecamatan"]):
        with pytest.raises(ValueError):
            parse_steps(bad)


PEOPLE = [LURAH, CAMAT, OTHER_CAMAT, KOMINFO, KOMINFO2, VIEWER, SYSTEM]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Action)), st.sampled_from(PEOPLE)), min_size=1, max_size=12
    ),
    st.sampled_from(["informasi", "program"]),
)
def test_no_path_publishes_without_the_policy_steps(
    steps: list[tuple[Action, Person]], kind: str
) -> None:
    """Whatever happens, a post reaches approved only after every step of its policy approved
    it in the same round, and never approved by its author."""
    policy = policy_for(KEL, kind, DEFAULT_POLICIES)
    current = PostState(PostStatus.DRAFT, KEL, kind, "lurah.tg")
    approved_by: list[Step] = []
    for action, who in steps:
        try:
            outcome = decide(current, action, who, policy, now=NOW, note="catatan")
        except NotAllowed:
            continue
        if action is Action.APPROVE:
            assert who.name != "lurah.tg"
            approved_by.append(
                Step.KECAMATAN if current.status is PostStatus.REVIEW_KECAMATAN else Step.DISKOMINFO
            )
        if outcome.status in (PostStatus.DRAFT, PostStatus.RETURNED):
            approved_by = []
        if outcome.status is PostStatus.APPROVED and current.status in (
            PostStatus.REVIEW_KECAMATAN,
            PostStatus.REVIEW_DISKOMINFO,
            PostStatus.DRAFT,
            PostStatus.RETURNED,
        ):
            assert tuple(approved_by) == policy.steps
        current = PostState(outcome.status, KEL, kind, "lurah.tg")


def test_an_operator_works_the_content_of_its_own_city_only() -> None:
    kota = AccountRef(7, OwnerKind.KELURAHAN, "32.71.01.1001", "32.71")
    kab = AccountRef(8, OwnerKind.KELURAHAN, "32.01.01.1001", "32.01")
    kab_ops = Person("ops.kab", Role.DISKOMINFO, Scope(city="32.01"))
    province = Person("ops.jabar", Role.PROVINCE, Scope())
    assert can_author(kab_ops, kab) and can_see(kab_ops, kab)
    assert not can_author(kab_ops, kota) and not can_see(kab_ops, kota)
    assert not can_review(kab_ops, kota, Step.DISKOMINFO)
    assert can_author(province, kota) and can_review(province, kab, Step.DISKOMINFO)
