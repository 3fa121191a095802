"""A customer's calling set-up through the public Webex APIs: locations, people, numbers,
workspaces, devices and call queues, for its partner (naming it with `orgId`) and its own
administrators alike."""
