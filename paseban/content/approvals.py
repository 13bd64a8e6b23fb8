"""The approval flow: kelurahan drafts -> kecamatan review -> Diskominfo approval, where the
policy (data, per account and content type) asks for it. Who may do what, and the history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from paseban.domain.accounts import OPERATORS, OwnerKind, Role, Scope


class PostStatus(StrEnum):
    DRAFT = "draft"
    REVIEW_KECAMATAN = "review_kecamatan"
    REVIEW_DISKOMINFO = "review_diskominfo"
    RETURNED = "returned"  # sent back with a note
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"  # handed to the outbox
    PUBLISHED = "published"
    # sent to the creator's inbox on the platform as a draft (TikTok's MEDIA_UPLOAD): not public
    # until the admin finishes it in the app and marks it published here
    IN_INBOX = "inbox"
    FAILED = "failed"  # the outbox gave up
    CANCELLED = "cancelled"


STATUS_LABELS: dict[PostStatus, str] = {
    PostStatus.DRAFT: "Konsep",
    PostStatus.REVIEW_KECAMATAN: "Tinjauan kecamatan",
    PostStatus.REVIEW_DISKOMINFO: "Persetujuan Diskominfo",
    PostStatus.RETURNED: "Dikembalikan",
    PostStatus.APPROVED: "Disetujui",
    PostStatus.SCHEDULED: "Terjadwal",
    PostStatus.PUBLISHING: "Sedang dikirim",
    PostStatus.PUBLISHED: "Terbit",
    PostStatus.IN_INBOX: "Menunggu di kotak masuk TikTok",
    PostStatus.FAILED: "Gagal terbit",
    PostStatus.CANCELLED: "Dibatalkan",
}


class Step(StrEnum):
    KECAMATAN = "kecamatan"
    DISKOMINFO = "diskominfo"


STEP_STATUS = {
    Step.KECAMATAN: PostStatus.REVIEW_KECAMATAN,
    Step.DISKOMINFO: PostStatus.REVIEW_DISKOMINFO,
}
EDITABLE = frozenset({PostStatus.DRAFT, PostStatus.RETURNED})
IN_REVIEW = frozenset(STEP_STATUS.values())
# editing these sends the post back to the author's desk for a new approval
RE_APPROVE = frozenset({PostStatus.APPROVED, PostStatus.SCHEDULED})
TERMINAL = frozenset({PostStatus.PUBLISHED, PostStatus.CANCELLED})


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    QUEUE = "queue"  # the publishing job wrote the outbox row
    PUBLISHED = "published"  # the post is live (outbox sent, or the admin posted it by hand)
    TO_INBOX = "to_inbox"  # the outbox left it as a draft in the creator's inbox on the platform
    FAIL = "fail"
    CANCEL = "cancel"
    COMMENT = "comment"


ACTION_LABELS = {
    Action.CREATE: "membuat konsep",
    Action.EDIT: "mengubah",
    Action.SUBMIT: "mengajukan",
    Action.APPROVE: "menyetujui",
    Action.RETURN: "mengembalikan",
    Action.SCHEDULE: "menjadwalkan",
    Action.UNSCHEDULE: "membatalkan jadwal",
    Action.QUEUE: "mengirim ke antrean terbit",
    Action.PUBLISHED: "menandai terbit",
    Action.TO_INBOX: "mengirim ke kotak masuk TikTok",
    Action.FAIL: "gagal menerbitkan",
    Action.CANCEL: "membatalkan",
    Action.COMMENT: "berkomentar",
}


# what only the publishing job does: (from, to)
SYSTEM_STEPS = {
    Action.QUEUE: (PostStatus.SCHEDULED, PostStatus.PUBLISHING),
    Action.FAIL: (PostStatus.PUBLISHING, PostStatus.FAILED),
    Action.TO_INBOX: (PostStatus.PUBLISHING, PostStatus.IN_INBOX),
}
HAND_PUBLISHABLE = frozenset(
    {PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.IN_INBOX}
)


class Who(Protocol):
    """Anyone acting: a signed-in user, an API token, or the system."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> Role: ...

    @property
    def scope(self) -> Scope: ...


