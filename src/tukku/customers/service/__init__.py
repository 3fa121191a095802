"""Use cases of wholesale customers on the request side, always scoped to the acting partner.

A package of private modules (lookups and listing, status and settings, planning, provisioning,
attaching an existing organization, the precheck); callers import the package, `from
tukku.customers import service`, and use the names re-exported here. The workflows that span
domains live in `customers.flows`.
"""

from tukku.customers.service._attach import awaits_approval as awaits_approval
from tukku.customers.service._attach import decide as decide
from tukku.customers.service._attach import pending_for as pending_for
from tukku.customers.service._attach import provision_attached as provision_attached
from tukku.customers.service._attach import request_of as request_of
from tukku.customers.service._locations import add_site as add_site
from tukku.customers.service._locations import create_location as create_location
from tukku.customers.service._locations import enable_calling as enable_calling
from tukku.customers.service._locations import remove_site as remove_site
from tukku.customers.service._locations import replace_site as replace_site
from tukku.customers.service._lookup import CustomerFilters as CustomerFilters
from tukku.customers.service._lookup import billing_view as billing_view
from tukku.customers.service._lookup import by_org_unscoped as by_org_unscoped
from tukku.customers.service._lookup import get_or_404 as get_or_404
from tukku.customers.service._lookup import headquarters as headquarters
from tukku.customers.service._lookup import list_ as list_
from tukku.customers.service._lookup import location_of as location_of
from tukku.customers.service._lookup import locations_of_org as locations_of_org
from tukku.customers.service._lookup import lock_package as lock_package
from tukku.customers.service._lookup import lock_unscoped as lock_unscoped
from tukku.customers.service._lookup import managed_by_org as managed_by_org
from tukku.customers.service._lookup import package_row as package_row
from tukku.customers.service._lookup import packages_of as packages_of
from tukku.customers.service._lookup import to_out as to_out
from tukku.customers.service._plan import external_id_problem as external_id_problem
from tukku.customers.service._plan import sub_partner_admin_problems as sub_partner_admin_problems
from tukku.customers.service._plan import template_named as template_named
from tukku.customers.service._precheck import draft_problems as draft_problems
from tukku.customers.service._precheck import offered_packages as offered_packages
from tukku.customers.service._precheck import precheck as precheck
from tukku.customers.service._provision import AUDITED as AUDITED
from tukku.customers.service._provision import add_location as add_location
from tukku.customers.service._provision import provision as provision
from tukku.customers.service._provision import screening_candidate as screening_candidate
from tukku.customers.service._provision import set_address as set_address
from tukku.customers.service._provision import start_provisioning as start_provisioning
from tukku.customers.service._status import cross_launch as cross_launch
from tukku.customers.service._status import fail as fail
from tukku.customers.service._status import follow_rename as follow_rename
from tukku.customers.service._status import readiness_problems as readiness_problems
from tukku.customers.service._status import require_ready as require_ready
from tukku.customers.service._status import set_restricted_mode as set_restricted_mode
from tukku.customers.service._status import set_status as set_status
from tukku.customers.service._status import transition as transition
