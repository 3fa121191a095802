"""Use cases of wholesale subscribers, always scoped to the acting partner.

A package of private modules (lookups and listing, directory numbers, the steps of a
subscriber's life, consent, planning, provisioning, changes, the precheck); callers import the
package, `from tukku.subscribers import service`, and use the names re-exported here. Importing
it registers subscribers as holders of customers' packages (`tukku.customers.holders`).
"""

from tukku.customers import holders
from tukku.subscribers.service._change import change_package as change_package
from tukku.subscribers.service._change import follow_email_change as follow_email_change
from tukku.subscribers.service._change import remove as remove
from tukku.subscribers.service._change import remove_all_for_customer
from tukku.subscribers.service._change import update as update
from tukku.subscribers.service._consent import Links as Links
from tukku.subscribers.service._consent import accept_consent as accept_consent
from tukku.subscribers.service._consent import pending_for_consent as pending_for_consent
from tukku.subscribers.service._consent import resend_consent as resend_consent
from tukku.subscribers.service._consent import (
    resend_consent_of_customer as resend_consent_of_customer,
)
from tukku.subscribers.service._consent import waiting_for_consent as waiting_for_consent
from tukku.subscribers.service._lookup import SubscriberFilters as SubscriberFilters
from tukku.subscribers.service._lookup import active_in_org as active_in_org
from tukku.subscribers.service._lookup import active_of_user as active_of_user
from tukku.subscribers.service._lookup import count_holding as count_holding
from tukku.subscribers.service._lookup import external_id_of as external_id_of
from tukku.subscribers.service._lookup import get_or_404 as get_or_404
from tukku.subscribers.service._lookup import list_ as list_
from tukku.subscribers.service._lookup import to_out as to_out
from tukku.subscribers.service._numbers import hold_numbers as hold_numbers
from tukku.subscribers.service._numbers import number_problems as number_problems
from tukku.subscribers.service._numbers import release_numbers_of as release_numbers_of
from tukku.subscribers.service._numbers import release_unassigned as release_unassigned
from tukku.subscribers.service._numbers import set_primary_number as set_primary_number
from tukku.subscribers.service._plan import offered_packages as offered_packages
from tukku.subscribers.service._precheck import precheck as precheck
from tukku.subscribers.service._provision import provision as provision
from tukku.subscribers.service._provision import provision_into as provision_into

holders.register(
    holders.Holders(
        noun="subscribers", count_holding=count_holding, remove_all=remove_all_for_customer
    )
)
