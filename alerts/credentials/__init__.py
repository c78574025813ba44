"""How staff prove who they are: passwords (the rules and the hashing) and the second factor (TOTP and recovery
codes).

Ground floor: no Flask, no database. alerts/data/ decides what is stored and the staff pages what is asked; the
rules and the cryptography live here.
"""
