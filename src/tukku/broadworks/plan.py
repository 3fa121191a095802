"""The plan of a migration, with no side effects: an extract and a partner configuration become
the ordered public-API requests that will create the enterprise on tukku, and the findings of
the report (what changes to fit, what does not move and why, what users will notice).

A request refers to what an earlier operation creates with `{{<operation id>}}` (its `id`) or
`{{<operation id>#<field>}}` (another field of its answer: a customer's `orgId` and
`locationId`, a subscriber's `personId`); the operation depends on the ones it refers to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from tukku.broadworks.config import Config
from tukku.broadworks.extract import (
    AccessDevice,
    CallCenter,
    Extract,
    Group,
    HuntGroup,
    StreetAddress,
    User,
    group_country_code,
)
from tukku.broadworks.numbers import expand, is_range, seconds_to_rings, to_e164
from tukku.broadworks.problems import Problem
from tukku.broadworks.rules import (
    QUEUE_AGENT_PACKAGES,
    ExtensionClaim,
    choose_email,
    choose_package,
    customer_packages,
    resolve_extensions,
    weights_to_100,
)

PLAN_FORMAT = "tukku-bw-plan/1"
PHASES = ("customer", "locations", "numbers", "users", "features", "devices")
Category = Literal["changed", "not_moved", "blocked", "warning", "notice"]
REF = re.compile(r"\{\{([^}#]+)(?:#[A-Za-z]+)?\}\}")
QUEUE_SIZE_MAX = 250

# What no BroadWorks migration moves (notes §1.2, §1.5), and what users notice of it.
NEVER_MOVED = (
    "Call and message history",
    "Personal key-line settings and speed dials",
    "Passwords and voice portal access codes (users set new ones at first sign-in)",
    "Voicemail messages and greetings, custom announcements and audio files",
    "Device custom tags and DMS custom files",
)
USER_NOTICES = (
    "Call and message history start empty.",
    "Speed dials and personal key settings have to be set again.",
    "Everyone chooses a new password and voicemail PIN at first sign-in.",
)


@dataclass(frozen=True)
class Operation:
    """One API request of the plan, with the source object it comes from."""

    id: str
    phase: str
    kind: str
    source: dict[str, str]
    method: str
    path: str
    body: dict[str, Any]
    title: str
    depends_on: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Operation:
        """An operation as plan.json holds it (to_json's inverse)."""
        request = data["request"]
        return cls(
            data["id"],
            data["phase"],
            data["kind"],
            data["source"],
            request["method"],
            request["path"],
            request["body"],
            data["title"],
            tuple(data["dependsOn"]),
        )

    def to_json(self) -> dict[str, Any]:
        """The operation as plan.json holds it."""
        return {
            "id": self.id,
            "phase": self.phase,
            "kind": self.kind,
            "title": self.title,
            "source": self.source,
            "request": {"method": self.method, "path": self.path, "body": self.body},
            "dependsOn": list(self.depends_on),
        }


@dataclass(frozen=True)
class Finding:
    """A line of the report about one source object."""

    category: Category
    subject: str
    detail: str


@dataclass
class Plan:
    """The operations in the order they run, and the report's findings."""

    service_provider_id: str
    operations: list[Operation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Whether nothing blocks the migration (a blocked object must be fixed first)."""
        return not any(f.category == "blocked" for f in self.findings)

    def operation(self, op_id: str) -> Operation:
        """The operation with that id (KeyError if none)."""
        return next(op for op in self.operations if op.id == op_id)

    def to_json(self) -> dict[str, Any]:
        """plan.json."""
        return {
            "format": PLAN_FORMAT,
            "serviceProviderId": self.service_provider_id,
            "ready": self.ready,
            "summary": {p: sum(op.phase == p for op in self.operations) for p in PHASES},
            "operations": [op.to_json() for op in self.operations],
            "findings": [
                {"category": f.category, "subject": f.subject, "detail": f.detail}
                for f in self.findings
            ],
        }


def ref(op_id: str, attribute: str | None = None) -> str:
    """A value an earlier operation's answer will supply."""
    return f"{{{{{op_id}#{attribute}}}}}" if attribute else f"{{{{{op_id}}}}}"


def check_config(extract: Extract, config: Config) -> list[Problem]:
    """Configuration entries that name groups the extract does not have."""
    groups = {g.group_id for g in extract.groups}
    problems = [
        Problem(f"$.locations.{name}", f"no group {name!r} in the extract")
        for name in config.locations
        if name not in groups
    ]
    if config.headquarters_group and config.headquarters_group not in groups:
        problems.append(
            Problem(
                "$.headquarters_group", f"no group {config.headquarters_group!r} in the extract"
            )
        )
    return problems


@dataclass
class _UserPlan:
    user: User
    group: Group
    email: str | None
    package: str
    number: str | None
    extension: str | None
    planned: bool


class _Planner:
    """Builds one plan; each method adds the operations and findings of one phase."""

    def __init__(self, extract: Extract, config: Config) -> None:
        self.x = extract
        self.c = config
        self.plan = Plan(extract.service_provider.service_provider_id)
        hq_id = config.headquarters_group or extract.groups[0].group_id
        self.hq = next(g for g in extract.groups if g.group_id == hq_id)
        self.groups = [self.hq, *(g for g in extract.groups if g is not self.hq)]
        self.users: dict[str, _UserPlan] = {}
        self.features: dict[str, tuple[str | None, bool]] = {}
        self.numbers_op: dict[str, str] = {}
        self.dn_owner: dict[str, tuple[str | None, bool]] = {}

    def add(self, op: Operation) -> None:
        refs = REF.findall(f"{op.path} {op.body}")
        depends = tuple(dict.fromkeys([*refs, *op.depends_on]))
        self.plan.operations.append(
            Operation(
                op.id, op.phase, op.kind, op.source, op.method, op.path, op.body, op.title, depends
            )
        )

    def note(self, category: Category, subject: str, detail: str) -> None:
        self.plan.findings.append(Finding(category, subject, detail))

    def country(self, group: Group) -> str | None:
        return group_country_code(group) or self.c.default_country_code

    def location_ref(self, group: Group) -> str:
        return (
            ref("customer", "locationId") if group is self.hq else ref(f"location/{group.group_id}")
        )

    def org_query(self) -> str:
        return f"?orgId={ref('customer', 'orgId')}"

    # -- decisions before any operation ------------------------------------------------------

    def decide_users(self) -> None:
        packs = self.x.service_provider.service_packs
        for group in self.groups:
            for user in group.users:
                subject = f"user {user.user_id}"
                email = choose_email(user, self.c)
                choice = choose_package(user, packs, self.c.package_rules)
                number = None
                if user.phone_number:
                    number = to_e164(user.phone_number, user.country_code, user.national_prefix)
                    if number != user.phone_number:
                        self.note("changed", subject, f"number {user.phone_number} → {number}")
                if email.outcome == "blocked":
                    self.note(
                        "blocked",
                        subject,
                        "no e-mail address and email_strategy is require: add one in BroadWorks "
                        "and extract again, or choose synthesize:<domain> or skip-user",
                    )
                elif email.outcome == "skipped":
                    self.note("not_moved", subject, "no e-mail address (email_strategy skip-user)")
                elif email.outcome == "synthesized":
                    self.note(
                        "changed",
                        subject,
                        f"no e-mail address: signs in as {email.email} (made up, no inbox)",
                    )
                self.users[user.user_id] = _UserPlan(
                    user,
                    group,
                    email.email,
                    choice.package,
                    number,
                    user.extension,
                    email.outcome in ("kept", "synthesized"),
                )
                if email.outcome != "skipped":
                    self.note("notice", subject, f"package {choice.package}: {choice.reason}")

    def decide_extensions(self) -> None:
        claims: list[ExtensionClaim] = []
        for index, group in enumerate(self.groups, start=1):
            for u in (p for p in self.users.values() if p.group is group and p.planned):
                if u.extension:
                    claims.append(
                        ExtensionClaim(
                            f"user {u.user.user_id}",
                            group.group_id,
                            index,
                            u.extension,
                            u.number is not None,
                        )
                    )
            features: list[HuntGroup | CallCenter] = [*group.hunt_groups, *group.call_centers]
            for feature in features:
                profile = feature.service_instance_profile
                if profile.extension:
                    claims.append(
                        ExtensionClaim(
                            f"{_feature_word(feature)} {feature.service_user_id}",
                            group.group_id,
                            index,
                            profile.extension,
                            profile.phone_number is not None,
                        )
                    )
        outcomes = resolve_extensions(
            claims, self.c.extension_conflict_strategy, self.c.extension_scope
        )
        for owner, outcome in outcomes.items():
            if outcome.note:
                self.note("blocked" if outcome.blocked else "changed", owner, outcome.note)
            if outcome.note and not outcome.blocked:
                was = _original(owner, claims)
                now = f"extension {outcome.extension}" if outcome.extension else "no extension"
                self.note("notice", owner, f"was extension {was}, now {now}")
            kind, _, source_id = owner.rpartition(" ")
            if kind == "user":
                plan = self.users[source_id]
                plan.extension = outcome.extension
                plan.planned = plan.planned and not outcome.blocked
            else:
                self.features[source_id] = (outcome.extension, outcome.blocked)

    # -- phases ------------------------------------------------------------------------------

    def customer(self) -> None:
        sp = self.x.service_provider
        # A user blocked under `require` will move once fixed: the customer gets that package now.
        used = [
            u.package
            for u in self.users.values()
            if u.planned or (u.email is None and self.c.email_strategy == "require")
        ]
        packages, added = customer_packages(list(self.c.default_packages), used)
        for package in added:
            self.note("changed", "customer", f"{package} added: another package needs it")
        email = sp.support_email or self.c.customer_primary_email
        if email is None:
            self.note(
                "blocked",
                "customer",
                "no supportEmail in the extract and no customer_primary_email in the config",
            )
        location: dict[str, Any] = {
            "name": self.hq.group_name,
            "address": _wholesale_address(self.hq.address),
            "timezone": self.hq.time_zone,
            "language": self.c.default_language,
        }
        elin = self._setting(self.hq, "emergency_location_identifier")
        if elin:
            location["emergencyLocationIdentifier"] = elin
        body: dict[str, Any] = {
            "provisioningId": self.c.provisioning_id,
            "packages": packages,
            "externalId": sp.service_provider_external_id or sp.service_provider_id,
            "address": _wholesale_address(sp.address),
            "customerInfo": {
                "name": sp.service_provider_name,
                "primaryEmail": email or "",
                "language": self.c.default_language.split("_")[0],
            },
            "provisioningParameters": {"calling": {"location": location}},
        }
        if self.c.sub_partner_admin_email:
            body["subPartnerAdminEmail"] = self.c.sub_partner_admin_email
        self.add(
            Operation(
                "customer",
                "customer",
                "customer",
                {"type": "serviceProvider", "id": sp.service_provider_id},
                "POST",
                "/v1/wholesale/customers",
                body,
                f"customer {sp.service_provider_name} with location {self.hq.group_name}",
            )
        )

    def locations(self) -> None:
        for group in self.groups[1:]:
            a = group.address
            address = {
                "address1": a.address_line1,
                "address2": a.address_line2,
                "city": a.city,
                "state": a.state_or_province,
                "postalCode": a.zip_or_postal_code,
                "country": a.country,
            }
            body = {
                "name": group.group_name,
                "timeZone": group.time_zone,
                "preferredLanguage": self.c.default_language,
                "announcementLanguage": self.c.default_language,
                "address": {k: v for k, v in address.items() if v is not None},
            }
            source = {"type": "group", "id": group.group_id}
            op_id = f"location/{group.group_id}"
            self.add(
                Operation(
                    op_id,
                    "locations",
                    "location",
                    source,
                    "POST",
                    f"/v1/locations{self.org_query()}",
                    body,
                    f"location {group.group_name}",
                )
            )
            self.add(
                Operation(
                    f"location-calling/{group.group_id}",
                    "locations",
                    "location.enableCalling",
                    source,
                    "POST",
                    f"/v1/telephony/config/locations{self.org_query()}",
                    {"id": ref(op_id), **body},
                    f"Webex Calling enabled at {group.group_name}",
                )
            )

    def numbers(self) -> None:
        assigned: set[str] = set()
        for group in self.groups:
            subject = f"group {group.group_id}"
            country = self.country(group)
            loc = self.location_ref(group)
            pstn = self._setting(group, "pstn_connection_id")
            depends: tuple[str, ...] = ()
            if group is not self.hq:
                depends = (f"location-calling/{group.group_id}",)
            if pstn:
                op_id = f"pstn/{group.group_id}"
                self.add(
                    Operation(
                        op_id,
                        "numbers",
                        "location.pstn",
                        {"type": "group", "id": group.group_id},
                        "PUT",
                        f"/v1/telephony/config/locations/{loc}/connection{self.org_query()}",
                        {"type": self.c.pstn_connection_type, "id": pstn},
                        f"PSTN connection {pstn} at {group.group_name}",
                        depends,
                    )
                )
                depends = (op_id,)
            else:
                self.note("warning", subject, "no pstn_connection_id: set up PSTN by hand")
            states: dict[str, bool] = {}
            reformatted = 0
            for row in group.dn_assignments:
                expanded = expand(row.phone_number, country)
                if is_range(row.phone_number):
                    self.note(
                        "changed",
                        subject,
                        f"range {row.phone_number} expanded to {len(expanded)} numbers",
                    )
                elif expanded[0] != row.phone_number:
                    reformatted += 1
                for number in expanded:
                    states[number] = row.activated
                    self.dn_owner[number] = (row.user_id, row.activated)
            if reformatted:
                self.note("changed", subject, f"{reformatted} numbers written in E.164")
            for number in self._numbers_in_use(group):
                if number not in states:
                    states[number] = True
                    self.note(
                        "changed", subject, f"{number} is in use but not assigned: added to it"
                    )
            assigned |= set(states)
            for state, wanted in (("ACTIVE", True), ("INACTIVE", False)):
                numbers = [n for n, s in states.items() if s is wanted]
                if not numbers:
                    continue
                op_id = f"numbers/{group.group_id}/{state.lower()}"
                if wanted:
                    self.numbers_op[group.group_id] = op_id
                self.add(
                    Operation(
                        op_id,
                        "numbers",
                        "numbers",
                        {"type": "group", "id": group.group_id},
                        "POST",
                        f"/v1/telephony/config/locations/{loc}/numbers{self.org_query()}",
                        {
                            "phoneNumbers": numbers,
                            "numberType": self.c.number_type,
                            "state": state,
                        },
                        f"{len(numbers)} {state.lower()} numbers at {group.group_name}",
                        depends,
                    )
                )
            self._main_number(group, states)
        country = self._enterprise_country()
        for dn in self.x.service_provider.dns:
            left = [n for n in expand(dn, country) if n not in assigned]
            if left:
                self.note(
                    "not_moved",
                    f"number {dn}",
                    f"{len(left)} number(s) not assigned to any group stay behind",
                )

    def _main_number(self, group: Group, states: dict[str, bool]) -> None:
        subject = f"group {group.group_id}"
        main = self._setting(group, "main_number")
        if main is None and group.calling_line_id_phone_number:
            main = to_e164(group.calling_line_id_phone_number, self.country(group))
        if main is None:
            active = [n for n, s in states.items() if s]
            if not active:
                self.note("warning", subject, "no number to be the location's main number")
                return
            main = active[0]
            self.note(
                "warning",
                subject,
                f"no calling line ID number: choose the main number (default: the first, {main})",
            )
        self.add(
            Operation(
                f"main-number/{group.group_id}",
                "numbers",
                "location.mainNumber",
                {"type": "group", "id": group.group_id},
                "PUT",
                f"/v1/telephony/config/locations/{self.location_ref(group)}{self.org_query()}",
                {"callingLineId": {"phoneNumber": main}},
                f"main number {main} at {group.group_name}",
                tuple(op for op in [self.numbers_op.get(group.group_id)] if op),
            )
        )

    def _numbers_in_use(self, group: Group) -> list[str]:
        country = self.country(group)
        found = [u.number for u in self.users.values() if u.group is group and u.number]
        features: list[HuntGroup | CallCenter] = [*group.hunt_groups, *group.call_centers]
        found += [
            to_e164(f.service_instance_profile.phone_number, country)
            for f in features
            if f.service_instance_profile.phone_number
        ]
        return found

    def _enterprise_country(self) -> str | None:
        codes = {u.user.country_code for u in self.users.values()}
        return codes.pop() if len(codes) == 1 else self.c.default_country_code

    def subscribers(self) -> None:
        for plan in self.users.values():
            if not plan.planned or plan.email is None:
                continue
            user = plan.user
            params: dict[str, Any] = {"firstName": user.first_name, "lastName": user.last_name}
            depends: tuple[str, ...] = ()
            if plan.package != "webex_meetings":
                if plan.number:
                    params["primaryPhoneNumber"] = plan.number
                    depends = tuple(op for op in [self.numbers_op.get(plan.group.group_id)] if op)
                if plan.extension:
                    params["extension"] = plan.extension
                params["locationId"] = self.location_ref(plan.group)
            self.add(
                Operation(
                    f"subscriber/{user.user_id}",
                    "users",
                    "subscriber",
                    {"type": "user", "id": user.user_id, "group": plan.group.group_id},
                    "POST",
                    "/v1/wholesale/subscribers",
                    {
                        "customerId": ref("customer"),
                        "email": plan.email,
                        "packages": [plan.package],
                        "provisioningParameters": params,
                    },
                    f"subscriber {plan.email} ({plan.package})",
                    depends,
                )
            )

    def _agents(
        self,
        subject: str,
        agents: list[tuple[str, dict[str, Any]]],
        *,
        weighted: bool = False,
        packages: frozenset[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The agents that move (dangling ones and, for queues, those whose package may not
        answer queues are left out and reported); weighted routing's weights scaled to 100."""
        kept: list[tuple[str, dict[str, Any]]] = []
        for user_id, extra in agents:
            plan = self.users.get(user_id)
            if plan is None or not plan.planned:
                self.note(
                    "warning",
                    subject,
                    f"agent {user_id} is not migrated: left out (dangling agent)",
                )
            elif packages is not None and plan.package not in packages:
                self.note(
                    "warning",
                    subject,
                    f"agent {user_id} gets {plan.package}, which may not answer call queues: "
                    "left out (give the user Call Center service, or a package rule)",
                )
            else:
                kept.append((user_id, extra))
        if weighted:
            before = [extra.get("weight") for _, extra in kept]
            after = weights_to_100(before)
            if before != after:
                self.note(
                    "changed", subject, f"weights {before} → {after} (Webex wants 100 in all)"
                )
            kept = [
                (user_id, {**extra, "weight": w})
                for (user_id, extra), w in zip(kept, after, strict=True)
            ]
        return [
            {"id": ref(f"subscriber/{user_id}", "personId"), **extra} for user_id, extra in kept
        ]

    def hunt_groups(self) -> None:
        for group in self.groups:
            country = self.country(group)
            for hg in group.hunt_groups:
                extension, blocked = self.features.get(hg.service_user_id, (None, False))
                if blocked:
                    continue
                profile = hg.service_instance_profile
                subject = f"hunt group {hg.service_user_id}"
                body: dict[str, Any] = {"name": profile.name, "enabled": True}
                if profile.phone_number:
                    body["phoneNumber"] = to_e164(profile.phone_number, country)
                if extension:
                    body["extension"] = extension
                if profile.calling_line_id_first_name:
                    body["firstName"] = profile.calling_line_id_first_name
                if profile.calling_line_id_last_name:
                    body["lastName"] = profile.calling_line_id_last_name
                no_answer: dict[str, Any] = {
                    "nextAgentEnabled": hg.hunt_after_no_answer,
                    "nextAgentRings": hg.no_answer_number_of_rings,
                    "forwardEnabled": hg.forward_after_timeout,
                    "destinationVoicemailEnabled": False,
                }
                if hg.forward_after_timeout:
                    rings = seconds_to_rings(hg.forward_timeout_seconds, self.c.seconds_per_ring)
                    no_answer["numberOfRings"] = rings
                    self.note(
                        "changed",
                        subject,
                        f"forward after {hg.forward_timeout_seconds} s becomes after {rings} rings "
                        f"(assuming {self.c.seconds_per_ring} s a ring)",
                    )
                    if hg.forward_to_phone_number:
                        destination = to_e164(hg.forward_to_phone_number, country)
                        no_answer["destination"] = destination
                        self._check_destination(subject, destination)
                continuity: dict[str, Any] = {"enabled": hg.enable_not_reachable_forwarding}
                if hg.not_reachable_forward_to_phone_number:
                    continuity["destination"] = to_e164(
                        hg.not_reachable_forward_to_phone_number, country
                    )
                body["callPolicies"] = {
                    "policy": hg.policy.upper(),
                    "waitingEnabled": hg.allow_call_waiting_for_agents,
                    "groupBusyEnabled": hg.enable_group_busy,
                    "allowMembersToControlGroupBusyEnabled": hg.allow_members_to_control_group_busy,
                    "noAnswer": no_answer,
                    "businessContinuityRedirect": continuity,
                }
                weighted = hg.policy == "Weighted"
                body["agents"] = self._agents(
                    subject,
                    [(a.user_id, {"weight": a.weight} if weighted else {}) for a in hg.agents],
                    weighted=weighted,
                )
                self._feature_op(
                    group, "huntGroups", "huntGroup", hg.service_user_id, body, profile.name
                )

    def _check_destination(self, subject: str, destination: str) -> None:
        owner = self.dn_owner.get(destination)
        if owner is not None and owner[0] is None:
            state = "active" if owner[1] else "inactive"
            self.note(
                "warning",
                subject,
                f"forwards to {destination}, an unassigned ({state}) number: it is added to the "
                "location but nobody answers it",
            )

    def call_queues(self) -> None:
        for group in self.groups:
            country = self.country(group)
            for cc in group.call_centers:
                extension, blocked = self.features.get(cc.service_user_id, (None, False))
                if blocked:
                    continue
                profile = cc.service_instance_profile
                subject = f"call center {cc.service_user_id}"
                body: dict[str, Any] = {"name": profile.name}
                if profile.phone_number:
                    body["phoneNumber"] = to_e164(profile.phone_number, country)
                if extension:
                    body["extension"] = extension
                if profile.calling_line_id_first_name:
                    body["firstName"] = profile.calling_line_id_first_name
                if profile.calling_line_id_last_name:
                    body["lastName"] = profile.calling_line_id_last_name
                body["callPolicies"] = {
                    "policy": cc.policy.upper(),
                    "routingType": "SKILL_BASED"
                    if cc.routing_type == "Skill Based"
                    else "PRIORITY_BASED",
                }
                size = min(cc.queue_length, QUEUE_SIZE_MAX)
                if size != cc.queue_length:
                    self.note(
                        "changed", subject, f"queue length {cc.queue_length} → {size} (the most)"
                    )
                body["queueSettings"] = {"queueSize": size}
                if cc.type != "Basic":
                    self.note(
                        "not_moved",
                        subject,
                        f"{cc.type} options (thresholds, DNIS, announcements) have no call queue "
                        "equivalent: set them up by hand",
                    )
                weighted = cc.policy == "Weighted"
                agents = []
                for a in cc.agents:
                    extra: dict[str, Any] = {"weight": a.weight} if weighted else {}
                    if a.skill_level is not None:
                        extra["skillLevel"] = a.skill_level
                    agents.append((a.user_id, extra))
                body["agents"] = self._agents(
                    subject, agents, weighted=weighted, packages=QUEUE_AGENT_PACKAGES
                )
                self._feature_op(
                    group, "queues", "callQueue", cc.service_user_id, body, profile.name
                )

    def _feature_op(
        self,
        group: Group,
        collection: str,
        kind: str,
        source_id: str,
        body: dict[str, Any],
        name: str,
    ) -> None:
        numbers = self.numbers_op.get(group.group_id)
        self.add(
            Operation(
                f"{kind}/{source_id}",
                "features",
                kind,
                {"type": kind, "id": source_id, "group": group.group_id},
                "POST",
                f"/v1/telephony/config/locations/{self.location_ref(group)}/{collection}"
                f"{self.org_query()}",
                body,
                f"{'hunt group' if kind == 'huntGroup' else 'call queue'} {name}",
                (numbers,) if numbers and "phoneNumber" in body else (),
            )
        )

    def auto_attendants(self) -> None:
        for group in self.groups:
            for aa in group.auto_attendants:
                subject = f"auto attendant {aa.service_user_id}"
                self.note(
                    "not_moved",
                    subject,
                    f"{aa.service_instance_profile.name}: tukku's API has no auto attendants yet; "
                    "set it up by hand",
                )
                for submenu in aa.submenus:
                    self.note(
                        "not_moved",
                        subject,
                        f"submenu {submenu.submenu_id}: Webex has no submenus",
                    )
                menus = [aa.business_hours_menu, aa.after_hours_menu, aa.holiday_menu]
                for menu in (m for m in menus if m):
                    for key in menu.key_configuration:
                        if key.entry.action in ("Transfer To Submenu", "Return to Previous Menu"):
                            self.note(
                                "not_moved",
                                subject,
                                f"key {key.key} ({key.entry.action}) has no Webex key action",
                            )

    def devices(self) -> None:
        for group in self.groups:
            for device in group.access_devices:
                self._device(group, device)

    def _device(self, group: Group, device: AccessDevice) -> None:
        subject = f"device {device.device_name}"
        owner = next((line for line in device.lines if line.primary), None) or next(
            iter(device.lines), None
        )
        owner_plan = self.users.get(owner.user_id) if owner else None
        for line in device.lines:
            if line is not owner:
                self.note(
                    "not_moved",
                    subject,
                    f"shared line appearance of {line.user_id}: set it up by hand",
                )
        if device.mac_address is None:
            self.note("not_moved", subject, "no MAC address: cannot be created by MAC")
            return
        mac = device.mac_address.upper()
        if int(mac[:2], 16) & 1 or mac == "0" * 12:
            self.note(
                "not_moved",
                subject,
                f"MAC {mac} is a multicast or zero address, which no phone has: correct it in "
                "BroadWorks and extract again",
            )
            return
        model = self.c.device_models.get(device.device_type)
        body: dict[str, Any] = {"mac": mac}
        if model is None:
            if self.c.unsupported_device_policy == "skip" or self.c.unassigned_device_model is None:
                self.note(
                    "not_moved",
                    subject,
                    f"unsupported phone: {device.device_type!r} is not in device_models",
                )
                if owner_plan:
                    self.note(
                        "notice",
                        f"user {owner_plan.user.user_id}",
                        f"needs a new phone: {device.device_type} is not supported",
                    )
                return
            body["model"] = self.c.unassigned_device_model
            self.note(
                "warning",
                subject,
                f"unsupported {device.device_type!r}: created as {body['model']} with no user",
            )
        else:
            if owner_plan is None or not owner_plan.planned:
                who = owner.user_id if owner else "nobody"
                self.note("not_moved", subject, f"its user ({who}) is not migrated")
                return
            body["model"] = model
            body["personId"] = ref(f"subscriber/{owner_plan.user.user_id}", "personId")
        self.add(
            Operation(
                f"device/{mac}",
                "devices",
                "device",
                {"type": "device", "id": device.device_name, "group": group.group_id},
                "POST",
                f"/v1/devices{self.org_query()}",
                body,
                f"device {body['model']} {mac}",
            )
        )

    def _setting(self, group: Group, name: str) -> str | None:
        local = self.c.locations.get(group.group_id)
        value = getattr(local, name) if local else None
        return value or getattr(self.c, name, None)

    def general(self) -> None:
        for item in NEVER_MOVED:
            self.note("not_moved", "everyone", item)
        for item in USER_NOTICES:
            self.note("notice", "everyone", item)
        if any(u.package in ("webex_calling", "webex_suite") for u in self.users.values()):
            self.note("notice", "everyone", "UC-One users move to the Webex App at first sign-in.")


def _original(owner: str, claims: list[ExtensionClaim]) -> str:
    return next(c.extension for c in claims if c.owner == owner)


def _feature_word(feature: HuntGroup | CallCenter) -> str:
    return "hunt group" if isinstance(feature, HuntGroup) else "call center"


def _wholesale_address(address: StreetAddress) -> dict[str, str]:
    """An OCI-P street address as the wholesale API's address (the same names)."""
    out = {
        "addressLine1": address.address_line1,
        "addressLine2": address.address_line2,
        "city": address.city,
        "stateOrProvince": address.state_or_province,
        "zipOrPostalCode": address.zip_or_postal_code,
        "country": address.country,
    }
    return {k: v for k, v in out.items() if v is not None}


def build_plan(extract: Extract, config: Config) -> Plan:
    """The plan of moving `extract` onto tukku with `config` (check_config first): operations in
    phase order (customer, locations, numbers, users, features, devices) and the findings."""
    planner = _Planner(extract, config)
    planner.decide_users()
    planner.decide_extensions()
    planner.customer()
    planner.locations()
    planner.numbers()
    planner.subscribers()
    planner.hunt_groups()
    planner.call_queues()
    planner.auto_attendants()
    planner.devices()
    planner.general()
    return planner.plan
