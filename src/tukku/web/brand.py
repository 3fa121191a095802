"""A brand as pages and mail show it: name, logo, light and dark colours, support contacts.

A plain value, so that the portal's layout, the sign-in page and mail (which sits below the
branding domain) all render the same thing; `tukku.branding` decides which brand applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

THEME_PATH = "/brand/theme.css"
LOGO_PATH = "/brand/logos/"


@dataclass(frozen=True)
class Theme:
    """The colours of one mode, each `#rrggbb`: text and links on a background."""

    text: str
    background: str
    accent: str

    def query(self) -> str:
        """The three colours as one query value (`rrggbb-rrggbb-rrggbb`)."""
        return "-".join(c.removeprefix("#") for c in (self.text, self.background, self.accent))


@dataclass(frozen=True)
class Brand:
    """What the viewer of a page or the reader of a mail sees of a partner (or of the
    override a partner set for one customer)."""

    name: str
    light: Theme
    dark: Theme
    logo_digest: str | None = None
    support_url: str | None = None
    support_email: str | None = None
    support_phone: str | None = None

    @property
    def logo_path(self) -> str | None:
        """Where tukku serves the logo (by its content's digest: never names an organization)."""
        return f"{LOGO_PATH}{self.logo_digest}.png" if self.logo_digest else None

    @property
    def theme_path(self) -> str:
        """The stylesheet setting the brand's colours as CSS variables, light and dark (a
        stylesheet, since the portal's policy allows no inline style)."""
        query = urlencode({"light": self.light.query(), "dark": self.dark.query()})
        return f"{THEME_PATH}?{query}"

    @property
    def samples_path(self) -> str:
        """The same colours for the `.brand-light` and `.brand-dark` samples only, leaving the
        page's own brand alone (the branding page previews the brand it edits)."""
        return f"{self.theme_path}&samples=1"

    @property
    def has_support(self) -> bool:
        """Whether any support contact is set."""
        return bool(self.support_url or self.support_email or self.support_phone)


DEFAULT_LIGHT = Theme(text="#1b1b1b", background="#ffffff", accent="#0b5cad")
DEFAULT_DARK = Theme(text="#f2f4f7", background="#1b1f24", accent="#8cc4ff")
DEFAULT = Brand(name="tukku", light=DEFAULT_LIGHT, dark=DEFAULT_DARK)
"""tukku's own brand, for anyone no partner's brand applies to."""


def theme_css(light: Theme, dark: Theme, *, samples_only: bool = False) -> str:
    """The stylesheet of `theme_path`: CSS variables for light mode, and for dark mode under
    `prefers-color-scheme: dark`; `.brand-light` and `.brand-dark` set either mode's on one
    element (the branding page's previews). The colours must be checked `#rrggbb` values."""

    def block(theme: Theme) -> str:
        return (
            f"--brand-text: {theme.text}; --brand-background: {theme.background}; "
            f"--brand-accent: {theme.accent};"
        )

    samples = f".brand-light {{ {block(light)} }}\n.brand-dark {{ {block(dark)} }}\n"
    if samples_only:
        return samples
    return (
        f":root {{ {block(light)} }}\n"
        f"@media (prefers-color-scheme: dark) {{ :root {{ {block(dark)} }} }}\n{samples}"
    )