@dataclass(frozen=True)
class Person:
    name: str
    role: Role
    scope: Scope


SYSTEM = Person("sistem", Role.DISKOMINFO, Scope())


@dataclass(frozen=True)
class AccountRef:
    id: int
    owner_kind: OwnerKind
    owner_code: str
    city: str | None = None  # the account's kota/kabupaten (None: not known, any)

    @property
    def wilayah(self) -> str | None:
        return None if self.owner_kind is OwnerKind.OPD else self.owner_code


class NotAllowed(Exception):
    """The action is not possible now, or not for this person (message in Bahasa Indonesia)."""


# --- policy --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    steps: tuple[Step, ...]
    owner_kind: OwnerKind | None = None
    account_id: int | None = None
    content_type: str | None = None
    id: int | None = None

    @property
    def specificity(self) -> int:
        return (
            (4 if self.account_id is not None else 0)
            + (2 if self.owner_kind is not None else 0)
            + (1 if self.content_type is not None else 0)
        )

    def applies(self, account: AccountRef, content_type: str) -> bool:
        return (
            (self.account_id is None or self.account_id == account.id)
            and (self.owner_kind is None or self.owner_kind is account.owner_kind)
            and (self.content_type is None or self.content_type == content_type)
        )

    @property
    def label(self) -> str:
        if not self.steps:
            return "langsung disetujui (tanpa tinjauan)"
        names = {Step.KECAMATAN: "tinjauan kecamatan", Step.DISKOMINFO: "persetujuan Diskominfo"}
        return " lalu ".join(names[s] for s in self.steps)


# Defaults seeded into the database (staff change them there): a kelurahan's posts pass the
# kecamatan; anything about a priority program or a campaign also passes Diskominfo; the city
# account's posts pass a second Diskominfo operator.
DEFAULT_POLICIES: tuple[Policy, ...] = (
    Policy((Step.KECAMATAN,), owner_kind=OwnerKind.KELURAHAN),
    Policy(
        (Step.KECAMATAN, Step.DISKOMINFO), owner_kind=OwnerKind.KELURAHAN, content_type="program"
    ),
    Policy(
        (Step.KECAMATAN, Step.DISKOMINFO), owner_kind=OwnerKind.KELURAHAN, content_type="kampanye"
    ),
    Policy((), owner_kind=OwnerKind.KECAMATAN),
    Policy((Step.DISKOMINFO,), owner_kind=OwnerKind.KECAMATAN, content_type="program"),
    Policy((Step.DISKOMINFO,), owner_kind=OwnerKind.CITY),
    Policy((Step.DISKOMINFO,), owner_kind=OwnerKind.OPD),
)


def policy_for(account: AccountRef, content_type: str, policies: Iterable[Policy]) -> Policy:
    """The most specific policy that applies (account > owner kind > content type); with none,
    posts need no review."""
    matching = [p for p in policies if p.applies(account, content_type)]
    if not matching:
        return Policy(())
    return max(matching, key=lambda p: p.specificity)


def parse_steps(values: Sequence[str]) -> tuple[Step, ...]:
    steps: list[Step] = []
    for raw in values:
        try:
            step = Step(raw.strip().lower())
        except ValueError:
            raise ValueError(
                f"langkah persetujuan {raw!r} tidak dikenal (kecamatan, diskominfo)"
            ) from None
        if step in steps:
            raise ValueError(f"langkah {step.value} tertulis dua kali")
        steps.append(step)
    if steps == [Step.DISKOMINFO, Step.KECAMATAN]:
        raise ValueError("kecamatan meninjau sebelum Diskominfo, bukan sesudahnya")
    return tuple(steps)


# --- who may do what ----------------------------------------------------------------------------


