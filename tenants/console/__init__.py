"""The operators' console on the platform domain (`/console/`), for accounts of the public schema only.

auth: the two-step sign-in (password, then TOTP); access: who may see what; communes: the list and a commune's
page with its actions; urls: the console's URLconf.
"""
