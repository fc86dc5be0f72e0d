"""Roles and what each may see and do: the one place permissions are decided."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    confined: str | None     # None: the whole database (a city); "county": the user's county when one is given
                             # (required of county users in a database of several counties); "township": always
    personal: bool           # may see names, health facts and notes, search by name (ID numbers, phones stay masked)
    may_reveal: bool         # may reveal full ID numbers and phones, one household at a time, logged
    may_export_packets: bool
    admin: bool = False      # audit log and users

    @property
    def all_townships(self) -> bool:
        """False: confined to the user's own township (dashboard.common.data clamps the Filter)."""
        return self.confined != "township"


ROLES = {
    "city": Role("city", "市级", confined=None, personal=True, may_reveal=True, may_export_packets=True),
    "county": Role("county", "县级", confined="county", personal=True, may_reveal=True, may_export_packets=True),
    "township": Role("township", "乡镇", confined="township", personal=True, may_reveal=True, may_export_packets=True),
    "inspector": Role("inspector", "巡查组", confined="county", personal=False, may_reveal=False,
                      may_export_packets=True),
    "admin": Role("admin", "管理员", confined="county", personal=False, may_reveal=False, may_export_packets=False,
                  admin=True),
}


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    township: str | None = None   # 9-digit code: required for township users
    display_name: str = ""
    demo: bool = False
    county: str | None = None     # 6-digit code: the county a county user (or a county's inspector, admin) serves

    @property
    def scope(self) -> str | None:
        """The area code this user is confined to (a township's or a county's), or None for everything."""
        if self.role.confined == "township":
            return self.township
        return self.county if self.role.confined == "county" else None

    @property
    def masking(self) -> str:
        """How personal data is shown by default: 'masked' (IDs, phones) or 'strict' (also names, health)."""
        return "masked" if self.role.personal else "strict"