def can_author(who: Who, account: AccountRef) -> bool:
    """Write drafts for an account: Diskominfo everywhere in its city (the province role in
    every city); an admin for the accounts of their own wilayah (a kecamatan admin also for its
    kelurahan); an OPD officer for the OPD's account."""
    if who.role in OPERATORS:
        return account.city is None or who.scope.covers_city(account.city)
    if who.role in (Role.KELURAHAN_ADMIN, Role.KECAMATAN_ADMIN):
        return account.wilayah is not None and who.scope.covers_wilayah(account.wilayah)
    if who.role is Role.OPD_OFFICER:
        return account.owner_kind is OwnerKind.OPD and who.scope.opd == account.owner_code
    return False


def can_see(who: Who, account: AccountRef) -> bool:
    if who.scope.is_city:
        return account.city is None or who.scope.covers_city(account.city)
    if who.scope.opd is not None:
        return account.owner_kind is OwnerKind.OPD and who.scope.opd == account.owner_code
    return account.wilayah is not None and who.scope.covers_wilayah(account.wilayah)


def can_review(who: Who, account: AccountRef, step: Step) -> bool:
    if who.role in OPERATORS:  # the Diskominfo step, or any step, in the operator's city
        return account.city is None or who.scope.covers_city(account.city)
    if step is Step.DISKOMINFO:
        return False
    return (
        who.role is Role.KECAMATAN_ADMIN
        and account.wilayah is not None
        and who.scope.covers_wilayah(account.wilayah)
    )


@dataclass(frozen=True)
class PostState:
    status: PostStatus
    account: AccountRef
    content_type: str
    created_by: str
    scheduled_at: datetime | None = None
    approvals: tuple[str, ...] = ()  # who approved in this round, in order


@dataclass(frozen=True)
class Outcome:
    status: PostStatus
    note: str = ""


def current_step(state: PostState) -> Step | None:
    for step, status in STEP_STATUS.items():
        if state.status is status:
            return step
    return None


def _after_approval(state: PostState, remaining: Sequence[Step]) -> PostStatus:
    if remaining:
        return STEP_STATUS[remaining[0]]
    return PostStatus.SCHEDULED if state.scheduled_at else PostStatus.APPROVED


