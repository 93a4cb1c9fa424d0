"""Users, roles, sessions and the audit log of a dashboard shared on an intranet
(SECURITY.md, "Users"). Only the standard library and the password-hash library."""
