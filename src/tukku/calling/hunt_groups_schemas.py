"""Wire models of the public Webex Calling hunt group API
(`/v1/telephony/config/...huntGroups`), as `wxc_sdk`'s `HuntGroup` models it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.calling.hunt_groups_rules import Policy
from tukku.core.schemas import CamelModel

CallingLineIdPolicy = Literal["DIRECT_LINE", "LOCATION_NUMBER", "CUSTOM"]
RingPattern = Literal["NORMAL", "LONG_LONG", "SHORT_SHORT_LONG", "SHORT_LONG_SHORT"]


class AgentIn(CamelModel):
    """An agent in a create or update body: a person or workspace ID."""

    id: str = Field(min_length=1, max_length=128)
    weight: int | None = None


class NoAnswerIn(CamelModel):
    next_agent_enabled: bool | None = None
    next_agent_rings: int | None = None
    forward_enabled: bool | None = None
    destination: str | None = Field(default=None, max_length=32)
    number_of_rings: int | None = None
    destination_voicemail_enabled: bool | None = None


class RedirectIn(CamelModel):
    enabled: bool | None = None
    destination: str | None = Field(default=None, max_length=32)
    destination_voicemail_enabled: bool | None = None


class CallPoliciesIn(CamelModel):
    policy: Policy | None = None
    waiting_enabled: bool | None = None
    group_busy_enabled: bool | None = None
    allow_members_to_control_group_busy_enabled: bool | None = None
    no_answer: NoAnswerIn | None = None
    busy_redirect: RedirectIn | None = None
    business_continuity_redirect: RedirectIn | None = None


class AlternateNumberIn(CamelModel):
    phone_number: str | None = None
    ring_pattern: RingPattern | None = None


class AlternateNumberSettingsIn(CamelModel):
    distinctive_ring_enabled: bool | None = None
    alternate_numbers: list[AlternateNumberIn] | None = None


class HuntGroupWrite(CamelModel):
    """Fields a create or an update may set; the rest of the public model is ignored.
    Alternate numbers come as `alternateNumbers` (the hunt group's own field) or inside
    `alternateNumberSettings` (the field `wxc_sdk` shares with call queues)."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    phone_number: str | None = None
    extension: str | None = None
    language_code: str | None = Field(default=None, max_length=16)
    first_name: str | None = Field(default=None, max_length=30)
    last_name: str | None = Field(default=None, max_length=30)
    time_zone: str | None = Field(default=None, max_length=64)
    enabled: bool | None = None
    call_policies: CallPoliciesIn | None = None
    agents: list[AgentIn] | None = None
    alternate_numbers: list[AlternateNumberIn] | None = None
    alternate_number_settings: AlternateNumberSettingsIn | None = None
    distinctive_ring: bool | None = None
    hunt_group_caller_id_for_outgoing_calls_enabled: bool | None = None


class HuntGroupCreate(HuntGroupWrite):
    name: str = Field(min_length=1, max_length=80)
    agents: list[AgentIn] = Field(default_factory=list)


class HuntGroupCreated(CamelModel):
    id: str


class IdAndName(CamelModel):
    id: str
    name: str


class AgentOut(CamelModel):
    id: str
    type: str
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    extension: str | None = None
    weight: str | None = None
    location: IdAndName | None = None


class NoAnswerOut(CamelModel):
    next_agent_enabled: bool
    next_agent_rings: int
    forward_enabled: bool
    destination: str | None = None
    number_of_rings: int
    system_max_number_of_rings: int
    destination_voicemail_enabled: bool


class RedirectOut(CamelModel):
    enabled: bool
    destination: str | None = None
    destination_voicemail_enabled: bool


class CallPoliciesOut(CamelModel):
    policy: str
    waiting_enabled: bool
    group_busy_enabled: bool
    allow_members_to_control_group_busy_enabled: bool
    no_answer: NoAnswerOut
    busy_redirect: RedirectOut
    business_continuity_redirect: RedirectOut


class AlternateNumberOut(CamelModel):
    phone_number: str
    ring_pattern: str
    toll_free_number: bool = False


class AlternateNumberSettingsOut(CamelModel):
    distinctive_ring_enabled: bool
    alternate_numbers: list[AlternateNumberOut]


class HuntGroupOut(CamelModel):
    """`GET .../huntGroups/{huntGroupId}`: the details of one hunt group."""

    id: str
    name: str
    enabled: bool
    phone_number: str | None = None
    extension: str | None = None
    toll_free_number: bool = False
    language_code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    time_zone: str | None = None
    alternate_numbers: list[AlternateNumberOut]
    alternate_number_settings: AlternateNumberSettingsOut
    call_policies: CallPoliciesOut
    agents: list[AgentOut]
    hunt_group_caller_id_for_outgoing_calls_enabled: bool


class HuntGroupListItem(CamelModel):
    """One hunt group in `GET /telephony/config/huntGroups`."""

    id: str
    name: str
    location_name: str
    location_id: str
    phone_number: str | None = None
    extension: str | None = None
    enabled: bool
    toll_free_number: bool = False


class HuntGroupPage(CamelModel):
    hunt_groups: list[HuntGroupListItem]