def decide(
    state: PostState,
    action: Action,
    who: Who,
    policy: Policy,
    *,
    now: datetime,
    has_blockers: bool = False,
    note: str = "",
    blockers: Sequence[str] = (),
) -> Outcome:
    """The status after `action`, or NotAllowed with the reason. Nobody approves their own post.
    `blockers` are the checker's blocking problems in words, said in the refusal."""
    said = f": {' '.join(blockers)}" if blockers else " (lihat pemeriksa kualitas)"
    has_blockers = has_blockers or bool(blockers)
    status, account = state.status, state.account
    if action is Action.COMMENT:
        if not (can_see(who, account)):
            raise NotAllowed("Anda tidak berwenang atas akun ini")
        if not note.strip():
            raise NotAllowed("komentar kosong")
        return Outcome(status)
    if action in SYSTEM_STEPS:
        if who is not SYSTEM and who.role not in OPERATORS:
            raise NotAllowed("hanya sistem penerbitan yang mengubah status ini")
        before, after = SYSTEM_STEPS[action]
        if status is not before:
            raise NotAllowed(f"status {STATUS_LABELS[status]} tidak bisa {ACTION_LABELS[action]}")
        return Outcome(after)
    if action is Action.EDIT:
        step = current_step(state)
        if status in EDITABLE or status in RE_APPROVE:
            if not can_author(who, account):
                raise NotAllowed("Anda hanya dapat mengubah konten akun Anda sendiri")
            if status in RE_APPROVE and policy.steps:
                return Outcome(PostStatus.DRAFT, "diubah setelah disetujui: perlu diajukan lagi")
            return Outcome(status)
        if step is not None and can_review(who, account, step):
            return Outcome(status)  # a reviewer's small fix, kept in the history
        raise NotAllowed(f"konten berstatus {STATUS_LABELS[status]} tidak dapat diubah")
    if action is Action.SUBMIT:
        if status not in EDITABLE:
            raise NotAllowed(f"hanya konsep yang bisa diajukan (sekarang: {STATUS_LABELS[status]})")
        if not can_author(who, account):
            raise NotAllowed("Anda hanya dapat mengajukan konten akun Anda sendiri")
        if has_blockers:
            raise NotAllowed(f"perbaiki dulu masalah yang menghalangi{said}")
        if state.scheduled_at and state.scheduled_at <= now:
            raise NotAllowed("jadwal terbit sudah lewat; pilih waktu lain")
        return Outcome(_after_approval(state, policy.steps), policy.label)
    if action is Action.APPROVE or action is Action.RETURN:
        step = current_step(state)
        if step is None:
            raise NotAllowed(f"konten berstatus {STATUS_LABELS[status]} tidak sedang ditinjau")
        if not can_review(who, account, step):
            raise NotAllowed(
                "hanya admin kecamatan wilayah ini atau Diskominfo yang meninjau"
                if step is Step.KECAMATAN
                else "hanya operator Diskominfo yang menyetujui tahap ini"
            )
        if action is Action.RETURN:
            if not note.strip():
                raise NotAllowed("tuliskan catatan perbaikan untuk penulis")
            return Outcome(PostStatus.RETURNED, note)
        if who.name == state.created_by:
            raise NotAllowed("tidak boleh menyetujui konten buatan sendiri")
        if has_blockers:
            raise NotAllowed(f"kembalikan ke penulis: masih ada masalah yang menghalangi{said}")
        steps = list(policy.steps)
        remaining = steps[steps.index(step) + 1 :] if step in steps else []
        if state.scheduled_at and state.scheduled_at <= now and not remaining:
            return Outcome(PostStatus.APPROVED, "jadwal sudah lewat: jadwalkan ulang")
        return Outcome(_after_approval(state, remaining))
    if action is Action.SCHEDULE:
        if status not in (PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.FAILED):
            raise NotAllowed("hanya konten yang sudah disetujui yang bisa dijadwalkan")
        if not can_author(who, account):
            raise NotAllowed("Anda hanya dapat menjadwalkan konten akun Anda sendiri")
        if state.scheduled_at is None or state.scheduled_at <= now:
            raise NotAllowed("waktu terbit harus di masa depan")
        return Outcome(PostStatus.SCHEDULED)
    if action is Action.UNSCHEDULE:
        if status is not PostStatus.SCHEDULED:
            raise NotAllowed("konten ini tidak sedang terjadwal")
        if not can_author(who, account):
            raise NotAllowed("Anda hanya dapat mengubah jadwal akun Anda sendiri")
        return Outcome(PostStatus.APPROVED)
    if action is Action.PUBLISHED:
        if who is SYSTEM:
            if status is not PostStatus.PUBLISHING:
                raise NotAllowed("konten ini tidak sedang dikirim")
            return Outcome(PostStatus.PUBLISHED)
        # posted by hand (from the phone, or finished from the platform's inbox): once approved
        if status not in HAND_PUBLISHABLE:
            raise NotAllowed("hanya konten yang sudah disetujui yang bisa ditandai terbit")
        if not can_author(who, account):
            raise NotAllowed("Anda hanya dapat menandai konten akun Anda sendiri")
        return Outcome(PostStatus.PUBLISHED)
    if action is Action.CANCEL:
        if status in TERMINAL or status is PostStatus.PUBLISHING:
            raise NotAllowed(f"konten berstatus {STATUS_LABELS[status]} tidak bisa dibatalkan")
        if not (can_author(who, account) or who.role in OPERATORS):
            raise NotAllowed("Anda hanya dapat membatalkan konten akun Anda sendiri")
        return Outcome(PostStatus.CANCELLED, note)
    raise NotAllowed(f"tindakan {action.value} tidak dikenal")
