"""A customer's own administrators (`/v1/customer/...`, and the customer portal next): their
organization, users and subscribers, within what their roles and restricted mode allow."""
