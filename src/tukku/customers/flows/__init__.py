"""Customer workflows that span domains: update and removal on the request side, and the jobs
that complete provisioning, update and removal in the background.

A package of two private modules, one per side (`_requests`, `_jobs`); callers import the
package, `from tukku.customers import flows`, and use the names re-exported here.
"""

from tukku.customers.flows._jobs import complete_provisioning as complete_provisioning
from tukku.customers.flows._jobs import complete_removal as complete_removal
from tukku.customers.flows._jobs import complete_update as complete_update
from tukku.customers.flows._jobs import fail_provisioning as fail_provisioning
from tukku.customers.flows._requests import remove_customer as remove_customer
from tukku.customers.flows._requests import update_customer as update_customer
