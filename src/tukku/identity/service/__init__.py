"""Use cases of identity: organizations, users, roles, tokens, authentication.

A package of private modules (organizations, organizations entering and leaving wholesale,
roles, tokens, users, signing keys, portal sign-in); callers import the package, `from
tukku.identity import service`, and use the names re-exported here. Other domains change
identity's rows only through these functions, which raise the security events and clear the
cached principals a change calls for.
"""

from tukku.identity.service._keys import link_secret as link_secret
from tukku.identity.service._orgs import create_organization as create_organization
from tukku.identity.service._orgs import get_org_unscoped as get_org_unscoped
from tukku.identity.service._orgs import lock_org as lock_org
from tukku.identity.service._orgs import org_flags as org_flags
from tukku.identity.service._orgs import rename_org as rename_org
from tukku.identity.service._orgs import set_email_settings as set_email_settings
from tukku.identity.service._orgs import set_internal as set_internal
from tukku.identity.service._orgs import set_sign_in as set_sign_in
from tukku.identity.service._orgs import set_verified_domains as set_verified_domains
from tukku.identity.service._roles import active_holders as active_holders
from tukku.identity.service._roles import admins_of as admins_of
from tukku.identity.service._roles import first_admin as first_admin
from tukku.identity.service._roles import grantable_for as grantable_for
from tukku.identity.service._roles import org_has_role as org_has_role
from tukku.identity.service._roles import roles_by_user as roles_by_user
from tukku.identity.service._roles import roles_of as roles_of
from tukku.identity.service._sign_in import INVITE as INVITE
from tukku.identity.service._sign_in import RESET as RESET
from tukku.identity.service._sign_in import SessionUser as SessionUser
from tukku.identity.service._sign_in import SignIn as SignIn
from tukku.identity.service._sign_in import end_session as end_session
from tukku.identity.service._sign_in import end_sessions_of as end_sessions_of
from tukku.identity.service._sign_in import issue_password_link as issue_password_link
from tukku.identity.service._sign_in import open_session as open_session
from tukku.identity.service._sign_in import password_link_user as password_link_user
from tukku.identity.service._sign_in import purge_sign_in_records as purge_sign_in_records
from tukku.identity.service._sign_in import redeem_password_link as redeem_password_link
from tukku.identity.service._sign_in import session_user as session_user
from tukku.identity.service._sign_in import sessions_of as sessions_of
from tukku.identity.service._sign_in import set_password as set_password
from tukku.identity.service._sign_in import sign_in as sign_in
from tukku.identity.service._tokens import SHOWN_PREFIX_LENGTH as SHOWN_PREFIX_LENGTH
from tukku.identity.service._tokens import TOKEN_PREFIX as TOKEN_PREFIX
from tukku.identity.service._tokens import Authenticated as Authenticated
from tukku.identity.service._tokens import TokenInfo as TokenInfo
from tukku.identity.service._tokens import authenticate as authenticate
from tukku.identity.service._tokens import find_tokens as find_tokens
from tukku.identity.service._tokens import get_token_unscoped as get_token_unscoped
from tukku.identity.service._tokens import hash_token as hash_token
from tukku.identity.service._tokens import issue_token as issue_token
from tukku.identity.service._tokens import list_tokens as list_tokens
from tukku.identity.service._tokens import revoke_token as revoke_token
from tukku.identity.service._tokens import revoke_tokens_of as revoke_tokens_of
from tukku.identity.service._tokens import touch_token as touch_token
from tukku.identity.service._users import ACTIVE as ACTIVE
from tukku.identity.service._users import REMOVED as REMOVED
from tukku.identity.service._users import NewOrgUser as NewOrgUser
from tukku.identity.service._users import active_users_of as active_users_of
from tukku.identity.service._users import create_standalone_org as create_standalone_org
from tukku.identity.service._users import create_user as create_user
from tukku.identity.service._users import edit_user as edit_user
from tukku.identity.service._users import ensure_operator as ensure_operator
from tukku.identity.service._users import find_user_by_email as find_user_by_email
from tukku.identity.service._users import get_user_unscoped as get_user_unscoped
from tukku.identity.service._users import grant_role as grant_role
from tukku.identity.service._users import move_user as move_user
from tukku.identity.service._users import remove_user as remove_user
from tukku.identity.service._users import restore_user as restore_user
from tukku.identity.service._users import revoke_role as revoke_role
from tukku.identity.service._users import revoke_roles as revoke_roles
from tukku.identity.service._users import user_count as user_count
from tukku.identity.service._users import users_matching as users_matching
from tukku.identity.service._users import users_of as users_of
from tukku.identity.service._wholesale import adopt_org as adopt_org
from tukku.identity.service._wholesale import create_customer_org as create_customer_org
from tukku.identity.service._wholesale import release_org as release_org
from tukku.identity.service._wholesale import set_webex_assistant as set_webex_assistant
from tukku.identity.token_cache import IDENTITY_CHANGED as IDENTITY_CHANGED
