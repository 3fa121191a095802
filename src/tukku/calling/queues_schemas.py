"""Wire models of the public Webex Calling call queue API (`/v1/telephony/config/...queues`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tukku.calling.queues_rules import Policy
from tukku.core.schemas import CamelModel

CallingLineIdPolicy = Literal["DIRECT_LINE", "LOCATION_NUMBER", "CUSTOM"]
RoutingType = Literal["PRIORITY_BASED", "SKILL_BASED"]


class AgentIn(CamelModel):
    """An agent in a create or update body: a person, workspace or virtual line ID."""

    id: str = Field(min_length=1, max_length=128)
    weight: int | None = None
    skill_level: int | None = Field(default=None, ge=1, le=20)
    join_enabled: bool | None = None


class CallPoliciesIn(CamelModel):
    routing_type: RoutingType | None = None
    policy: Policy | None = None


class QueueSettingsIn(CamelModel):
    queue_size: int | None = Field(default=None, ge=0, le=250)


class QueueWrite(CamelModel):
    """Fields a create or an update may set; the rest of the public model is ignored."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    phone_number: str | None = None
    extension: str | None = None
    language_code: str | None = Field(default=None, max_length=16)
    first_name: str | None = Field(default=None, max_length=30)
    last_name: str | None = Field(default=None, max_length=30)
    time_zone: str | None = Field(default=None, max_length=64)
    calling_line_id_policy: CallingLineIdPolicy | None = None
    calling_line_id_phone_number: str | None = None
    call_policies: CallPoliciesIn | None = None
    queue_settings: QueueSettingsIn | None = None
    agents: list[AgentIn] | None = None
    enabled: bool | None = None
    allow_call_waiting_for_agents_enabled: bool | None = None
    allow_agent_join_enabled: bool | None = None
    phone_number_for_outgoing_calls_enabled: bool | None = None
    has_cx_essentials: bool | None = None


class QueueCreate(QueueWrite):
    name: str = Field(min_length=1, max_length=80)
    queue_settings: QueueSettingsIn
    agents: list[AgentIn] = Field(default_factory=list)


class QueueCreated(CamelModel):
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
    skill_level: int | None = None
    join_enabled: bool
    has_cx_essentials: bool
    location: IdAndName | None = None


class CallBounceOut(CamelModel):
    call_bounce_enabled: bool = True
    call_bounce_max_rings: int = 8
    agent_unavailable_enabled: bool = False
    alert_agent_enabled: bool = False
    alert_agent_max_seconds: int = 30
    call_bounce_on_hold_enabled: bool = False
    call_bounce_on_hold_max_seconds: int = 60


class DistinctiveRingOut(CamelModel):
    enabled: bool = True
    ring_pattern: str = "NORMAL"


class CallPoliciesOut(CamelModel):
    routing_type: str
    policy: str
    call_bounce: CallBounceOut = Field(default_factory=CallBounceOut)
    distinctive_ring: DistinctiveRingOut = Field(default_factory=DistinctiveRingOut)


class OverflowOut(CamelModel):
    action: str = "PERFORM_BUSY_TREATMENT"
    send_to_voicemail: bool = False
    is_transfer_number_set: bool = False
    overflow_after_wait_enabled: bool = False
    overflow_after_wait_time: int = 30
    play_overflow_greeting_enabled: bool = False
    greeting: str = "DEFAULT"


class QueueSettingsOut(CamelModel):
    queue_size: int
    call_offer_tone_enabled: bool = True
    reset_call_statistics_enabled: bool = False
    overflow: OverflowOut = Field(default_factory=OverflowOut)


class AlternateNumberSettingsOut(CamelModel):
    distinctive_ring_enabled: bool = True
    alternate_numbers: list[dict[str, str]] = Field(default_factory=list)


class QueueOut(CamelModel):
    """`GET .../queues/{queueId}`: the details of one queue."""

    id: str
    name: str
    enabled: bool
    has_cx_essentials: bool
    language_code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    time_zone: str | None = None
    phone_number: str | None = None
    extension: str | None = None
    toll_free_number: bool = False
    calling_line_id_policy: str
    calling_line_id_phone_number: str | None = None
    alternate_number_settings: AlternateNumberSettingsOut = Field(
        default_factory=AlternateNumberSettingsOut
    )
    call_policies: CallPoliciesOut
    queue_settings: QueueSettingsOut
    allow_call_waiting_for_agents_enabled: bool
    agents: list[AgentOut]
    allow_agent_join_enabled: bool
    phone_number_for_outgoing_calls_enabled: bool


class QueueListItem(CamelModel):
    """One queue in `GET /telephony/config/queues`."""

    id: str
    name: str
    location_name: str
    location_id: str
    phone_number: str | None = None
    extension: str | None = None
    enabled: bool
    toll_free_number: bool = False
    has_cx_essentials: bool


class QueuePage(CamelModel):
    queues: list[QueueListItem]
