"""Roles and what each may see and do: the one place permissions are decided."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    all_townships: bool      # False: confined to the user's own township (dashboard.common.data clamps the Filter)
    personal: bool           # may see names, health facts and notes, search by name (ID numbers, phones stay masked)
    may_reveal: bool         # may reveal full ID numbers and phones, one household at a time, logged
    may_export_packets: bool
    admin: bool = False      # audit log and users


ROLES = {
    "county": Role("county", "县级", all_townships=True, personal=True, may_reveal=True, may_export_packets=True),
    "township": Role("township", "乡镇", all_townships=False, personal=True, may_reveal=True, may_export_packets=True),
    "inspector": Role("inspector", "巡查组", all_townships=True, personal=False, may_reveal=False,
                      may_export_packets=True),
    "admin": Role("admin", "管理员", all_townships=True, personal=False, may_reveal=False, may_export_packets=False,
                  admin=True),
}


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    township: str | None = None   # required for township users
    display_name: str = ""
    demo: bool = False

    @property
    def scope(self) -> str | None:
        """The township this user is confined to, or None for all townships."""
        return None if self.role.all_townships else self.township

    @property
    def masking(self) -> str:
        """How personal data is shown by default: 'masked' (IDs, phones) or 'strict' (also names, health)."""
        return "masked" if self.role.personal else "strict"
